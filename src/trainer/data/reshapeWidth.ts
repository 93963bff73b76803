// The width a loss's own reshape fixes on the trial's flat samples: `x.view(-1, 784)`, `y_true.reshape(-1, PIXELS)`,
// `tf.reshape(y_pred, [-1, 28 * 28])`, `torch.reshape(target, (-1, n))`. A flat sample of the prediction or target
// must then hold a multiple of that many values, else the reshape fails on the trainer's data ("the implicit shape
// can't be a fractional number"), which is the data's fault, not the user's line. Read from syntax, never names.
import type { Expr, LossModel } from '../../analysis/ir';
import { nodesOf } from '../../analysis/terms/expr';
import { makeLookup } from '../interpreter/scope';
import { staticValue } from '../interpreter/staticValues';

export interface ReshapeWidth {
  /** Values per row after the reshape. */
  width: number;
  /** Where the loss says so, for the panel header. */
  why: string;
}

/** Widths beyond this are not flat samples a trial can afford (2048 samples × 4096 values). */
const MAX_WIDTH = 4096;

const isData = (e: Expr | undefined) => e?.kind === 'name' && (e.ref === 'yPred' || e.ref === 'yTrue');

/** The tensor reshaped and its target shape, for the method and function spellings. */
function reshapeOf(e: Expr): { tensor: Expr; shape: Expr[] } | undefined {
  if (e.kind === 'method' && (e.method === 'view' || e.method === 'reshape')) {
    const [first] = e.args;
    const shape = e.args.length === 1 && first?.kind === 'tuple' ? first.items : e.args;
    return { tensor: e.object, shape };
  }
  if (e.kind === 'call' && /(^|\.)reshape$/.test(e.callee)) {
    const [tensor, shape] = e.args;
    const given = shape ?? e.kwargs['shape'];
    if (!tensor || !given || given.kind !== 'tuple') return undefined;
    return { tensor, shape: given.items };
  }
  return undefined;
}

function known(e: Expr, lookup: (n: string) => unknown): number | undefined {
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') return -e.operand.value;
  const v = staticValue(e, lookup as never);
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/**
 * The first `(-1, K)` or `(-1, d1, d2, …)` reshape of a tensor `reshaped` picks, with the sizes known before training:
 * rows of K = d1·d2·… values.
 */
function reshapeWidthOf(loss: LossModel, reshaped: (e: Expr) => boolean): ReshapeWidth | undefined {
  const lookup = makeLookup(loss, {});
  for (const root of [loss.body, ...loss.terms.map((t) => t.expr)]) {
    for (const n of nodesOf(root)) {
      const r = reshapeOf(n);
      if (!r || !reshaped(r.tensor) || r.shape.length < 2) continue;
      const [rows, ...dims] = r.shape.map((s) => known(s, lookup));
      if (rows !== -1 || dims.some((d) => d === undefined || d < 1)) continue;
      const width = (dims as number[]).reduce((a, b) => a * b, 1);
      if (width > MAX_WIDTH) continue;
      return { width, why: `the loss reshapes \`${r.tensor.text}\` to rows of ${width} (\`${n.text}\`, line ${n.range.startLine + 1})` };
    }
  }
  return undefined;
}

/** `(-1, K)` (or `(-1, k, k)`) of the prediction or the target, with the sizes known before training. */
export function lossReshapeWidth(loss: LossModel): ReshapeWidth | undefined {
  return reshapeWidthOf(loss, isData);
}

/**
 * The same of a tensor argument the trial cuts from its last hidden layer (`tf.reshape(x, (-1, k, k))` in an activity
 * regularizer, a code reshaped to matrices): that layer gets exactly K units, one row per sample, as the layer the
 * loss is written for has (a `Dense(k * k)` before its `Reshape((k, k))`).
 */
export function hiddenReshapeWidth(loss: LossModel, names: readonly string[]): ReshapeWidth | undefined {
  return reshapeWidthOf(loss, (e) => e.kind === 'name' && names.includes(e.name) && e.ref !== 'yPred' && e.ref !== 'yTrue');
}

/** The smallest multiple of `width` that is at least `size`: a sample size the reshape accepts. */
export const fittingSize = (size: number, width: number): number => Math.max(1, Math.ceil(size / width)) * width;
