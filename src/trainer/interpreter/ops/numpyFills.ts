// NumPy arrays a loss builds from a size and a value (`np.full(batch_size - 1, steepness)`, `np.zeros(n)`,
// `np.ones((2, 2))`, `np.arange(n)`), usually made tensors next (`tf.convert_to_tensor`, `torch.from_numpy`):
// constants with NumPy's values. Float32 like every tensor of a trial; no gradient reaches them, as none does in NumPy.
import { op } from '../args';
import type { OpTable } from '../types';
import { shapeArg } from './builders';

export const numpyFills: OpTable = {
  'np.full': op(['shape', 'fill_value', 'dtype'], (a) => a.tf.fill(shapeArg(a, 'shape'), a.number('fill_value'))),
  'np.zeros': op(['shape', 'dtype'], (a) => a.tf.zeros(shapeArg(a, 'shape'))),
  'np.ones': op(['shape', 'dtype'], (a) => a.tf.ones(shapeArg(a, 'shape'))),
  // NumPy's order: `np.arange(stop)` or `np.arange(start, stop, step)`
  'np.arange': op(['start', 'stop', 'step', 'dtype'], (a) => {
    const [start, stop] = a.has('stop') ? [a.number('start'), a.number('stop')] : [0, a.number('start')];
    return a.tf.range(start, stop, a.number('step', 1), 'float32');
  }),
};
