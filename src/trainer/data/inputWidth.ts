// The trial's input width when the loss reads the model's input beside its prediction (tensorArgs.ts 'model-input'):
// a residual mapping's displacement (`torch.norm(outputs - batch_X)`) or a dynamics model's one-step consistency
// (`criterion(out[:, 2:], x + dt * out[:, :2])`) combines the input elementwise with the prediction or a block of its
// columns, so the input has as many features as that block. With the default 8 features the sum failed to broadcast
// on the user's line: the trainer's data, not the user's code. Read from the loss's syntax, never from names.
import type { Expr, LossModel } from '../../analysis/ir';
import { nodesOf } from '../../analysis/terms/expr';
import { makeLookup } from '../interpreter/scope';
import { type Lookup, literalNumber } from './listLengths';

export interface InputWidth {
  features: number;
  /** Why, for the panel header: "the loss combines the input `x` with `out[:, :2]` (line 66)". */
  why: string;
}

const elementwise = new Set(['+', '-', '*', '/']);
const castMethods = new Set(['float', 'double', 'to', 'type', 'type_as', 'detach', 'cuda', 'cpu', 'contiguous']);

/** The prediction's columns an expression has (`pred` → all, `pred[:, :2]` → 2, `dt * pred[:, 2:4]` → 2). */
function predictionWidth(e: Expr, outputs: number, lookup: Lookup): number | undefined {
  if (e.kind === 'name') return e.ref === 'yPred' ? outputs : undefined;
  if (e.kind === 'method' && castMethods.has(e.method)) return predictionWidth(e.object, outputs, lookup);
  if (e.kind === 'unary') return predictionWidth(e.operand, outputs, lookup);
  if (e.kind === 'binary' && elementwise.has(e.op)) return predictionWidth(e.left, outputs, lookup) ?? predictionWidth(e.right, outputs, lookup);
  if (e.kind !== 'subscript' || e.object.kind !== 'name' || e.object.ref !== 'yPred' || e.index.length !== 2) return undefined;
  const [rows, cols] = e.index;
  if (rows?.kind !== 'slice' || rows.start || rows.stop || cols?.kind !== 'slice' || cols.step) return undefined;
  const start = cols.start ? literalNumber(cols.start, lookup) : 0;
  const stop = cols.stop ? literalNumber(cols.stop, lookup) : outputs;
  if (start === undefined || stop === undefined) return undefined;
  const [from, to] = [start < 0 ? outputs + start : start, stop < 0 ? outputs + stop : Math.min(stop, outputs)];
  return to > from ? to - from : undefined;
}

/** The input's width where the loss first combines it elementwise with (a block of) the prediction. */
export function lossInputWidth(loss: LossModel, inputs: readonly string[], outputs: number): InputWidth | undefined {
  if (inputs.length === 0) return undefined;
  const lookup = makeLookup(loss, {});
  const isInput = (e: Expr): boolean => e.kind === 'name' && inputs.includes(e.name);
  for (const root of [loss.body, ...loss.terms.map((t) => t.expr)]) {
    for (const n of nodesOf(root)) {
      if (n.kind !== 'binary' || !elementwise.has(n.op)) continue;
      const pairs = [[n.left, n.right], [n.right, n.left]] as const;
      for (const [input, other] of pairs) {
        const width = isInput(input) ? predictionWidth(other, outputs, lookup) : undefined;
        if (width !== undefined) return { features: width, why: `the loss combines the input \`${input.text}\` with \`${other.text}\` (line ${n.range.startLine + 1})` };
      }
    }
  }
  return undefined;
}
