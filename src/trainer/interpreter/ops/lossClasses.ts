// Loss classes called on the spot or held: `tf.keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, y_pred)`,
// `criterion = nn.CrossEntropyLoss(label_smoothing=0.1)` then `criterion(logits, target)`. The front end gives them as
// one call whose callee is the class, with the constructor's keywords and the call's arguments; each reuses its
// function's implementation. This is the one table of criterion classes: the function each runs and the constructor
// keywords it honours; any other keyword is refused (OpSpec.keywords), never dropped, since it may change the value
// (`size_average=False` sums, `ignore_index=0` skips a class).
import type { Expr } from '../../../analysis/ir';
import { op } from '../args';
import { LossEvaluationError } from '../errors';
import type { OpArgs, OpSpec, OpTable, Tensor } from '../types';
import { asFloat } from '../values';
import { constructorParamNames } from './ctorParams';
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

/** Keywords of a Keras loss object that do not change its value. */
const kerasInert = ['name', 'dtype'];

/**
 * What a Keras loss object does to its arguments before its function (`losses_utils.squeeze_or_expand_dimensions`):
 * a prediction one axis longer than the target whose last axis is 1 is squeezed, and the other way round, so
 * `MeanSquaredError()(y_true[:, 0], y_pred)` on a one-output model compares a value per sample with a value per sample.
 */
function squeezedPair(a: OpArgs): OpArgs {
  const [t, p] = [a.tensor('y_true'), a.tensor('y_pred')];
  const last = (x: Tensor) => x.shape[x.rank - 1];
  const squeezed =
    p.rank === t.rank + 1 && last(p) === 1 ? { y_true: t, y_pred: a.tf.squeeze(p, [p.rank - 1]) } : t.rank === p.rank + 1 && last(t) === 1 ? { y_true: a.tf.squeeze(t, [t.rank - 1]), y_pred: p } : undefined;
  if (!squeezed) return a;
  const pick = (name: string): Tensor | undefined => (name === 'y_true' || name === 'y_pred' ? squeezed[name] : undefined);
  return { ...a, tensor: (name) => pick(name) ?? a.tensor(name), value: (name) => pick(name) ?? a.value(name) };
}

/** A Keras loss object: per-sample values, optionally weighted, reduced by `reduction` (default: mean over the batch). */
function kerasClass(fn: OpSpec): OpSpec {
  // the class's own keywords (`delta`, focal `gamma`/`alpha`…) reach its function by name
  const own = fn.params.slice(2);
  const spec = op(['y_true', 'y_pred', 'sample_weight', ...own, 'reduction'], (a) => {
    const { tf } = a;
    const perSample = fn.fn(squeezedPair(a)) as Tensor;
    const w = a.optTensor('sample_weight');
    const weighted = w ? tf.mul(perSample, asFloat(tf, w)) : perSample;
    const mode = a.string('reduction', 'sum_over_batch_size');
    if (mode === 'sum_over_batch_size' || mode === 'auto') return reduceOverBatch(tf, a, weighted, 'mean');
    if (mode === 'sum') return reduceOverBatch(tf, a, weighted, 'sum');
    if (mode === 'none') return weighted;
    throw new LossEvaluationError(a.op, a.range, `unknown reduction '${mode}'`);
  });
  return { ...spec, keywords: new Set([...spec.params, ...kerasInert]) };
}

/** Each torch criterion class and the functional loss it runs: it honours that function's parameters, by position or keyword. */
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

/** torch's legacy `size_average`/`reduce` as the `reduction` they stand for (torch's `legacy_get_string`), if given. */
function legacyReduction(a: OpArgs): string | undefined {
  const given = (name: string) => a.value(name) !== undefined && a.value(name) !== null;
  if (!given('size_average') && !given('reduce')) return undefined;
  const sizeAverage = given('size_average') ? a.bool('size_average', true) : true;
  const reduce = given('reduce') ? a.bool('reduce', true) : true;
  return !reduce ? 'none' : sizeAverage ? 'mean' : 'sum';
}

/** `nn.X(...)(input, target)`: the module's keywords are the functional loss's own (`reduction`, `weight`, …). */
function torchClass(fn: OpSpec): OpSpec {
  const legacy = fn.params.includes('size_average');
  const run = (a: OpArgs) => {
    const mode = legacy ? legacyReduction(a) : undefined;
    return fn.fn(mode === undefined ? a : { ...a, string: (name, fallback) => (name === 'reduction' ? mode : a.string(name, fallback)) });
  };
  return { params: fn.params, fn: run, keywords: new Set(fn.params.flatMap((p) => p.split('|'))) };
}

export const kerasLossClasses: OpTable = Object.fromEntries(
  ['tf.keras.losses', 'keras.losses'].flatMap((prefix) =>
    Object.entries(kerasClasses).map(([cls, fn]) => [`${prefix}.${cls}`, kerasClass(kerasLossFunctions[fn])]),
  ),
);

/** `nn.X(...)(input, target)`: the module's keywords are the functional loss's own (`reduction`, `weight`, …). */
export const torchLossModules: OpTable = Object.fromEntries(
  ['nn', 'torch.nn'].flatMap((prefix) => Object.entries(torchModules).map(([cls, m]) => [`${prefix}.${cls}`, torchClass(torchLossFunctions[m]!)])),
);

/** The refusal of a criterion's keyword its table entry does not honour (OpSpec.keywords). */
export const unhonouredKeyword = (callee: string, key: string, honoured: ReadonlySet<string>, line?: number): string =>
  `\`${callee}(${key}=…)\`${line ? ` (line ${line})` : ''}: the Loss Lab trainer does not honour the keyword \`${key}\` of \`${callee}\` (it honours ${[...honoured].map((k) => `\`${k}\``).join(', ') || 'none'}) and will not drop it: write what it means with those, or remove it`;

/** The keywords of a criterion's call (the constructor's, by keyword or position) its table entry does not honour, with their values. */
export function unhonouredKeywords(e: Extract<Expr, { kind: 'call' }>, spec: OpSpec | undefined): [string, Expr][] {
  if (!spec?.keywords) return [];
  const positional = e.ctorArgs?.length ? (constructorParamNames(e.callee, e.ctorArgs.length) ?? []) : [];
  const given: [string, Expr][] = [...Object.entries(e.kwargs), ...positional.map((k, i): [string, Expr] => [k, e.ctorArgs![i]!])];
  return given.filter(([k, v]) => v.kind !== 'none' && !spec.keywords!.has(k));
}
