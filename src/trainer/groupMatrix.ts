// A sensitive attribute read as a MATRIX of group indicators (one column per group, one-hot rows): a fairness
// penalty that counts each group's members with `groups_onehot.sum(dim=0)` and their predictions with
// `groups_onehot.T.matmul(probs)`. The trial's group column is 0/1 per sample; such a loss gets it one-hot, [B, 2]
// (column 0: group 0, column 1: group 1), and the header says so. A loss reading it as a vector keeps the column.
import type { Expr, LossModel } from '../analysis/ir';
import { evaluatedExprs, walkExprs } from './interpreter/unsupported';

/** Reads that need a matrix: the transpose, a matrix product, an index over two axes. */
const MATRIX_ATTRS: ReadonlySet<string> = new Set(['T', 'mT']);
const MATRIX_METHODS: ReadonlySet<string> = new Set(['t', 'matmul', 'mm', 'transpose']);
const MATRIX_CALLS: ReadonlySet<string> = new Set(['torch.matmul', 'torch.mm', 'torch.einsum', 'torch.transpose', 'torch.t']);

const isArg = (e: Expr | undefined, name: string): boolean => e?.kind === 'name' && e.name === name && e.ref !== 'global' && e.ref !== 'loop';

/** The line where the loss first reads `name` as a matrix, or undefined when it reads it as a vector. */
export function matrixReadLine(loss: LossModel, name: string): number | undefined {
  let line: number | undefined;
  walkExprs(evaluatedExprs(loss), (e) => {
    if (line !== undefined) return;
    const asMatrix =
      (e.kind === 'attr' && MATRIX_ATTRS.has(e.name) && isArg(e.object, name)) ||
      (e.kind === 'method' && MATRIX_METHODS.has(e.method) && (isArg(e.object, name) || e.args.some((a) => isArg(a, name)))) ||
      (e.kind === 'call' && MATRIX_CALLS.has(e.callee) && e.args.some((a) => isArg(a, name))) ||
      (e.kind === 'subscript' && e.index.length >= 2 && isArg(e.object, name));
    if (asMatrix) line = e.range.startLine + 1;
  });
  return line;
}
