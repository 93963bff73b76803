// A number of items read from a tensor's shape: `x.size(0)`, `x.shape[0]`, `len(x)`, `tf.shape(x)[0]`,
// `x.numel()`, a conversion of one (`float(len(x))`, `tf.cast(tf.shape(x)[0], tf.float32)`) or a product of them
// (`x.size(1) * x.size(2)`). Dividing a term by one normalises it (`kl / x.size(0)`: a per-sample KL): the division
// is neither a λ (no setting to tune: the data decides it) nor part of the term's name (`kl`).
import type { Expr } from '../ir';
import { opName } from './expr';

/** Calls and methods that count the elements or rows of what they take. */
const COUNTERS: ReadonlySet<string> = new Set(['len', 'numel', 'nelement', 'size', 'count_nonzero']);
/** Calls and methods whose value is a shape, indexed to give one dimension (`tf.shape(x)[0]`, `x.size()[0]`). */
const SHAPES: ReadonlySet<string> = new Set(['shape', 'size', 'int_shape', 'get_shape']);
/** Conversions that keep a count a count (`float(n)`, `tf.cast(n, 'float32')`, `torch.tensor(n)`, `n.float()`). */
const CONVERSIONS: ReadonlySet<string> = new Set(['float', 'int', 'cast', 'to_float', 'tensor', 'as_tensor', 'convert_to_tensor', 'scalar', 'constant']);

/**
 * Names that hold a number of items by the usual conventions: `batch_size`, `bs`, `BATCH_SIZE`, `num_samples`,
 * `n_pixels`, `dataset_size`, `N` (a loss that divides by one normalises, whatever binds it: an argument, a constant).
 */
const COUNT_NAME = /^(?:bs|n|N|batch|BATCH|batch_?size|BATCH_?SIZE|batchSize|\w+_size|\w+_SIZE|\w+Size|num_\w+|NUM_\w+|num[A-Z]\w*|n_\w+|N_\w+|numel|count|\w+_count|len_\w+)$/;

/** `x.shape`, `tf.shape(x)`, `x.size()`, `K.int_shape(x)`: a whole shape. */
function isShape(e: Expr): boolean {
  if (e.kind === 'attr') return e.name === 'shape';
  if (e.kind === 'call' || e.kind === 'method') return SHAPES.has(opName(e) ?? '') && (e.kind === 'call' ? e.args.length === 1 : e.args.length === 0);
  return false;
}

/** See the header: a count of items, read from shapes only (no tensor value in it). */
export function isSizeCount(e: Expr): boolean {
  switch (e.kind) {
    case 'name':
      return e.ref !== 'yTrue' && e.ref !== 'yPred' && COUNT_NAME.test(e.name);
    case 'attr':
      // TF.js and NumPy `x.size`: the number of elements (not an attribute of the code's own object)
      return e.name === 'size' && !(e.object.kind === 'name' && (e.object.name === 'self' || e.object.name === 'this'));
    case 'subscript':
      return isShape(e.object) && e.index.length === 1 && e.index[0]!.kind === 'index';
    case 'binary':
      return e.op === '*' && [e.left, e.right].some(isSizeCount) && [e.left, e.right].every((x) => x.kind === 'number' || isSizeCount(x));
    case 'call': {
      const op = opName(e) ?? '';
      if (CONVERSIONS.has(op)) return !!e.args[0] && isSizeCount(e.args[0]);
      return COUNTERS.has(op) && e.args.length >= 1 && (op !== 'size' || e.args.length === 1);
    }
    case 'method':
      if (CONVERSIONS.has(e.method)) return e.args.length === 0 && isSizeCount(e.object);
      // `x.size(0)`, `x.numel()`; a bare `x.size()` is the whole shape, not a count
      return COUNTERS.has(e.method) && (e.method === 'size' ? e.args.length === 1 : e.args.length === 0);
    default:
      return false;
  }
}

/** `a / count` (or `a.div(count)`, `tf.div(a, count)`): the numerator and the count, else undefined. */
export function overSizeCount(e: Expr): { numerator: Expr; count: Expr } | undefined {
  if (e.kind === 'binary' && e.op === '/' && isSizeCount(e.right)) return { numerator: e.left, count: e.right };
  const op = opName(e) ?? '';
  if (!['div', 'divide', 'true_divide', 'truediv'].includes(op) || Object.keys((e as { kwargs: object }).kwargs).length > 0) return undefined;
  const [numerator, count] = e.kind === 'method' ? [e.object, e.args[0]] : e.kind === 'call' ? [e.args[0], e.args[1]] : [];
  return numerator && count && isSizeCount(count) ? { numerator, count } : undefined;
}
