// The target's per-sample shape when it is not the prediction's: a loss that compares ONE target with each of
// several prediction columns (a multi-quantile pinball loss, `target - preds[:, i]` for each quantile i, or
// `target.unsqueeze(-1) - preds`) takes a target without the prediction's column axis. Giving it the prediction's
// shape would make `target - preds[:, i]` fail to broadcast (or broadcast to (N, N)): the data's fault, not the
// user's line. Read from the loss's syntax, never from names.
import type { Expr, IndexItem, LossModel } from '../../analysis/ir';
import { nodesOf } from '../../analysis/terms/expr';
import { makeLookup } from '../interpreter/scope';
import { staticValue } from '../interpreter/staticValues';
import { uncast } from './targetWidth';

export interface TargetAxis {
  /** The prediction's per-sample axis the target lacks (0 = the first after the batch; -1 = the last). */
  axis: number;
  /** Where the loss says so, for the panel header. */
  why: string;
}

const elementwise = new Set(['+', '-', '*', '/']);

const isRef = (e: Expr, ref: 'yPred' | 'yTrue') => e.kind === 'name' && e.ref === ref;
const consuming = (it: IndexItem) => it.kind === 'index' || it.kind === 'slice';

/**
 * `preds.T[i].T`: PyTorch's `.T` reverses every axis, so the index picks item i of the LAST axis and the second `.T`
 * puts the others back in order (a channel read from (N, …, C)).
 */
function transposedPick(e: Expr): boolean {
  if (e.kind !== 'attr' || e.name !== 'T' || e.object.kind !== 'subscript') return false;
  const { object, index } = e.object;
  return object.kind === 'attr' && object.name === 'T' && isRef(object.object, 'yPred') && index.length === 1 && index[0]!.kind === 'index';
}

/** `preds[:, i]`, `preds[..., i]`, `preds[:, i, :]`, `preds.T[i].T`: the per-sample axis one index picks, the rest whole. */
function pickedColumn(e: Expr): number | undefined {
  if (transposedPick(e)) return -1;
  if (e.kind !== 'subscript' || !isRef(e.object, 'yPred')) return undefined;
  const picks = e.index.filter((it) => it.kind === 'index');
  if (picks.length !== 1 || e.index.some((it) => it.kind === 'slice' && (it.start || it.stop || it.step))) return undefined;
  if (e.index.some((it) => it.kind === 'newaxis')) return undefined;
  const at = e.index.indexOf(picks[0]!);
  const ellipsis = e.index.findIndex((it) => it.kind === 'ellipsis');
  if (ellipsis >= 0 && ellipsis < at) return at === e.index.length - 1 ? -1 : undefined;
  // position 0 is the batch axis: picking one sample is not a column
  return at >= 1 ? at - 1 : undefined;
}

const number = (e: Expr | undefined): number | undefined =>
  e?.kind === 'number' ? e.value : e?.kind === 'unary' && e.op === '-' && e.operand.kind === 'number' ? -e.operand.value : undefined;

/** `target.unsqueeze(-1)`, `target[:, None]`, `target[..., None]`, `tf.expand_dims(target, -1)`: the axis added. */
function expandedTarget(e: Expr): number | undefined {
  if (e.kind === 'method' && e.method === 'unsqueeze' && isRef(uncast(e.object), 'yTrue')) return sampleAxis(number(e.args[0] ?? e.kwargs['dim']));
  if (e.kind === 'call' && /(^|\.)(expand_dims|unsqueeze|expandDims)$/.test(e.callee) && e.args[0] && isRef(uncast(e.args[0]), 'yTrue')) {
    return sampleAxis(number(e.args[1] ?? e.kwargs['axis'] ?? e.kwargs['dim']));
  }
  if (e.kind === 'subscript' && isRef(e.object, 'yTrue') && e.index.filter((it) => it.kind === 'newaxis').length === 1) {
    const at = e.index.findIndex((it) => it.kind === 'newaxis');
    if (e.index.some((it) => it.kind === 'index')) return undefined;
    return e.index[at - 1]?.kind === 'ellipsis' && at === e.index.length - 1 ? -1 : sampleAxis(at);
  }
  return undefined;
}

/** A tensor axis (1 = after the batch, -1 = last) as a per-sample axis; the batch axis is none. */
function sampleAxis(d: number | undefined): number | undefined {
  if (d === undefined || d === 0) return undefined;
  return d < 0 ? d : d - 1;
}

/** The target is read whole: no subscript picks from it (`target[:, 0]` reads the target's own columns). */
function targetIndexed(body: Expr[]): boolean {
  return body.some((root) => [...nodesOf(root)].some((n) => n.kind === 'subscript' && isRef(n.object, 'yTrue') && n.index.some((it) => it.kind === 'index' || (consuming(it) && it.kind === 'slice' && (it.start || it.stop)))));
}

/** Whether both operands read the prediction and target in the shape each would have without the column rule. */
function comparison(e: Expr): { axis: number; text: string } | undefined {
  if (e.kind !== 'binary' || !elementwise.has(e.op)) return undefined;
  for (const [a, b] of [[e.left, e.right], [e.right, e.left]] as const) {
    const col = isRef(a, 'yTrue') ? pickedColumn(b) : undefined;
    if (col !== undefined) return { axis: col, text: e.text };
    const added = isRef(b, 'yPred') ? expandedTarget(a) : undefined;
    if (added !== undefined) return { axis: added, text: e.text };
  }
  return undefined;
}

/** The axis the target lacks, when the loss compares it with one prediction column at a time (see the header). */
export function lossTargetAxis(loss: LossModel): TargetAxis | undefined {
  const roots = [loss.body, ...loss.terms.map((t) => t.expr)];
  if (targetIndexed(roots)) return undefined;
  for (const root of roots) {
    for (const n of nodesOf(root)) {
      const hit = comparison(n);
      if (hit) return { axis: hit.axis, why: `one target per sample, compared with each prediction column (\`${hit.text}\`, line ${n.range.startLine + 1})` };
    }
  }
  return undefined;
}

/** The target's per-sample shape: the prediction's without `axis`. */
export function targetSampleShape(sample: readonly number[], axis: number): number[] {
  const at = axis < 0 ? axis + sample.length : axis;
  return sample.filter((_, i) => i !== at);
}

/**
 * A matrix of class labels and attributes (`F.cross_entropy(logits, attrs[:, TARGET_COL])`, `groups = attrs[:, 1]`):
 * the target's columns the loss picks by a number known before training. `labels` are those its base terms read
 * (the class a cross-entropy is taken against), the others are attributes (a sensitive group, an auxiliary label).
 */
export interface AttributeColumns {
  columns: number;
  labels: number[];
  why: string;
}

function pickedTargetColumn(e: Expr, lookup: (name: string) => unknown): number | undefined {
  if (e.kind !== 'subscript' || !isRef(e.object, 'yTrue') || e.index.length !== 2) return undefined;
  const [rows, col] = e.index;
  if (rows?.kind !== 'slice' || rows.start || rows.stop || col?.kind !== 'index') return undefined;
  const v = staticValue(col.value, lookup as Parameters<typeof staticValue>[1]);
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function columnsIn(e: Expr, lookup: (name: string) => unknown): number[] {
  return [...nodesOf(e)].flatMap((n) => {
    const c = pickedTargetColumn(n, lookup);
    return c === undefined ? [] : [c];
  });
}

export function lossAttributeColumns(loss: LossModel): AttributeColumns | undefined {
  const lookup = makeLookup(loss, {});
  const all = [...new Set([loss.body, ...loss.terms.map((t) => t.expr)].flatMap((e) => columnsIn(e, lookup)))];
  if (all.length === 0) return undefined;
  const bases = loss.terms.filter((t) => t.role === 'base');
  const labels = [...new Set((bases.length ? bases : loss.terms).flatMap((t) => columnsIn(t.expr, lookup)))];
  const columns = Math.max(...all) + 1;
  const attrs = all.filter((c) => !labels.includes(c));
  const why = `a target matrix of ${columns} columns, because the loss reads ${all.map((c) => `column ${c}`).join(', ')}${attrs.length ? `: ${attrs.map((c) => `column ${c}`).join(', ')} a 0/1 attribute correlated with the class` : ''}`;
  return { columns, labels: labels.length ? labels : [Math.min(...all)], why };
}
