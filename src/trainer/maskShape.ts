// The last axis of a synthetic mask (tensorArgs.ts 'mask'): a mask made for one channel and tiled by the loss to the
// prediction's channels (`mask.tile([1, 1, 1, 3])`, `tf.tile(mask, [1, 1, 3])`, `mask.repeat(1, 1, 3)`) has that
// axis 1/k of the prediction's; a mask of the prediction's own shape tiled by k would be k times too wide. Read from
// the loss's syntax. Pure data over the IR (no tfjs).
import type { Expr, LossModel } from '../analysis/ir';
import { nodesOf } from '../analysis/terms/expr';
import { literalNumber } from './data/listLengths';

const isName = (e: Expr | undefined, name: string): boolean => e?.kind === 'name' && e.name === name;

/** The repetitions a tiling use gives the mask's last axis: `[1, 1, 1, 3]` → 3. */
function lastRepeat(e: Expr, name: string): number | undefined {
  const lastOf = (items: readonly Expr[]): number | undefined => literalNumber(items.at(-1));
  if (e.kind === 'method' && isName(e.object, name) && e.method === 'tile' && e.args[0]?.kind === 'tuple') return lastOf(e.args[0].items);
  if (e.kind === 'method' && isName(e.object, name) && e.method === 'repeat' && e.args.length > 1) return lastOf(e.args);
  if (e.kind === 'call' && /(^|\.)tile$/.test(e.callee) && isName(e.args[0], name) && e.args[1]?.kind === 'tuple') return lastOf(e.args[1].items);
  return undefined;
}

/** The mask's last axis when the loss tiles it along that axis (undefined: the prediction's own). */
export function maskLastAxis(loss: LossModel, name: string, predictionLast: number): number | undefined {
  for (const root of [loss.body, ...loss.terms.map((t) => t.expr)]) {
    for (const n of nodesOf(root)) {
      const k = lastRepeat(n, name);
      if (k !== undefined && k > 1) return predictionLast % k === 0 ? predictionLast / k : 1;
    }
  }
  return undefined;
}
