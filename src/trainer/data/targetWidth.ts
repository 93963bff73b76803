// The target's width when it is not the prediction's: a loss that flattens its prediction to one value per sample
// (`K.flatten(y_pred)`, `tf.reshape(y_pred, [-1])`, `pred.view(-1)`, `tf.squeeze(y_pred)`) and sets it against
// columns of the target (`y_true[:, 0] - p`, `p - y_true[:, 1]`: an interval [lower, upper], a value and its weight)
// wants ONE output and a target of as many columns as it reads. Giving both the prediction's width made
// `y_true[:, 0] - K.flatten(y_pred)` fail to broadcast on the user's line: the trainer's data, not the user's code.
// Read from the loss's syntax, never from names.
import type { Expr, LossModel } from '../../analysis/ir';
import { nodesOf } from '../../analysis/terms/expr';
import { makeLookup } from '../interpreter/scope';
import { type Lookup, literalNumber } from './listLengths';

export interface TargetWidth {
  /** Columns of the target the loss reads (highest column + 1); the prediction has one output. */
  columns: number;
  /** The target is one value per sample with no column axis (`bce(pred.view(-1), y)`): `columns` is 1. */
  perSample?: true;
  /** Why the prediction has one output, for the panel header. */
  outputWhy: string;
  /** Why the target has `columns` columns, for the panel header. */
  targetWhy: string;
}

const isRef = (e: Expr, ref: 'yPred' | 'yTrue') => e.kind === 'name' && e.ref === ref;

/** Calls and methods that turn a (N, 1) prediction into one value per sample (N,). */
const flatteningCalls = /(^|\.)(flatten|squeeze|ravel)$/;
const reshapeCalls = /(^|\.)reshape$/;

/** Casts and copies that keep the values (`tf.cast(x, tf.float32)`, `x.float()`, `x.to(device)`): the value is x's. */
const castCalls = /(^|\.)(cast|identity|convert_to_tensor)$/;
const castMethods = new Set(['float', 'double', 'to', 'type', 'type_as', 'detach', 'cuda', 'cpu', 'contiguous']);

export function uncast(e: Expr): Expr {
  if (e.kind === 'call' && castCalls.test(e.callee) && e.args[0]) return uncast(e.args[0]);
  if (e.kind === 'method' && castMethods.has(e.method)) return uncast(e.object);
  return e;
}

/** `[-1]`, `(-1,)`, `-1`: a shape that flattens everything into one axis. */
function flatShape(e: Expr | undefined, lookup: Lookup): boolean {
  if (!e) return false;
  if (e.kind === 'tuple') return e.items.length === 1 && literalNumber(e.items[0], lookup) === -1;
  return literalNumber(e, lookup) === -1;
}

/** The prediction made one value per sample: `K.flatten(y_pred)`, `y_pred.view(-1)`, `tf.reshape(y_pred, [-1])`. */
function flattenedPrediction(expr: Expr, lookup: Lookup): boolean {
  const e = uncast(expr);
  if (e.kind === 'call' && e.args[0] && isRef(uncast(e.args[0]), 'yPred')) {
    if (flatteningCalls.test(e.callee)) return true;
    return reshapeCalls.test(e.callee) && flatShape(e.args[1] ?? e.kwargs['shape'], lookup);
  }
  if (e.kind === 'method' && isRef(uncast(e.object), 'yPred')) {
    if (flatteningCalls.test(e.method)) return true;
    return (e.method === 'view' || e.method === 'reshape') && e.args.length === 1 && flatShape(e.args[0], lookup);
  }
  return false;
}

/** `y_true[:, k]` with k known before training: the column k of the target, one value per sample. */
const targetColumn = (expr: Expr, lookup: Lookup, ref: 'yTrue' | 'yPred' = 'yTrue'): number | undefined => columnRead(expr, lookup, false, ref);

/** `y_true[:, k]`, or with `asMatrix` also `y_true[:, k:k + 1]` (the column kept as a (N, 1) matrix): k. */
function columnRead(expr: Expr, lookup: Lookup, asMatrix: boolean, ref: 'yTrue' | 'yPred' = 'yTrue'): number | undefined {
  const e = uncast(expr);
  if (e.kind !== 'subscript' || !isRef(e.object, ref) || e.index.length !== 2) return undefined;
  const [rows, col] = e.index;
  if (rows?.kind !== 'slice' || rows.start || rows.stop) return undefined;
  if (asMatrix && col?.kind === 'slice' && col.start && col.stop && !col.step) {
    const [start, stop] = [literalNumber(col.start, lookup), literalNumber(col.stop, lookup)];
    return start !== undefined && start >= 0 && stop === start + 1 ? start : undefined;
  }
  if (col?.kind !== 'index') return undefined;
  const k = literalNumber(col.value, lookup);
  return k !== undefined && k >= 0 ? k : undefined;
}

/** The first target column the loss reads, for the header. */
function firstTargetColumn(roots: Expr[], lookup: Lookup): Expr | undefined {
  for (const root of roots) for (const n of nodesOf(root)) if (columnRead(n, lookup, true) !== undefined) return n;
  return undefined;
}

/** One value per sample made of target columns and numbers: `y_true[:, 0]`, `0.5 * (lo + hi)`. */
function perSampleTarget(e: Expr, lookup: Lookup): boolean {
  if (targetColumn(e, lookup) !== undefined) return true;
  if (e.kind === 'binary') {
    const sides = [e.left, e.right];
    return sides.some((s) => perSampleTarget(s, lookup)) && sides.every((s) => s.kind === 'number' || perSampleTarget(s, lookup));
  }
  return e.kind === 'unary' && perSampleTarget(e.operand, lookup);
}

const elementwise = new Set(['+', '-', '*', '/']);

/** The first place the flattened prediction meets a target column elementwise (`lo - p`), and the flattening. */
function meeting(roots: Expr[], lookup: Lookup): { at: Expr; flattened: Expr } | undefined {
  for (const root of roots) {
    for (const n of nodesOf(root)) {
      if (n.kind !== 'binary' || !elementwise.has(n.op)) continue;
      const pairs = [[n.left, n.right], [n.right, n.left]] as const;
      const hit = pairs.find(([a, b]) => flattenedPrediction(a, lookup) && perSampleTarget(b, lookup));
      if (hit) return { at: n, flattened: hit[0] };
    }
  }
  return undefined;
}

/**
 * A Keras loss called on one target column and the whole prediction (`MeanSquaredError()(y_true[:, 0], y_pred)`,
 * `mse(y_true[:, 0], y_pred)`): Keras squeezes a (N, 1) prediction to meet a (N,) target, so the model has one output.
 */
function wholePredictionAgainstColumn(roots: Expr[], lookup: Lookup): Expr | undefined {
  for (const root of roots) {
    for (const n of nodesOf(root)) {
      if (n.kind !== 'call' || n.args.length < 2) continue;
      const [truth, pred] = n.args as [Expr, Expr];
      if (isRef(uncast(pred), 'yPred') && targetColumn(truth, lookup) !== undefined) return n;
    }
  }
  return undefined;
}

/**
 * A criterion given the flattened prediction and the whole target (`bce(model(x).view(-1), y.float())`): the code's
 * target has one value per sample, as PyTorch's losses take both in one shape (a (N, 1) target beside (N,) logits
 * fails there, or broadcasts to (N, N) in an elementwise loss).
 */
function criterionOnFlattened(roots: Expr[], lookup: Lookup): { at: Expr; flattened: Expr } | undefined {
  for (const root of roots) {
    for (const n of nodesOf(root)) {
      if (n.kind !== 'call' || n.args.length < 2) continue;
      const [a, b] = n.args as [Expr, Expr];
      if (flattenedPrediction(a, lookup) && isRef(uncast(b), 'yTrue')) return { at: n, flattened: a };
      if (flattenedPrediction(b, lookup) && isRef(uncast(a), 'yTrue')) return { at: n, flattened: b };
    }
  }
  return undefined;
}

/** Whether the loss picks columns of the prediction itself (`y_pred[:, 1]`): then it has outputs of its own to read. */
function predictionIndexed(roots: Expr[], lookup: Lookup, firstAllowed = false): boolean {
  const firstColumn = (n: Expr): boolean => targetColumn(n, lookup, 'yPred') === 0;
  return roots.some((root) => [...nodesOf(root)].some((n) => n.kind === 'subscript' && isRef(n.object, 'yPred') && !(firstAllowed && firstColumn(n))));
}

/** The target's columns the loss reads (highest column + 1). */
const columnsRead = (roots: Expr[], lookup: Lookup): number => Math.max(...roots.flatMap((root) => [...nodesOf(root)].map((n) => targetColumn(n, lookup) ?? -1))) + 1;

/** The target's columns when the loss flattens its prediction to one value per sample beside them (see the header). */
export function lossTargetWidth(loss: LossModel): TargetWidth | undefined {
  const roots = [loss.body, ...loss.terms.map((t) => t.expr)];
  const lookup = makeLookup(loss, {});
  const keras = loss.framework === 'keras' ? wholePredictionAgainstColumn(roots, lookup) : undefined;
  // (its prediction's first column, `y_pred[:, 0]`, is the one output)
  if (keras && !predictionIndexed(roots, lookup, true)) {
    const columns = columnsRead(roots, lookup);
    const line = keras.range.startLine + 1;
    return {
      columns,
      outputWhy: `1 output because the loss compares the whole prediction with one target column, which Keras squeezes it to meet (\`${keras.text}\`, line ${line})`,
      targetWhy: `targets of ${columns} columns because the loss reads target columns (\`${keras.text}\`, line ${line})`,
    };
  }
  if (predictionIndexed(roots, lookup)) return undefined;
  const criterion = criterionOnFlattened(roots, lookup);
  if (criterion) {
    const line = criterion.at.range.startLine + 1;
    return {
      columns: 1,
      perSample: true,
      outputWhy: `1 output because the loss flattens the prediction to one value per sample (\`${criterion.flattened.text}\`, line ${line})`,
      targetWhy: `one target per sample, compared with the flattened prediction (\`${criterion.at.text}\`, line ${line})`,
    };
  }
  const found = meeting(roots, lookup);
  if (!found) return singleOutputBeside(loss, roots, lookup);
  const columns = columnsRead(roots, lookup);
  const line = found.at.range.startLine + 1;
  return {
    columns,
    outputWhy: `1 output because the loss flattens the prediction to one value per sample (\`${found.flattened.text}\`, line ${line})`,
    targetWhy: `targets of ${columns} columns because the loss reads target columns beside the flattened prediction (\`${found.at.text}\`, line ${line})`,
  };
}

/**
 * A model whose last layer has one unit (`Dense(1, activation="sigmoid")`) and a loss that reads columns of its
 * target (`labels = y_true[:, 0:1]; group = y_true[:, 1:2]`: a label and a group packed in one target, as fairness
 * losses are written for compile): one output, and a target of as many columns as the loss reads.
 */
function singleOutputBeside(loss: LossModel, roots: Expr[], lookup: Lookup): TargetWidth | undefined {
  const columns = Math.max(...roots.flatMap((root) => [...nodesOf(root)].map((n) => columnRead(n, lookup, true) ?? -1))) + 1;
  const read = columns >= 2 && loss.outputUnits?.count === 1 ? firstTargetColumn(roots, lookup) : undefined;
  if (!read || !loss.outputUnits) return undefined;
  return {
    columns,
    outputWhy: `1 output because your model's last layer has 1 unit (line ${loss.outputUnits.line})`,
    targetWhy: `targets of ${columns} columns because the loss reads target columns (\`${read.text}\`, line ${read.range.startLine + 1})`,
  };
}
