// Differences that compare a tensor with a shifted or filtered copy of itself, or two such maps: the structure of an
// image or a signal (edges, gradients, detail), not a residual toward a target. LL107 (absResidual.ts) reads them.
import type { Expr } from '../ir';
import { type CallExpr, children, dependsOnData, type MethodExpr, operand, opName } from './expr';

/** A slice of a tensor: `x[:, 1:]` (Python), `x.slice([0, 1], [-1, 15])`, `tf.slice(x, …)` (TF.js); its tensor. */
function slicedTensor(e: Expr): Expr | undefined {
  if (e.kind === 'subscript') return e.object;
  if ((e.kind === 'method' || e.kind === 'call') && opName(e) === 'slice') return operand(e);
  return undefined;
}

/**
 * Neighbouring slices of one tensor written with subscripts (`x[:, 1:] - x[:, :-1]`): a finite difference, as total
 * variation writes it. Its absolute value is the anisotropic (L1) TV, chosen for that kink (it keeps edges, favours
 * piecewise-constant outputs); it is not a residual toward a target.
 */
export const isFiniteDifference = (e: Expr): boolean =>
  e.kind === 'binary' && e.left.kind === 'subscript' && e.right.kind === 'subscript' && e.left.object.text === e.right.object.text && e.left.text !== e.right.text;

/** Two different slices of one tensor subtracted, by subscript or by `slice` (Python or TF.js). */
function isNeighbourDifference(e: Expr): boolean {
  if (e.kind !== 'binary' || e.op !== '-') return false;
  const a = slicedTensor(e.left);
  const b = slicedTensor(e.right);
  return !!a && !!b && a.text === b.text && e.left.text !== e.right.text;
}

/**
 * An edge or gradient map of one tensor: a neighbour difference, or ops over such maps only (`|dx| + |dy|`, a slice
 * of `dx`, `dx - dy`); the arguments that carry no data (slice sizes, axes) do not count.
 */
function isEdgeMap(e: Expr): boolean {
  if (isNeighbourDifference(e)) return true;
  if (e.kind !== 'call' && e.kind !== 'method' && e.kind !== 'binary' && e.kind !== 'unary') return false;
  const data = children(e).filter(dependsOnData);
  return data.length > 0 && data.every(isEdgeMap);
}

/**
 * `|∇pred − ∇target|` (`(pred_dx - hr_dx).abs()`, `|edges(yTrue) − edges(yPred)|`): two edge maps compared, the
 * gradient-difference (edge) fidelity of image restoration, an L1 chosen for the same kink as TV's: a match of
 * structure, not a constraint's residual.
 */
export const isEdgeMatch = (e: Expr): boolean => e.kind === 'binary' && e.op === '-' && isEdgeMap(e.left) && isEdgeMap(e.right);

/** Padding a shifted copy is completed with (`x.new_zeros(1, n)`, `tf.zeros_like(x[:1])`). */
const PADDING = /^(zeros|zeros_like|new_zeros|ones|ones_like|new_ones|full|full_like|new_full|fill|empty)$/;
const isPadding = (e: Expr): boolean => (e.kind === 'call' || e.kind === 'method') && PADDING.test(opName(e) ?? '');

/**
 * The tensor a shifted copy is made of: `torch.roll(x, 1, 0)`, `tf.roll(x, …)`, or a concatenation of slices of
 * one tensor and padding (`torch.cat((x[1:], x.new_zeros(1, n)), 0)`, `tf.concat([x[:1], x[:-1]], 0)`).
 */
function shiftedTensor(e: Expr): Expr | undefined {
  if (e.kind !== 'call' && e.kind !== 'method') return undefined;
  const op = opName(e) ?? '';
  if (op === 'roll') return operand(e);
  if (!/^(cat|concat|concatenate)$/.test(op)) return undefined;
  const parts = e.kind === 'call' ? e.args[0] : e.object;
  if (parts?.kind !== 'tuple') return undefined;
  const sliced = parts.items.map(slicedTensor);
  const tensor = sliced.find((t) => t !== undefined);
  const ofOne = parts.items.every((p, i) => isPadding(p) || sliced[i]?.text === tensor?.text);
  return tensor && ofOne ? tensor : undefined;
}

/**
 * `x - shifted(x)` (`predictions - torch.cat((predictions[1:], pad))`, `x - torch.roll(x, 1, 0)`): the change between
 * neighbours, a finite difference written with a shifted copy (a turnover, a TV along time); same reading as
 * isFiniteDifference.
 */
export function isShiftDifference(e: Expr): boolean {
  if (e.kind !== 'binary' || e.op !== '-') return false;
  return shiftedTensor(e.right)?.text === e.left.text || shiftedTensor(e.left)?.text === e.right.text;
}

/** Local averages: a tensor minus one of its own is its detail (a high-pass filter). */
const LOCAL_AVERAGES: ReadonlySet<string> = new Set([
  'avg_pool1d', 'avg_pool2d', 'avg_pool3d', 'avgPool', 'avgPool3d', 'average_pooling1d', 'average_pooling2d', 'gaussian_blur', 'box_blur',
  'blur', 'uniform_filter', 'gaussian_filter',
]);

/** `x - F.avg_pool2d(x, 5, stride=1, padding=2)`: a tensor minus its own local average, its high-pass detail. */
export function isHighPass(e: Expr): boolean {
  if (e.kind !== 'binary' || e.op !== '-') return false;
  const averaged = (side: Expr): Expr | undefined =>
    (side.kind === 'call' || side.kind === 'method') && LOCAL_AVERAGES.has(opName(side) ?? '') ? operand(side as CallExpr | MethodExpr) : undefined;
  return averaged(e.right)?.text === e.left.text || averaged(e.left)?.text === e.right.text;
}

/** Ops that keep a tensor's values, laid out again or cast (`tf.reshape(w, [-1])`, `w.flatten()`, `w.float()`). */
const SAME_VALUES = new Set(['reshape', 'flatten', 'view', 'ravel', 'cast', 'float', 'to', 'squeeze', 'transpose']);
const unwrapSame = (e: Expr): Expr => ((e.kind === 'call' || e.kind === 'method') && SAME_VALUES.has(opName(e) ?? '') ? unwrapSame(operand(e) ?? e) : e);

/** `x - round(x)` (floor, ceil, rint): a tensor against its own quantised copy, the distance to the nearest grid point. */
export function isOwnRounding(e: Expr): boolean {
  if (e.kind !== 'binary' || e.op !== '-') return false;
  const r = e.right;
  const rounded = (r.kind === 'call' || r.kind === 'method') && /^(round|floor|ceil|rint)$/.test(opName(r) ?? '') ? operand(r) : undefined;
  return !!rounded && rounded.text === e.left.text;
}

/** A layer's weight as code reads it: `layer.trainable_weights[0]`, `layer.kernel`, `fc.weight`, `w.bias`. */
function isLayerWeight(e: Expr): boolean {
  const x = unwrapSame(e);
  if (x.kind === 'attr') return /^(kernel|recurrent_kernel|weight|bias)$/.test(x.name);
  return x.kind === 'subscript' && x.object.kind === 'attr' && /^(trainable_weights|weights|trainable_variables|variables)$/.test(x.object.name);
}

/**
 * Two weight tensors subtracted (`trunk_a.kernel - trunk_b.kernel`): a tie between parameters, whose L1 (a fused
 * lasso) is chosen for its kink, which makes them exactly equal; not a residual toward a target.
 */
export const isWeightTie = (e: Expr): boolean => e.kind === 'binary' && e.op === '-' && isLayerWeight(e.left) && isLayerWeight(e.right);
