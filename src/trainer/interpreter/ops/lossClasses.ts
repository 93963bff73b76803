// Loss classes called on the spot: `tf.keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, y_pred)`,
// `nn.CrossEntropyLoss(label_smoothing=0.1)(logits, target)`. The front end gives them as one call whose callee is
// the class, with the constructor's keywords and the call's arguments; each reuses its function's implementation.
import { op } from '../args';
import { LossEvaluationError } from '../errors';
import type { OpSpec, OpTable, Tensor } from '../types';
import { asFloat } from '../values';
import { kerasLossFunctions } from './kerasLosses';
import { reduceOverBatch } from './shared';
import { torchLossFunctions } from './torchLosses';

const kerasClasses: Record<string, string> = {
  CategoricalCrossentropy: 'categorical_crossentropy',
  BinaryCrossentropy: 'binary_crossentropy',
  SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  MeanSquaredError: 'mean_squared_error',
  MeanAbsoluteError: 'mean_absolute_error',
  Huber: 'huber',
  KLDivergence: 'kl_divergence',
  LogCosh: 'log_cosh',
  MeanAbsolutePercentageError: 'mean_absolute_percentage_error',
  MeanSquaredLogarithmicError: 'mean_squared_logarithmic_error',
  Hinge: 'hinge',
  SquaredHinge: 'squared_hinge',
  Poisson: 'poisson',
  CosineSimilarity: 'cosine_similarity',
  BinaryFocalCrossentropy: 'binary_focal_crossentropy',
  CategoricalHinge: 'categorical_hinge',
};

/** A Keras loss object: per-sample values, optionally weighted, reduced by `reduction` (default: mean over the batch). */
function kerasClass(fn: OpSpec): OpSpec {
  // the class's own keywords (`delta`, focal `gamma`/`alpha`…) reach its function by name
  return op(['y_true', 'y_pred', 'sample_weight', 'from_logits', 'label_smoothing', 'axis', 'delta', 'reduction', 'apply_class_balancing', 'alpha', 'gamma'], (a) => {
    const { tf } = a;
    const perSample = fn.fn(a) as Tensor;
    const w = a.optTensor('sample_weight');
    const weighted = w ? tf.mul(perSample, asFloat(tf, w)) : perSample;
    const mode = a.string('reduction', 'sum_over_batch_size');
    if (mode === 'sum_over_batch_size' || mode === 'auto') return reduceOverBatch(tf, a, weighted, 'mean');
    if (mode === 'sum') return reduceOverBatch(tf, a, weighted, 'sum');
    if (mode === 'none') return weighted;
    throw new LossEvaluationError(a.op, a.range, `unknown reduction '${mode}'`);
  });
}

const torchModules: Record<string, string> = {
  MSELoss: 'mse_loss',
  L1Loss: 'l1_loss',
  SmoothL1Loss: 'smooth_l1_loss',
  HuberLoss: 'huber_loss',
  CrossEntropyLoss: 'cross_entropy',
  NLLLoss: 'nll_loss',
  BCELoss: 'binary_cross_entropy',
  BCEWithLogitsLoss: 'binary_cross_entropy_with_logits',
  KLDivLoss: 'kl_div',
  PoissonNLLLoss: 'poisson_nll_loss',
  SoftMarginLoss: 'soft_margin_loss',
  MultiLabelSoftMarginLoss: 'multilabel_soft_margin_loss',
  HingeEmbeddingLoss: 'hinge_embedding_loss',
  MarginRankingLoss: 'margin_ranking_loss',
  TripletMarginLoss: 'triplet_margin_loss',
  CosineEmbeddingLoss: 'cosine_embedding_loss',
  GaussianNLLLoss: 'gaussian_nll_loss',
  CosineSimilarity: 'cosine_similarity',
};

export const kerasLossClasses: OpTable = Object.fromEntries(
  ['tf.keras.losses', 'keras.losses'].flatMap((prefix) =>
    Object.entries(kerasClasses).map(([cls, fn]) => [`${prefix}.${cls}`, kerasClass(kerasLossFunctions[fn])]),
  ),
);

/** `nn.X(...)(input, target)`: the module's keywords are the functional loss's own (`reduction`, `weight`, …). */
export const torchLossModules: OpTable = Object.fromEntries(
  ['nn', 'torch.nn'].flatMap((prefix) => Object.entries(torchModules).map(([cls, fn]) => [`${prefix}.${cls}`, torchLossFunctions[fn]])),
);
