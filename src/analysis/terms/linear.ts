// Splitting what one reduction hides, by linearity: `tf.reduce_mean(se + lam * hinge)` is
// `tf.reduce_mean(se) + lam * tf.reduce_mean(hinge)`, with the same callee, axis and keepdims on every piece, and a
// constant factor outside passes through (`0.5 * K.mean(a + b)` → `0.5 * K.mean(a) + 0.5 * K.mean(b)`). Nothing
// non-linear is split through (only sums and means are, never `sqrt(a + b)` or `relu(a + b)`). The split is done
// only when it is exact for the shapes the pieces have (rules/shape.ts `rankOf`):
//   - a mean over everything is exact whatever the pieces' shapes (broadcasting replicates a piece evenly); a
//     scalar piece (`lam * K.sum(W ** 2)`) is left unreduced, as mean(c) = c;
//   - a mean over an axis, and any sum, needs pieces of one known shape: `sum(err + balance)` with `balance` per
//     output (k,) against err (batch, k) counts balance once per sample, so it is not split;
//   - at least one piece must not read the target (a penalty): `mean(y*log(p) + (1-y)*log(1-p))` is one base loss;
//   - and one piece must differ from another: a λ of its own, or reading the target where another does not
//     (`mean(relu(y - 1)**2 + relu(-y)**2)` is one penalty, its two sides of one bound).
import type { Expr, Framework } from '../ir';
import { dependsOnData } from '../rules/expr';
import { type Rank, rankOf } from '../rules/shape';
import { binary, mentionsRef, opName } from './expr';
import { reductionOps } from './ops';
import { additivePieces, isWeightFactor, type Piece, splitWeight, timesWeight, weightParamOf } from './split';

type Reduction = Extract<Expr, { kind: 'call' | 'method' }>;

const AXIS = ['axis', 'dim', 'keepdims', 'keepdim', 'keepDims'];

/** Whether a weight names anything (a hyper-parameter, an attribute), rather than being numbers only. */
const mentionsName = (e: Expr): boolean =>
  e.kind === 'name' ||
  (e.kind === 'number' && e.boundTo !== undefined) || e.kind === 'attr' || (e.kind === 'binary' && (mentionsName(e.left) || mentionsName(e.right))) || (e.kind === 'unary' && mentionsName(e.operand)) || ((e.kind === 'call' || e.kind === 'method') && e.args.some(mentionsName));

/** A sum or mean over a tensor (not NaN-skipping ones, not Python's builtin `sum` over a list): its kind. */
function linearReduction(e: Expr): { op: 'mean' | 'sum'; operand: Expr; overAll: boolean } | undefined {
  if (e.kind !== 'call' && e.kind !== 'method') return undefined;
  const name = opName(e) ?? '';
  if (name.startsWith('nan') || (e.kind === 'call' && !e.callee.includes('.'))) return undefined;
  const op = reductionOps[name];
  const operand = e.kind === 'call' ? e.args[0] : e.object;
  if (!op || !operand) return undefined;
  const extra = e.kind === 'call' ? e.args.slice(1) : e.args;
  const kw = Object.keys(e.kwargs);
  if (kw.some((k) => !AXIS.includes(k))) return undefined; // dtype=, weights=, out=: not plain reductions
  const axis = e.kwargs.axis ?? e.kwargs.dim ?? extra[0];
  return { op, operand, overAll: !axis || axis.kind === 'none' };
}

/** The same reduction applied to one piece, written as a reader would (`tf.reduce_mean(hinge, axis=-1)`). */
function reduceOnly(r: Reduction, piece: Expr): Expr {
  const group = (x: Expr): string => (x.kind === 'binary' || x.kind === 'unary' ? `(${x.text})` : x.text);
  if (r.kind === 'method') {
    const args = [...r.args.map((a) => a.text), ...Object.entries(r.kwargs).map(([k, v]) => `${k}=${v.text}`)];
    return { ...r, object: piece, range: piece.range, text: `${group(piece)}.${r.method}(${args.join(', ')})` };
  }
  const rest = [...r.args.slice(1).map((a) => a.text), ...Object.entries(r.kwargs).map(([k, v]) => `${k}=${v.text}`)];
  return { ...r, args: [piece, ...r.args.slice(1)], range: piece.range, text: `${r.callee}(${[piece.text, ...rest].join(', ')})` };
}

/** Whether reducing each piece alone gives the same total (see the header). */
function exact(op: 'mean' | 'sum', overAll: boolean, ranks: Rank[]): boolean {
  if (op === 'mean' && overAll) return true;
  const shaped = ranks.filter((r) => r !== 'scalar');
  if (op === 'sum' && shaped.length !== ranks.length) return false;
  return shaped.length > 0 && shaped.every((r) => r !== 'unknown' && r === shaped[0]);
}

/** A term as a reader sees one: a variable of the code, a reduction, a loop's accumulated value. */
const termLike = (e: Expr, named?: (e: Expr) => boolean): boolean => !!named?.(e) || !!linearReduction(e) || e.kind === 'loop';

/**
 * `(hinge + sparsity + smooth) / n_videos`: a sum of terms divided by something that is not the prediction (a
 * count, the batch size) is each term divided by it, exactly (division distributes over a sum); the divisor stays
 * in each term. Only when every piece of the sum is a term of its own (a variable, a reduction, an accumulator):
 * `(y_pred - y_true) / y_true` is one relative error, not two terms.
 */
function dividedSum(p: Piece, named?: (e: Expr) => boolean, fromHelper?: (e: Expr) => boolean): Piece[] | undefined {
  const e = p.expr;
  const isSum = (x: Expr) => x.kind === 'binary' && (x.op === '+' || x.op === '-');
  // `(a + b) / n` with n a setting was already read as the sum weighted by 1 / n (split.ts): n divides each
  const w = p.weight;
  const reciprocal = w?.kind === 'binary' && w.op === '/' && w.left.kind === 'number' && w.left.value === 1 ? w.right : undefined;
  const weightedSum = isSum(e) && !!reciprocal;
  if (!weightedSum && (e.kind !== 'binary' || e.op !== '/' || !isSum(e.left) || mentionsRef(e.right, 'yPred'))) return undefined;
  const sum = weightedSum ? e : (e as Extract<Expr, { kind: 'binary' }>).left;
  const right = weightedSum ? (reciprocal as Expr) : (e as Extract<Expr, { kind: 'binary' }>).right;
  const outer = weightedSum ? undefined : p.weight;
  const pieces = additivePieces(sum).filter((q) => !isZeroStart(q.expr));
  // a weighted term is a term too: `(bce + beta * kld) / x.size(0)`
  const weightedTerm = (q: { sign: 1 | -1; expr: Expr }) => termLike(q.expr, named) || termLike(splitWeight(q, named, fromHelper).expr, named);
  if (pieces.length < 2 || !pieces.every(weightedTerm)) return undefined;
  if (weightedAsOne(p, pieces, named, fromHelper)) return undefined;
  const over = (x: Expr): Expr => binary('/', x, right, x.range, `${x.text} / ${right.kind === 'binary' ? `(${right.text})` : right.text}`);
  return pieces.map((q) => {
    const inner = accumulatedWeight(splitWeight(q, named, fromHelper), named, fromHelper);
    const out: Piece = { sign: (p.sign * inner.sign) as 1 | -1, whole: inner.whole, expr: over(inner.expr) };
    const weight = timesWeight(outer, inner.weight);
    if (weight) out.weight = weight;
    return out;
  });
}

/**
 * `checker(pred).mul(W_CHECKER)` with the helper returning `(horizontal + vertical + 2 * diagonal) / 3`: the caller
 * gives the helper's value one λ, and its parts have none of their own (only the numbers of its formula) and none
 * reads the target, so the helper's value is one penalty, named by what holds it, not one per part.
 */
function weightedAsOne(p: Piece, pieces: readonly { sign: 1 | -1; expr: Expr }[], named?: (e: Expr) => boolean, fromHelper?: (e: Expr) => boolean): boolean {
  if (!p.weight || weightParamOf(p.weight) === undefined || !fromHelper?.(p.expr)) return false;
  return pieces.every((q) => q.sign > 0 && !mentionsRef(q.expr, 'yTrue') && weightParamOf(splitWeight(q, named, fromHelper).weight) === undefined);
}

/**
 * `smooth = 0; for v in …: smooth += roughness(v) * SMOOTH_W`: the same weight on every pass, started from zero, is
 * the accumulated term's λ (Σ w·x = w·Σ x). The weight must not change between passes (no loop variable in it).
 */
export function accumulatedWeight(p: Piece, named?: (e: Expr) => boolean, fromHelper?: (e: Expr) => boolean): Piece {
  const loop = p.expr;
  if (p.weight || loop.kind !== 'loop' || !loop.accumulator || (loop.init && !isZeroStart(loop.init))) return p;
  const body = loop.body;
  const acc = (x: Expr) => x.kind === 'name' && x.name === loop.accumulator;
  if (body.kind !== 'binary' || body.op !== '+' || !acc(body.left)) return p;
  const added = splitWeight({ sign: 1, expr: body.right }, named, fromHelper);
  if (!added.weight || added.sign !== 1) return p;
  const unweighted: Expr = { ...loop, body: binary('+', body.left, added.expr, body.range, `${body.left.text} + ${added.expr.text}`) };
  return { ...p, expr: unweighted, weight: added.weight };
}

/** An accumulator's start: `0`, `0.0`, `torch.tensor(0.)` (with `.cuda()` or not), `tf.constant(0.0)`. */
export function isZeroStart(e: Expr): boolean {
  if (e.kind === 'number') return e.value === 0;
  if (e.kind === 'method' && ['cuda', 'to', 'cpu', 'float', 'detach'].includes(e.method)) return isZeroStart(e.object);
  return e.kind === 'call' && ['tensor', 'constant', 'scalar', 'as_tensor'].includes(opName(e) ?? '') && !!e.args[0] && isZeroStart(e.args[0]);
}

/**
 * One additive piece of the loss, with every reduction it is made of distributed over the sum inside it. Returns
 * the piece itself when nothing is split. `whole` of a split piece is the piece as written inside the reduction
 * (`hinge` in `reduce_mean(se + hinge)`): that is where a fix weights or flips it. `named` tells a reduction the code
 * stores in a variable (`kl = …`): the numbers inside it stay in it.
 */
export function distribute(p: Piece, framework: Framework, named?: (e: Expr) => boolean, fromHelper?: (e: Expr) => boolean, keepWhole?: (e: Expr) => boolean): Piece[] {
  if (p.expr.kind === 'loop' && !p.weight) {
    const weighted = accumulatedWeight(p, named, fromHelper);
    if (weighted !== p) return [weighted];
  }
  const divided = dividedSum(p, named, fromHelper);
  if (divided) return divided.flatMap((q) => distribute(q, framework, named, fromHelper));
  // `torch.sum(err + w * balance) / pred.shape[0]`: a count divides every piece (it is not a λ: it stays in the term)
  if (p.expr.kind === 'binary' && p.expr.op === '/' && linearReduction(p.expr.left) && !dependsOnData(p.expr.right)) {
    const { right } = p.expr;
    const inner = distribute({ ...p, expr: p.expr.left }, framework, named, fromHelper);
    if (inner.length < 2) return [p];
    const over = (e: Expr): Expr => binary('/', e, right, e.range, `${e.text} / ${right.kind === 'binary' ? `(${right.text})` : right.text}`);
    return inner.map((q) => ({ ...q, expr: over(q.expr) }));
  }
  const r = linearReduction(p.expr);
  if (!r) return [p];
  // a sum the code names as one quantity (build.ts: a named difference or like sum) is reduced as a whole
  if (keepWhole?.(r.operand)) return [p];
  const inner = additivePieces(r.operand).map((q) => splitWeight(q, named, fromHelper)).flatMap((q) => distribute(q, framework, named, fromHelper));
  if (inner.length === 1 && !inner[0]!.weight) return [p];
  if (inner.some((q) => isWeightFactor(q.expr))) return [p]; // `mean(se + 0.1)`: a constant is not a term
  // `kl = mean(-0.5 * sum(…))`: a bare number inside a reduction the code names is part of what it defines, not a λ;
  // so is one inside the variable a reduction averages (`ops.mean(kl)` with `kl = -0.5 * ops.sum(…, axis=-1)`)
  if (inner.length === 1 && (named?.(p.expr) || named?.(r.operand)) && inner[0]!.weight && !mentionsName(inner[0]!.weight)) return [p];
  // pieces the code itself names and weights (`total = mse + 0.1 * pen`, averaged after) are its terms, even when
  // every one reads the target (a penalty on the target alone is a defect LL105 must see, not part of the base)
  const codeTerms = inner.every((q) => termLike(q.expr, named)) && inner.some((q) => q.weight);
  if (inner.length > 1 && !codeTerms && inner.every((q) => mentionsRef(q.expr, 'yTrue'))) return [p];
  // `box = mean(relu(y - 1)² + relu(-y)²)`: pieces with no λ of their own that none reads the target are one
  // penalty, weighted (or not) as a whole where it is added; splitting it would only rename its halves.
  if (inner.length > 1 && inner.every((q) => !q.weight && !mentionsRef(q.expr, 'yTrue'))) return [p];
  // One piece: a constant factor passes through any reduction (`mean(-c * m)` = -c · mean(m)), whatever its shape.
  const ranks: Rank[] = inner.length === 1 ? ['unknown'] : inner.map((q) => rankOf(q.expr, framework));
  if (inner.length > 1 && !exact(r.op, r.overAll, ranks)) return [p];
  const reduction = p.expr as Reduction;
  return inner.map((q, i) => {
    const out: Piece = {
      sign: (p.sign * q.sign) as 1 | -1,
      // One piece is the whole reduction, as written outside it (`kl_weight * kl` with `kl = mean(-0.5 * …)`): its
      // variable names the term and a fix weights it there; several are each written inside the reduction.
      whole: inner.length === 1 ? p.whole : q.whole,
      expr: r.op === 'mean' && ranks[i] === 'scalar' ? q.expr : reduceOnly(reduction, q.expr),
    };
    const weight = timesWeight(p.weight, q.weight);
    if (weight) out.weight = weight;
    return out;
  });
}
