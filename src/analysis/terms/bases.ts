// A loss may fit the data with several terms beside its penalties. After the base is chosen (build.ts baseIndex),
// these join it, each a rule a reviewer reads the same way:
//   a convex mix   `mix * kl + (1 - mix) * log_err`: weights that sum to one share out one data-fit loss between two
//                  measures of it, both comparing the prediction with the target; neither is a constraint on the other;
//   data-fit names `speech_rec + face_rec + cross_rec + 0.02 * speech_kl`: when the base is named as a data-fit
//                  term (a reconstruction, a likelihood, a cross-entropy, an error), the other terms named so, and
//                  not weighted by a hyper-parameter, fit the data too;
//   one fit twice  terms the base's own loss function computes on the prediction and the target, unless the base
//                  is added as it is and the other weighted (`pixel + 0.004 * feature`: a perceptual penalty).
//   a normaliser   `0.5 * log_var` beside `0.5 * exp(-log_var) * err` (normaliser.ts): a Gaussian likelihood's own term.
import type { Expr } from '../ir';
import { writtenKey } from './expr';
import { isLikelihoodNormaliser } from './normaliser';
import { type Piece, weightParamOf } from './split';

/** Names of data-fit terms: reconstructions, likelihoods, cross-entropies, errors (a whole word of a snake_case name). */
const DATA_FIT = /(?:^|_)(?:rec|recs|recon|recons|reconstruction|reconstructions|nll|likelihood|loglik|ce|xent|bce|cross_entropy|crossentropy|mse|mae|err|error)(?:_|$)/i;
/** Names that say penalty, whatever else they contain (`kl_rec` is a KL). */
const PENALTY_WORD = /(?:^|_)(?:kl|kld|reg|regularizer|regularization|penalty|prior|sparsity|smooth|smoothness|tv|ortho|l1|l2)(?:_|$)/i;

export const isDataFitName = (label: string): boolean => DATA_FIT.test(label) && !PENALTY_WORD.test(label);

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
  if (fit && signs) pieces.forEach((p, i) => {
    if (signs.comparesWithTarget(p) && signs.fitOf(p) === fit && (!p.weight || !!chosen?.weight)) out.add(i);
  });
  // (a distillation `alpha * kd(student, teacher) + (1 - alpha) * ce(student, y)` keeps the KD a penalty: it does not
  // compare the prediction with the target)
  const partner = convexPartner(pieces, base);
  const partnerPiece = pieces[partner];
  if (partnerPiece && (!signs || signs.comparesWithTarget(partnerPiece))) out.add(partner);
  if (isDataFitName(labels[base] ?? '')) {
    pieces.forEach((p, i) => {
      if (isDataFitName(labels[i] ?? '') && weightParamOf(p.weight) === undefined) out.add(i);
    });
  }
  const fits = [...out].map((i) => pieces[i]?.whole).filter((e): e is Expr => e !== undefined);
  pieces.forEach((p, i) => {
    if (!out.has(i) && weightParamOf(p.weight) === undefined && isLikelihoodNormaliser(p.whole, fits)) out.add(i);
  });
  return out;
}
