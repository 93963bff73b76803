// Op tables by normalised name (last segment of the callee or the method name), across Keras, PyTorch, NumPy and
// TF.js spellings. The term splitter and the constraint table read these; nothing else spells op names.

/** Reductions (mean or sum over some axes). */
export const reductionOps: Readonly<Record<string, 'mean' | 'sum'>> = {
  reduce_mean: 'mean', mean: 'mean', nanmean: 'mean', average: 'mean',
  reduce_sum: 'sum', sum: 'sum', nansum: 'sum',
};

export const absOps: ReadonlySet<string> = new Set(['abs', 'absolute', 'l1']);
export const squareOps: ReadonlySet<string> = new Set(['square']);
export const powOps: ReadonlySet<string> = new Set(['pow', 'power']);
/** relu(x) or max(x, 0) style hinges. */
export const reluOps: ReadonlySet<string> = new Set(['relu', 'relu6']);
export const maximumOps: ReadonlySet<string> = new Set(['maximum', 'max', 'fmax']);
export const clampOps: ReadonlySet<string> = new Set(['clamp', 'clip', 'clamp_min', 'clip_by_value', 'clipbyvalue']);

/**
 * Framework losses that make a term the base term: Keras/TF (`categorical_crossentropy`, `mean_squared_error`,
 * `tf.losses.*`), PyTorch (`F.cross_entropy`, `F.mse_loss`, `nn.*Loss`), TF.js (`tf.losses.meanSquaredError`).
 */
const lossCallee: readonly RegExp[] = [
  /(^|\.)losses\.\w+$/,
  /(^|\.)metrics\.\w*(crossentropy|squared|absolute)\w*$/i,
  /crossentropy|cross_entropy|crossEntropy/i,
  /(^|\.)(mean_squared_error|mean_absolute_error|mean_squared_logarithmic_error|mse|mae|huber|logcosh|log_cosh|kl_divergence|kld|hinge|squared_hinge|poisson|cosine_similarity|binary_focal_crossentropy)$/i,
  /(^|\.)F\.\w+_loss$/,
  /(^|\.)\w+_loss$/,
  /(^|\.)(nll_loss|kl_div|binary_cross_entropy_with_logits)$/,
  /(^|\.)nn\.\w+Loss$/,
  /(^|\.)(meanSquaredError|absoluteDifference|huberLoss|logLoss|sigmoidCrossEntropy|softmaxCrossEntropy|hingeLoss|cosineDistance)$/,
];

/**
 * Framework helpers named like losses that only reduce one (`compute_weighted_loss`, how a Keras `Loss` subclass's
 * call reduces what `call` returns): what they wrap says what the term is.
 */
const lossReducers: RegExp = /(^|\.)compute_weighted_loss$/;

export function isFrameworkLossCallee(callee: string): boolean {
  return !lossReducers.test(callee) && lossCallee.some((re) => re.test(callee));
}
