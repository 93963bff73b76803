// The positional parameters of the classes a loss builds and calls later (`nn.LogSoftmax(1)`, `nn.CrossEntropyLoss(w)`):
// the front end keeps a constructor's positional arguments apart (ir.ts call `ctorArgs`), and these names bind them as
// the class's own signature does. A class not listed here, or given more arguments than it lists, is refused with a
// rewrite (name the arguments), never bound by guess.
import { TORCH_LOSS_CTOR_PARAMS } from '../../../analysis/python/torchLossParams';
import { kerasRegularizerParams } from './kerasRegularizers';

const torchClasses: Readonly<Record<string, readonly string[]>> = {
  LogSoftmax: ['dim'],
  Softmax: ['dim'],
  Softplus: ['beta', 'threshold'],
  ReLU: ['inplace'],
  ReLU6: ['inplace'],
  Hardsigmoid: ['inplace'],
  Hardswish: ['inplace'],
  Softshrink: ['lambd'],
  Threshold: ['threshold', 'value', 'inplace'],
  GLU: ['dim'],
  ...TORCH_LOSS_CTOR_PARAMS,
  MarginRankingLoss: ['margin', 'size_average', 'reduce', 'reduction'],
  TripletMarginLoss: ['margin', 'p', 'eps', 'swap', 'size_average', 'reduce', 'reduction'],
  CosineEmbeddingLoss: ['margin', 'size_average', 'reduce', 'reduction'],
  CosineSimilarity: ['dim', 'eps'],
  PairwiseDistance: ['p', 'eps', 'keepdim'],
  AvgPool2d: ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad'],
  MaxPool2d: ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
};

/** `tf.keras.losses.get(name)`, called on the spot: its one argument names the loss (./kerasLossesGet.ts). */
const kerasLossLookups: Readonly<Record<string, readonly string[]>> = { get: ['identifier'] };
const kerasLossPrefixes = new Set(['tf.keras.losses', 'keras.losses', 'tf.losses']);

/** The parameter names `callee`'s positional constructor arguments bind, or undefined when they cannot be bound. */
export function constructorParamNames(callee: string, count: number): readonly string[] | undefined {
  const [prefix, name] = [callee.slice(0, callee.lastIndexOf('.')), callee.slice(callee.lastIndexOf('.') + 1)];
  const table =
    prefix === 'nn' || prefix === 'torch.nn'
      ? torchClasses
      : prefix === 'tf.keras.regularizers' || prefix === 'keras.regularizers'
        ? kerasRegularizerParams
        : kerasLossPrefixes.has(prefix)
          ? kerasLossLookups
          : {};
  const names = Object.hasOwn(table, name) ? table[name] : undefined;
  return names && count <= names.length ? names.slice(0, count) : undefined;
}

/** The refusal of positional constructor arguments this table cannot bind. */
export const constructorArgsRefusal = (callee: string, line: number): string =>
  `line ${line}: \`${callee}(…)\` is built with positional arguments the Loss Lab trainer cannot name: write them by keyword (\`${callee}(dim=1)\`, \`${callee}(weight=w)\`)`;
