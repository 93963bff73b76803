// A transform argument (`trans`, a PointNet-style feature transform) the loss reads as ONE 2-D matrix, not one per
// sample: it transposes its two axes (`trans.transpose(0, 1)`, `trans.t()`, `trans.T`, `torch.t(trans)`) or
// multiplies it as a matrix with `torch.mm`. The trial then gives a single [k, k] matrix, trainable as the user's
// is (a block of a kernel of the trial model: tensorArgs.ts kind 'matrix'), not a [B, k, k] batch of them.
import type { Expr, LossModel } from '../analysis/ir';
import { childrenOf } from '../analysis/terms/expr';
import { evaluatedExprs } from './interpreter/unsupported';

const isName = (e: Expr | undefined, name: string): boolean => e?.kind === 'name' && e.name === name;
const numberOf = (e: Expr | undefined): number | undefined => (e?.kind === 'number' ? e.value : undefined);

/** Whether `e` reads `name` as one 2-D matrix (see the header). */
function readsAsMatrix(e: Expr, name: string): boolean {
  if (e.kind === 'method' && isName(e.object, name)) {
    if (e.method === 't') return true;
    const [a, b] = e.args.map(numberOf);
    if (e.method === 'transpose' && e.args.length === 2 && ((a === 0 && b === 1) || (a === 1 && b === 0))) return true;
  }
  if (e.kind === 'attr' && e.name === 'T' && isName(e.object, name)) return true;
  return e.kind === 'call' && (e.callee === 'torch.t' || e.callee === 'torch.mm') && e.args.some((a) => isName(a, name));
}

/** Where the loss reads `name` as one 2-D matrix (`trans.transpose(0, 1)`, line 12), for the header; else undefined. */
export function singleMatrixRead(loss: LossModel, name: string): string | undefined {
  let found: Expr | undefined;
  const visit = (e: Expr): void => {
    if (found) return;
    if (readsAsMatrix(e, name)) found = e;
    else for (const c of childrenOf(e)) visit(c);
  };
  for (const e of evaluatedExprs(loss)) visit(e);
  return found ? `\`${found.text}\`, line ${found.range.startLine + 1}` : undefined;
}
