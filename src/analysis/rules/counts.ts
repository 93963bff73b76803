// Names the loss uses as counts: `for v in range(n_videos)`, `scores.view(batch_size, -1)`, `torch.zeros(n)`. Such a
// name holds a whole number of items the loss iterates or shapes by (a batch size, a number of bags), so dividing
// by it normalises a sum, as `/ x.size(0)` does; it cannot reach zero while the loss has anything to average.
import type { Expr } from '../ir';
import { lastSegment, walk } from './expr';

/** Calls and methods whose arguments are sizes: ranges, reshapes, tensor constructors. */
const SIZE_TAKING = new Set([
  'range', 'arange', 'view', 'reshape', 'expand', 'repeat', 'tile', 'zeros', 'ones', 'empty', 'full', 'rand', 'randn',
  'new_zeros', 'new_ones', 'new_empty', 'new_full', 'randperm', 'unflatten', 'split', 'chunk', 'unstack',
]);

/** Conversions that keep a count a count (`float(n)`, `tf.cast(n, tf.float32)`, `torch.tensor(n)`). */
const CONVERSIONS = new Set(['float', 'int', 'cast', 'to_float', 'tensor', 'as_tensor', 'convert_to_tensor', 'scalar']);

const sizeArgs = (n: Expr): Expr[] => {
  if (n.kind === 'call' && SIZE_TAKING.has(lastSegment(n.callee))) return [...n.args, ...Object.values(n.kwargs)];
  if (n.kind === 'method' && SIZE_TAKING.has(n.method)) return [...n.args, ...Object.values(n.kwargs)];
  return [];
};

/** The plain names the loss passes as a size somewhere in `body` (directly, or as an item of a shape tuple). */
export function countNames(body: Expr): Set<string> {
  const out = new Set<string>();
  walk(body, (n) => {
    for (const a of sizeArgs(n)) {
      for (const item of a.kind === 'tuple' ? a.items : [a]) if (item.kind === 'name') out.add(item.name);
    }
  });
  return out;
}

/** A count, a conversion of one, or a product or sum of counts (`n_videos`, `float(bs)`, `b * c * h * w`). */
export function isCount(x: Expr, counts: ReadonlySet<string>): boolean {
  if (x.kind === 'name') return counts.has(x.name);
  if (x.kind === 'binary' && (x.op === '*' || x.op === '+')) return isCount(x.left, counts) && isCount(x.right, counts);
  if (x.kind === 'call' && CONVERSIONS.has(lastSegment(x.callee))) return !!x.args[0] && isCount(x.args[0], counts);
  return false;
}
