// A loss may fit the data with several terms beside its penalties. After the base is chosen (build.ts baseIndex),
// these join it, each a rule a reviewer reads the same way:
//   a convex mix   `mix * kl + (1 - mix) * log_err`: weights that sum to one share out one data-fit loss between two
//                  measures of it, both comparing the prediction with the target; neither is a constraint on the other;
//   data-fit names `speech_rec + face_rec + cross_rec + 0.02 * speech_kl`: when the base is named as a data-fit
//                  term (a reconstruction, a likelihood, a cross-entropy, an error, a focal or dice loss, a fit, a
//                  ranking), the other terms named so, and not weighted by a hyper-parameter, fit the data too; when
//                  the base itself is weighted by one (`w_focal * focal + w_dice * dice`), weighted ones do too;
//   one formula    `pixel = mean(square(p - y))` beside `feature = mean(square(f_y - f_p))`: the base's formula
//                  written out again on another pair of target and prediction (locals as blanks) is a second fit;
//   one fit twice  terms the base's own loss function computes on the prediction and the target, unless the base
//                  is added as it is and the other weighted (`pixel + 0.004 * feature`: a perceptual penalty).
//   another head   `lambda_evo * mse(evo_pred, y) + mse(gen_pred, y)`: the base's loss function on the same target
//                  and another output of the model (not the prediction) is a second fit, weighted or not.
//   another task   `reg_loss + lambda_cls * F.cross_entropy(cls_logits, batch["label"])`: a framework loss on another
//                  output and another target column is a second task's fit, weighted or not.
//   a normaliser   `0.5 * log_var` beside `0.5 * exp(-log_var) * err` (normaliser.ts): a Gaussian likelihood's own term.
//   several fits   `node_loss + edge_loss`, `ae_loss + mlp_criterion(out, y)`: beside an unweighted base that is a
//                  loss function, each unweighted loss function comparing a model output with the data is one more
//                  fit (a multi-task objective), not a penalty added without λ; a divergence (a KL) or a loss named
//                  as a penalty (`sparsity_loss`, `smooth_loss`) stays a penalty.
import type { Expr } from '../ir';
import { childrenOf, mentionsRef, some, writtenKey } from './expr';
import { isLikelihoodNormaliser } from './normaliser';
import { type Piece, weightParamOf } from './split';

/** Names of data-fit terms: reconstructions, likelihoods, cross-entropies, errors (a whole word of a snake_case name). */
const DATA_FIT = /(?:^|_)(?:rec|recs|recon|recons|reconstruction|reconstructions|nll|likelihood|loglik|ce|xent|bce|cross_entropy|crossentropy|mse|mae|err|error|focal|dice|iou|jaccard|tversky|fit|rank|ranking)(?:_|$)/i;
/** Names that say penalty, whatever else they contain (`kl_rec` is a KL). */
const PENALTY_WORD = /(?:^|_)(?:kl|kld|reg|regularizer|regularization|penalty|prior|sparsity|smooth|smoothness|tv|ortho|l1|l2)(?:_|$)/i;

export const isDataFitName = (label: string): boolean => DATA_FIT.test(label) && !PENALTY_WORD.test(label);
/**
 * A function or class named as a penalty (`distance_penalty`, `LTwoPenalty`, `self.ortho_reg`), by the last part of
 * its name; not a norm's or a smoothing's name (`l1`, `smooth_l1` are fits as often as penalties).
 */
const PENALTY_CALLEE = /(?:^|_)(?:penalty|penalties|reg|regularizer|regularization|regulariser|regularisation|prior|sparsity|ortho|orthogonality|kl|kld)(?:_|$)/i;
export const isPenaltyName = (name: string): boolean => PENALTY_CALLEE.test(snakeCase(name.slice(name.lastIndexOf('.') + 1)));

/** Divergences between distributions: a distillation's or a VAE's KL is a penalty on the output, not a fit. */
const DIVERGENCE = /(?:^|[._])(?:kl_div|kl_divergence|kld|kldivloss|kullback\w*)$/i;
/**
 * A called criterion the code built (`mlp_criterion(out, y)`, `self.crit(…)`, `loss_fn(…)`) or a loss class it
 * calls an instance of (`CustomMSELoss`): the callee's last word.
 */
const CRITERION = /(?:^|[._])(?:\w*criterion|\w*crit|loss_fn|lossfn|loss_func|loss_function|\w*Loss)$/i;

const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** `1 - x` / `1.0 - x`: the x, when the weight is one minus something. */
function complementOf(w: Expr | undefined): Expr | undefined {
  return w?.kind === 'binary' && w.op === '-' && w.left.kind === 'number' && w.left.value === 1 ? w.right : undefined;
}

/** The index of the piece whose weight is 1 − (piece i's weight), or whose weight piece i's is 1 − of. */
function convexPartner(pieces: readonly Piece[], i: number): number {
  const own = pieces[i]?.weight;
  if (!own || weightParamOf(own) === undefined && !complementOf(own)) return -1;
  return pieces.findIndex((p, j) => {
    if (j === i || !p.weight) return false;
    const a = complementOf(p.weight);
    const b = complementOf(own);
    return (a !== undefined && writtenKey(a) === writtenKey(own)) || (b !== undefined && writtenKey(b) === writtenKey(p.weight));
  });
}

/** What build.ts knows of a piece: the loss function that computes it, whether it compares prediction and target. */
export interface FitSigns {
  /** The framework loss or the file's helper the piece is (`weighted_mse` inlined, `F.mse_loss`), if one. */
  fitOf: (p: Piece) => string | undefined;
  comparesWithTarget: (p: Piece) => boolean;
  /** Reads the target and a model output (the prediction, or another output the loop holds: `edge_pred`). */
  readsTargetAndOutput: (p: Piece) => boolean;
  /** True for an expression the code assigned to a local (the variable names it). */
  named: (e: Expr) => boolean;
}

/** The targets an expression reads (`targets`, `batch["y_edge"]`), as one key: two heads fitted to one target share it. */
function targetsRead(e: Expr): string {
  const out = new Set<string>();
  const visit = (x: Expr): void => {
    if (x.kind === 'name' && x.ref === 'yTrue') out.add(x.name);
    else if (x.kind === 'subscript' && x.object.kind === 'name' && x.object.ref === 'yTrue') out.add(x.text);
    else childrenOf(x).forEach(visit);
  };
  visit(e);
  return [...out].sort().join('\n');
}

/**
 * An expression's formula: its ops and numbers, every operand read (a name, an attribute, a subscript) a blank;
 * undefined unless it calls something (a bare name or a product of names is no formula of a fit). A local the code names is a blank.
 */
function formulaOf(e: Expr, named: (x: Expr) => boolean): string | undefined {
  if (e.kind === 'name' || !some(e, (x) => x.kind === 'call' || x.kind === 'method')) return undefined;
  // a local the code names (`feat_true = vgg(y_true)`) is an operand as written, whatever it holds
  const form = (x: Expr): string => {
    if (x !== e && named(x)) return '_';
    switch (x.kind) {
      case 'name':
      case 'attr':
      case 'subscript':
        return '_';
      case 'number':
        return String(x.value);
      case 'string':
      case 'bool':
        return JSON.stringify(x.value);
      case 'none':
        return 'None';
      case 'tuple':
        return `[${x.items.map(form).join(',')}]`;
      case 'unary':
        return `${x.op}${form(x.operand)}`;
      case 'binary':
        return `(${form(x.left)}${x.op}${form(x.right)})`;
      case 'call':
        return `${x.callee}(${x.args.map(form).join(',')}${kwargsForm(x.kwargs)})`;
      case 'method':
        return `${form(x.object)}.${x.method}(${x.args.map(form).join(',')}${kwargsForm(x.kwargs)})`;
      default:
        // (a conditional, a loop, …: no formula, so two different blocks never match)
        unread = true;
        return x.kind;
    }
  };
  let unread = false;
  const kwargsForm = (kw: Record<string, Expr>): string => Object.entries(kw).map(([k, v]) => `,${k}=${form(v)}`).join('');
  const written = form(e);
  return unread ? undefined : written;
}

/** The loss function a piece calls: a framework loss, the file's helper, a criterion or loss object it built. */
const lossFunctionOf = (p: Piece, signs: FitSigns): string | undefined =>
  signs.fitOf(p) ?? (p.expr.kind === 'call' && CRITERION.test(p.expr.callee) ? p.expr.callee : undefined);

/** Namespaces of framework ops: a call there is an op, not the user's model. */
const OP_NAMESPACE = /^(?:tf|torch|F|nn|K|keras|np|math|jnp|ops)\./;

/**
 * `C(x, cond).mean()`: a reduction of what a callable of the user's returns (a critic's score), as `mean:C`;
 * undefined for anything else.
 */
function modelScore(e: Expr): string | undefined {
  const reduced = e.kind === 'method' && (e.method === 'mean' || e.method === 'sum') && e.args.length === 0 ? e.object : undefined;
  // a network handed in as an argument is called as an object (`critic(x)` → critic.__call__(x))
  const called = reduced?.kind === 'method' && reduced.method === '__call__' && reduced.object.kind === 'name' ? reduced.object.name : undefined;
  if (called) return `${(e as Extract<Expr, { kind: 'method' }>).method}:${called}`;
  // a loop's model output standing for the prediction, written as the network's call (`netD(real, labels)`)
  const output = reduced?.kind === 'name' && reduced.ref === 'yPred' ? /^([A-Za-z_][\w.]*)\(/.exec(reduced.text)?.[1] : undefined;
  if (output) return `${(e as Extract<Expr, { kind: 'method' }>).method}:${output}`;
  if (reduced?.kind !== 'call' || OP_NAMESPACE.test(reduced.callee) || reduced.callee.includes('.')) return undefined;
  return `${(e as Extract<Expr, { kind: 'method' }>).method}:${reduced.callee}`;
}

/** What a loop adds to its accumulator each pass (`loss = loss + f(x)` → `f(x)`), for a loop summing into a total. */
function accumulatedTerm(e: Expr): Expr | undefined {
  if (e.kind !== 'loop' || !e.accumulator) return undefined;
  const body = e.body;
  const isAcc = (x: Expr): boolean => x.kind === 'name' && x.name === e.accumulator;
  if (body.kind !== 'binary' || body.op !== '+') return undefined;
  return isAcc(body.left) ? body.right : isAcc(body.right) ? body.left : undefined;
}

/** The framework's L1 errors (`nn.SmoothL1Loss`, `F.l1_loss`): fits by what they are, though their names say `l1`/`smooth`. */
const L1_ERRORS = /^(?:smooth_?l1_?loss|l1_?loss)$/i;

/** The loss function an unweighted, added piece is, when it is one more fit of the data (see "several fits"). */
function separateFit(p: Piece, label: string, signs: FitSigns): boolean {
  if (p.weight || p.sign < 0 || !signs.readsTargetAndOutput(p)) return false;
  const fn = lossFunctionOf(p, signs);
  if (fn === undefined || DIVERGENCE.test(fn)) return false;
  return namedAsFit(fn, label);
}

/** A loss function and a term named as a fit, not as a penalty (`smooth_loss`, `kl_term`); the L1 errors are fits. */
function namedAsFit(fn: string, label: string): boolean {
  const lastWord = fn.slice(fn.lastIndexOf('.') + 1);
  return (L1_ERRORS.test(lastWord) || !PENALTY_WORD.test(snakeCase(lastWord))) && !PENALTY_WORD.test(snakeCase(label));
}

/**
 * The indices of the base terms: `base`, its convex partner, the data-fit-named terms beside a data-fit-named
 * base, and the terms the same loss function computes on the prediction and the target as the base
 * (`growth_weight * weighted_mse(cur, pred) + level_weight * weighted_mse(level, pred)`: two measures of one fit).
 */
export function baseIndices(pieces: readonly Piece[], base: number, labels: readonly string[], signs?: FitSigns): Set<number> {
  const out = new Set([base]);
  const chosen = pieces[base];
  const fit = chosen && signs?.comparesWithTarget(chosen) ? signs.fitOf(chosen) : undefined;
  // a term weighted where the base is not (`pixel + 0.004 * feature` with both an MSE) is a penalty on top of it
  // (a copy subtracted, `mse(y0, p0) - mse(y3, p3)`, pushes its column away from the target: no fit, a negated term)
  if (fit && signs) pieces.forEach((p, i) => {
    if (signs.comparesWithTarget(p) && signs.fitOf(p) === fit && (!p.weight || !!chosen?.weight) && p.sign > 0) out.add(i);
  });
  // one formula twice (`pixel = mean(square(p - y))`, `feature = mean(square(f(y) - f(p)))`, both weighted): the
  // base's own formula, written out rather than called, on another pair of the data and an output
  const form = chosen && signs?.comparesWithTarget(chosen) ? formulaOf(chosen.expr, signs.named) : undefined;
  if (form && signs) pieces.forEach((p, i) => {
    if (signs.comparesWithTarget(p) && formulaOf(p.expr, signs.named) === form && (!p.weight || !!chosen?.weight) && p.sign > 0) out.add(i);
  });
  // another head's fit (`lambda_evo * mse(evo_pred, y) + mse(gen_pred, y)`): the base's loss function on the target
  // and another output of the model, not the prediction: a second fit, whatever its weight (auxiliary heads, deep
  // supervision); the perceptual `pixel + 0.004 * feature` above reads the prediction itself
  const target = chosen ? targetsRead(chosen.expr) : '';
  if (fit && signs) pieces.forEach((p, i) => {
    if (signs.fitOf(p) === fit && signs.readsTargetAndOutput(p) && !mentionsRef(p.expr, 'yPred') && targetsRead(p.expr) === target) out.add(i);
  });
  // another task (`reg_loss + lambda_cls * F.cross_entropy(cls_logits, batch["label"])`): a framework loss comparing
  // another output of the model with another target than the base's is a second task's fit, whatever its weight
  // (a helper of the file over an output and a mask is not: `_masked_mean(delta.abs(), mask)` is a penalty)
  // (beside a weighted base the code weighs its fits itself, and what it leaves unweighted stays as the rules above read it)
  if (chosen && !chosen.weight && signs) pieces.forEach((p, i) => {
    const fn = signs.fitOf(p);
    const own = targetsRead(p.expr);
    const framework = p.expr.kind === 'call' && OP_NAMESPACE.test(p.expr.callee);
    if (fn && framework && !DIVERGENCE.test(fn) && namedAsFit(fn, labels[i] ?? '') && p.sign > 0 && signs.readsTargetAndOutput(p) && !mentionsRef(p.expr, 'yPred') && own !== '' && own !== target) out.add(i);
  });
  // (a distillation `alpha * kd(student, teacher) + (1 - alpha) * ce(student, y)` keeps the KD a penalty: it does not
  // compare the prediction with the target)
  if (chosen && signs && !chosen.weight && lossFunctionOf(chosen, signs) !== undefined) {
    pieces.forEach((p, i) => {
      if (separateFit(p, labels[i] ?? '', signs)) out.add(i);
    });
  }
  // a critic's scores on two batches (`d_fake - d_real`, WGAN): the same model reduced the same way is one objective
  const score = chosen && !chosen.weight ? modelScore(chosen.expr) : undefined;
  if (score) pieces.forEach((p, i) => {
    if (!p.weight && modelScore(p.expr) === score) out.add(i);
  });
  // a generator's adversarial objective (`-C(fake).mean()` beside an L1 fit, WGAN): it maximises a critic's score,
  // an objective of its own, not a penalty subtracted by mistake
  pieces.forEach((p, i) => {
    if (!p.weight && p.sign < 0 && modelScore(p.expr)) out.add(i);
  });
  // the base's loss function over each of the model's heads (`for j, logits in enumerate(heads): loss = loss +
  // F.cross_entropy(logits, y[:, j])`): the same fit, summed over the outputs
  const baseFit = chosen && signs ? lossFunctionOf(chosen, signs) : undefined;
  if (baseFit && signs) pieces.forEach((p, i) => {
    const added = !p.weight && p.sign > 0 ? accumulatedTerm(p.expr) : undefined;
    if (added && lossFunctionOf({ ...p, expr: added }, signs) === baseFit) out.add(i);
  });
  const partner = convexPartner(pieces, base);
  const partnerPiece = pieces[partner];
  if (partnerPiece && (!signs || signs.comparesWithTarget(partnerPiece))) out.add(partner);
  // (a base weighted by a hyper-parameter, `focal_weight * l_focal + dice_weight * l_dice`, mixes fits each with its
  // own weight: a data-fit-named term weighted so is one of them)
  const weightedBase = weightParamOf(chosen?.weight) !== undefined;
  if (isDataFitName(labels[base] ?? '')) {
    pieces.forEach((p, i) => {
      if (isDataFitName(labels[i] ?? '') && (weightedBase || weightParamOf(p.weight) === undefined)) out.add(i);
    });
  }
  const fits = [...out].map((i) => pieces[i]?.whole).filter((e): e is Expr => e !== undefined);
  pieces.forEach((p, i) => {
    if (!out.has(i) && weightParamOf(p.weight) === undefined && isLikelihoodNormaliser(p.whole, fits)) out.add(i);
  });
  return out;
}
