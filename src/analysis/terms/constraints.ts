// Constraint shapes recognised in a penalty (ir.ts `RecognisedConstraint`), as a table of patterns. Each pattern
// looks at one additive piece of the penalty with its outer reductions removed; a penalty whose pieces all match
// the same kind (bounds: the lower piece + the upper piece) gets that kind with the pieces' params merged.
import type { ConstraintKind, Expr, RecognisedConstraint } from '../ir';
import { soleActivation, throughActivations } from './activations';
import { isYPred, mentionsRef, opName, some } from './expr';
import { absOf, hingeOrSquaredHinge, isSumOfYPred, isYPredSlice, magnitudeOf, reductionOf, stripReductions } from './shapes';
import { additivePieces, splitWeight } from './split';
import { type Defaults, numberOf } from './values';

type Params = Record<string, number>;
type Signed = { sign: 1 | -1; expr: Expr };

interface Pattern {
  kind: ConstraintKind;
  /** Gets the piece after outer reductions are removed; returns the params, or undefined when it does not match. */
  match: (core: Expr, whole: Expr, defaults: Defaults) => Params | undefined;
}

/** Σ sign·value of constant pieces, or undefined when one is not a known number. */
function constantSum(pieces: Signed[], defaults: Defaults): number | undefined {
  let total = 0;
  for (const p of pieces) {
    const v = numberOf(p.expr, defaults);
    if (v === undefined) return undefined;
    total += p.sign * v;
  }
  return total;
}

const withValue = (name: string, v: number | undefined): Params => (v === undefined ? {} : { [name]: v });
/** `tf.keras.regularizers.l2(c)(w)`, `keras.regularizers.L2(…)`: a Keras regularizer of that kind applied on the spot. */
const isKerasRegularizer = (n: Expr, kind: 'l1' | 'l2' | 'l1_l2'): boolean =>
  n.kind === 'call' && /(?:^|\.)regularizers\.[A-Za-z_0-9]+$/.test(n.callee) && opName(n)?.replace('l1l2', 'l1_l2') === kind;

/**
 * A squared magnitude (`p.pow(2)`, `p ** 2`, `tf.square(w)`, `p * p`) and no absolute value: an L2 penalty (weight
 * decay) shrinks the weights but makes none of them zero, so "sparse weights" is not its measure (its own value is).
 */
function squaresOnly(whole: Expr): boolean {
  const isTwo = (e: Expr | undefined) => e?.kind === 'number' && e.value === 2;
  const squares = some(whole, (n) => {
    const op = opName(n);
    if (op === 'square' || op === 'l2_loss' || isKerasRegularizer(n, 'l2')) return true;
    if (n.kind === 'binary' && n.op === '**') return isTwo(n.right);
    if (n.kind === 'binary' && n.op === '*') return n.left.text === n.right.text;
    if (op === 'pow') return isTwo(n.kind === 'method' ? n.args[0] : n.kind === 'call' ? n.args[1] : undefined);
    return false;
  });
  const magnitudes = some(whole, (n) => ['abs', 'l1_loss', 'norm', 'sign'].includes(opName(n) ?? '') || isKerasRegularizer(n, 'l1') || isKerasRegularizer(n, 'l1_l2'));
  return squares && !magnitudes;
}

/**
 * `W @ W.t() - I`, `torch.mm(w, w.T) - torch.eye(n)`: a penalty on the Gram matrix's distance to the identity
 * (orthogonality), which no sparsity measure reads: the weights it wants are orthogonal, not zero.
 */
const gramResidual = (whole: Expr): boolean =>
  some(whole, (n) => (n.kind === 'binary' && n.op === '@') || /(^|\.)(matmul|mm|bmm|einsum|tensordot)$/.test(opName(n) ?? '')) && some(whole, (n) => /(^|\.)(eye|identity)$/.test(opName(n) ?? ''));

const weightContainers = /\.(parameters|named_parameters)\(\)|\.losses\b(?![.(])|\btrainable_(weights|variables)\b|\.getWeights\(\)/;

/**
 * Where a slice of the predictions starts along its last indexed axis (`y[:, 1:]` → 1, `y[:, :-1]` → 0, `y[:, k]` → k),
 * to tell the later of two adjacent slices: a hinge on later − earlier penalises increases, not decreases.
 */
function slicePosition(e: Expr, defaults: Defaults, at = e.kind === 'subscript' ? e.index.length - 1 : -1): number | undefined {
  if (e.kind !== 'subscript') return undefined;
  const item = e.index[at];
  if (item?.kind === 'index') return numberOf(item.value, defaults);
  if (item?.kind === 'slice') return item.start ? numberOf(item.start, defaults) : 0;
  return undefined;
}

/**
 * The index item two adjacent slices differ at (`pred[:, 1:, :]` and `pred[:, :-1, :]`: 1, the time axis of a
 * sequence), the last when they do not differ or are not both subscripts.
 */
function differingItem(a: Expr, b: Expr): number {
  if (a.kind !== 'subscript' || b.kind !== 'subscript' || a.index.length !== b.index.length) return a.kind === 'subscript' ? a.index.length - 1 : -1;
  const text = (it: (typeof a.index)[number]): string => JSON.stringify(it, (k, v) => (k === 'range' ? undefined : v));
  const at = a.index.findIndex((it, i) => text(it) !== text(b.index[i]!));
  return at >= 0 ? at : a.index.length - 1;
}

/** Pieces of a hinge's argument split into prediction pieces and the rest. */
function hingeParts(core: Expr): { pred: Signed[]; rest: Signed[] } | undefined {
  const arg = hingeOrSquaredHinge(core);
  if (!arg) return undefined;
  const pieces = additivePieces(arg);
  return { pred: pieces.filter((p) => mentionsRef(p.expr, 'yPred')), rest: pieces.filter((p) => !mentionsRef(p.expr, 'yPred')) };
}

export const constraintPatterns: readonly Pattern[] = [
  {
    kind: 'weight-sparsity', // L1/L2 over model.parameters(), model.losses, trainable weights: not the outputs
    match: (_core, whole) => (some(whole, (n) => weightContainers.test(n.text)) && !mentionsRef(whole, 'yPred') && !squaresOnly(whole) && !gramResidual(whole) ? {} : undefined),
  },
  {
    kind: 'sum-to-one', // |Σ y_pred − target| or its square
    match: (core, _whole, defaults) => {
      const inner = magnitudeOf(core);
      if (!inner) return undefined;
      const pieces = additivePieces(inner);
      const sums = pieces.filter((p) => isSumOfYPred(p.expr));
      if (sums.length !== 1 || pieces.length < 2) return undefined;
      const rest = pieces.filter((p) => p !== sums[0]);
      if (rest.some((p) => mentionsRef(p.expr, 'yPred'))) return undefined;
      const c = constantSum(rest, defaults);
      return withValue('target', c === undefined ? undefined : -sums[0].sign * c);
    },
  },
  {
    kind: 'monotone', // relu(y[:, :-1] − y[:, 1:] (+ margin)); relu(y[:, 1:] − y[:, :-1]) penalises increases
    match: (core, _whole, defaults) => {
      const parts = hingeParts(core);
      if (parts?.pred.length !== 2 || !parts.pred.every((p) => isYPredSlice(p.expr))) return undefined;
      if (parts.pred[0].sign === parts.pred[1].sign) return undefined;
      const positive = parts.pred.find((p) => p.sign === 1)!;
      const negative = parts.pred.find((p) => p.sign === -1)!;
      const at = differingItem(positive.expr, negative.expr);
      const [from, to] = [slicePosition(positive.expr, defaults, at), slicePosition(negative.expr, defaults, at)];
      // the axis the order runs along, when it is not the last (a sequence's time axis, `pred[:, 1:, :]`); only full
      // slices before it, so that the item's position is the tensor's axis
      const index = positive.expr.kind === 'subscript' ? positive.expr.index : [];
      const axis: Params = at >= 0 && at < index.length - 1 && index.slice(0, at).every((it) => it.kind === 'slice') ? { axis: at } : {};
      return from !== undefined && to !== undefined && from > to ? { decreasing: 1, ...axis } : axis;
    },
  },
  {
    kind: 'non-negativity', // relu(−y_pred), max(−y_pred, 0)²
    match: (core) => {
      const parts = hingeParts(core);
      if (parts?.pred.length !== 1 || parts.rest.length > 0) return undefined;
      const [p] = parts.pred;
      return p.sign === -1 && isYPred(p.expr) ? {} : undefined;
    },
  },
  {
    kind: 'bounds', // max(lower − y, 0)², relu(y − upper)
    match: (core, _whole, defaults) => {
      const parts = hingeParts(core);
      if (parts?.pred.length !== 1 || parts.rest.length === 0 || !isYPred(parts.pred[0].expr)) return undefined;
      const c = constantSum(parts.rest, defaults);
      if (parts.pred[0].sign === -1) return withValue('lower', c);
      return withValue('upper', c === undefined ? undefined : -c);
    },
  },
  {
    kind: 'parity', // |mean over group a − mean over group b| (or squared)
    match: (core) => {
      const inner = magnitudeOf(core);
      if (!inner) return undefined;
      const pieces = additivePieces(inner);
      if (pieces.length !== 2 || pieces[0].sign === pieces[1].sign) return undefined;
      const isGroupMean = (e: Expr): boolean => {
        const num = e.kind === 'binary' && e.op === '/' ? e.left : e;
        return reductionOf(num)?.op === 'mean' && mentionsRef(num, 'yPred');
      };
      return pieces.every((p) => isGroupMean(p.expr)) ? {} : undefined;
    },
  },
  {
    kind: 'output-sparsity', // mean |y_pred|, ‖y_pred‖₁
    match: (core) => {
      const inner = absOf(core);
      if (inner && isYPred(inner)) return {};
      return core.kind === 'call' && /(^|\.)norm$/.test(core.callee) && isYPred(core.args[0] ?? core) ? {} : undefined;
    },
  },
];

/** Removes outer reductions and constant scale factors, repeatedly: `2 * mean(0.5 * x ** 2)` → `x ** 2`. */
function unscaled(e: Expr): Expr {
  for (let cur = e; ; ) {
    const next = splitWeight({ sign: 1, expr: stripReductions(cur) }).expr;
    if (next === cur) return cur;
    cur = next;
  }
}

function matchPiece(piece: Expr, defaults: Defaults): RecognisedConstraint | undefined {
  const core = unscaled(piece);
  for (const p of constraintPatterns) {
    const params = p.match(core, piece, defaults);
    if (params) return { kind: p.kind, params };
  }
  return undefined;
}

/**
 * The constraint a penalty expresses, when every additive piece of it is the same recognised kind. A conditional
 * penalty (`p = a if reduce else b`) is recognised when both branches are the same kind.
 */
export function recogniseConstraint(penalty: Expr, defaults: Defaults): RecognisedConstraint | undefined {
  const direct = recogniseShape(penalty, defaults);
  if (direct) return direct;
  // PyTorch losses take logits and apply the activation themselves: `(torch.sigmoid(logits).sum(-1) - 1) ** 2`.
  const on = soleActivation(penalty);
  const through = on ? recogniseShape(throughActivations(penalty), defaults) : undefined;
  return through && on ? { ...through, on } : undefined;
}

function recogniseShape(penalty: Expr, defaults: Defaults): RecognisedConstraint | undefined {
  if (penalty.kind === 'conditional') {
    const a = recogniseShape(penalty.then, defaults);
    const b = recogniseShape(penalty.else, defaults);
    return a && b && a.kind === b.kind ? { kind: a.kind, params: { ...b.params, ...a.params } } : undefined;
  }
  // constant pieces (`reg = 0.0; reg += …`) say nothing about the shape
  const pieces = additivePieces(unscaled(penalty)).filter((p) => p.expr.kind !== 'number');
  const found = pieces.length === 1 ? [matchPiece(penalty, defaults)] : pieces.map((p) => matchPiece(p.expr, defaults));
  const first = found[0];
  if (!first || found.some((f) => f?.kind !== first.kind)) return undefined;
  return { kind: first.kind, params: Object.assign({}, ...found.map((f) => f?.params)) };
}
