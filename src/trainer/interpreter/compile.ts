// compileLoss: turns a LossModel into a function of (yTrue, yPred) that returns the total, the original (base)
// loss and every term's raw value P and weighted value sign·weight·P, each a scalar tensor that gradients flow
// through. Each term is evaluated separately and reduced the way the framework reduces a loss:
//   Keras: the per-sample values are averaged over everything (sum_over_batch_size);
//   PyTorch, TF.js: the returned value is used as is when it is a scalar, else averaged (the trainer needs a scalar).
// Both amount to a mean over all elements, and by linearity the sum of the reduced terms is the reduced total.
import type { TensorContainer } from '@tensorflow/tfjs-core';
import type { Expr, LossModel, Term } from '../../analysis/ir';
import { literalWeightValue } from '../../analysis/literalWeight';
import { outputItemIndex, predictionItems, readsWholePrediction } from '../tensorArgs';
import { LossEvaluationError } from './errors';
import { type Env, evaluate } from './evaluate';
import { LayerStore } from './layerStore';
import { modelLookup, modelReads } from './modelValues';
import { opTables } from './ops';
import { seedStream } from './ops/random';
import { outsideValues } from './outside';
import { scheduleCodeLambda, scheduledLambda } from './schedule';
import { makeLookup } from './scope';
import { noValueReason } from './settingSources';
import type { Scalar, Tensor, Tf, Value } from './types';
import { evaluatedExprs, walkExprs } from './unsupported';
import { asFloat, asTensor, describe } from './values';
import { namedGroups, trialParameterNames } from './weightNameFilter';

export interface TermValues {
  raw: Scalar;
  weighted: Scalar;
}

export interface LossValues {
  total: Scalar;
  original: Scalar;
  terms: Record<string, TermValues>;
}

/** What a run passes beside the targets and predictions: its parameters, and extra tensor arguments by name (`encoded`). */
export interface LossExtras {
  weights?: Tensor[];
  tensors?: Readonly<Record<string, Tensor>>;
}

export type CompiledLoss = ((yTrue: Tensor, yPred: Tensor, extras?: LossExtras) => LossValues) & {
  /** The weights of the layers the loss builds itself (layerStore.ts), made on its first evaluation: trained with it. */
  layerWeights: () => Tensor[];
  /** Releases those weights (the trial is over). */
  disposeLayers: () => void;
};

export interface CompileOptions {
  /**
   * Multiplies every penalty term written without a weight: the λ of a run when the loss has no λ parameter
   * (see TrialSpec). Absent: 1, as the code computes it.
   */
  unweightedPenaltyScale?: number;
  /**
   * The λ of a run in place of the one literal every penalty is weighted by (`mse + 4.0 * p`, a helper's
   * `coef=5e-4` inlined): that literal is the λ written in the code (src/trial/spec.ts codeLambda), so a run with
   * λ = 10 trains `mse + 10 * p`. Absent: the literal, as the code computes it.
   */
  literalLambda?: number;
  /**
   * Per penalty term id, the λ that replaces that term's weight (sign kept): the run of a sweep over several
   * penalties sets each literal or missing weight this way (src/sweep/knobs.ts). Before the options above.
   */
  penaltyWeights?: Readonly<Record<string, number>>;
}

/**
 * The literal λ of a loss with no λ parameter: the one number every penalty is weighted by, when each penalty has a
 * weight and all of them are that same number literal, bare or wrapped (`tf.scalar(0.01)`, analysis/literalWeight.ts;
 * the rule of codeLambda in src/trial/spec.ts); else undefined.
 */
export function literalPenaltyWeight(model: LossModel): number | undefined {
  if (model.lambdaParam) return undefined;
  const penalties = model.terms.filter((t) => t.role === 'penalty');
  const literals = new Set(penalties.map((t) => literalWeightValue(t.weight, model.framework)));
  const [only] = literals;
  return penalties.length > 0 && literals.size === 1 && only !== undefined ? only : undefined;
}

/**
 * The literal weights of a loss whose penalties each carry their own (`mse + 0.1 * p1 + 0.5 * p2`, or layer
 * regularizers' factors, bare or wrapped), with no λ parameter: a run's λ replaces each of them, as it replaces the one literal of
 * literalPenaltyWeight; without this a run's λ would set nothing and "λ = 0" would train the code's weights. By
 * penalty label; undefined unless every penalty is weighted by a number literal and they are not all one number.
 */
export function ownLiteralWeights(model: LossModel): Map<string, number> | undefined {
  if (model.lambdaParam || literalPenaltyWeight(model) !== undefined) return undefined;
  const penalties = model.terms.filter((t) => t.role === 'penalty');
  const literals = penalties.map((t) => literalWeightValue(t.weight, model.framework));
  if (penalties.length < 2 || literals.some((v) => v === undefined)) return undefined;
  return new Map(penalties.map((t, i) => [t.label, literals[i] ?? Number.NaN]));
}

/**
 * The options as they apply to `model`: `literalLambda` only when it has literal λs (literalPenaltyWeight,
 * ownLiteralWeights) or a scheduled one (schedule.ts).
 */
export function optionsFor(model: LossModel, options: CompileOptions): CompileOptions {
  // a λ scheduled by the training counter: a run's λ in its place, else the schedule's value at the start
  const scheduled = scheduledLambda(model);
  if (scheduled) {
    const code = scheduleCodeLambda(scheduled);
    return options.literalLambda !== undefined || code === undefined ? options : { ...options, literalLambda: code };
  }
  if (options.literalLambda === undefined || literalPenaltyWeight(model) !== undefined || ownLiteralWeights(model)) return options;
  const { literalLambda: _ignored, ...rest } = options;
  return rest;
}

/**
 * sign · weight of a term whose weight needs no evaluation (none, or the literal λ a run replaces); else undefined.
 * `options` as optionsFor gives them.
 */
export function plainWeight(term: Term, options: CompileOptions): number | undefined {
  const own = term.role === 'penalty' ? options.penaltyWeights?.[term.id] : undefined;
  if (own !== undefined) return term.sign * own;
  if (!term.weight) return term.sign * (term.role === 'penalty' ? (options.unweightedPenaltyScale ?? 1) : 1);
  if (options.literalLambda !== undefined && term.role === 'penalty') return term.sign * options.literalLambda;
  return undefined;
}

/** Reduces a term's value to a scalar: a mean over all elements (see the header). */
export function toScalar(tf: Tf, v: Value, expr: Expr): Scalar {
  const t = asTensor(tf, v);
  if (!t) throw new LossEvaluationError(expr.text, expr.range, `evaluates to ${describe(v)}, not a number or a tensor`);
  const f = asFloat(tf, t);
  return (f.rank === 0 ? f : tf.mean(f)) as Scalar;
}

/** The terms to evaluate: the model's, or the whole returned expression as one base term when it has none. */
export function termsOf(model: LossModel): Term[] {
  if (model.terms.length > 0) return model.terms;
  return [{ id: 't0', role: 'base', sign: 1, expr: model.body, label: model.name, range: model.body.range }];
}

export function compileLoss(tf: Tf, model: LossModel, bindings: Record<string, number>, options: CompileOptions = {}): CompiledLoss {
  const ops = opTables[model.framework];
  if (!ops) throw new Error(`Loss Lab cannot train a loss for framework '${String(model.framework)}' (keras, pytorch or tfjs)`);
  const lookup = makeLookup(model, bindings);
  const noValue = (name: string) => noValueReason(model, name);
  const models = modelReads(model, (visit) => walkExprs(evaluatedExprs(model), visit));
  const terms = termsOf(model);
  const applied = optionsFor(model, options);
  // Each returned scalar is its own tensor (a caller may keep one and dispose another), built with as few ops as
  // possible: every op costs a fixed overhead per step on the wasm backend.
  // A prediction the loss unpacks (`logits, norm = outputs`) is a tuple: the output, then the further items the
  // loop hands by name (tensorArgs.ts predictionItems: the last hidden layer's activations).
  // (the output is the item the loss compares with the target: `[mean, logVar, recon] = yPred`, outputItemIndex)
  const items = predictionItems(model);
  const output = outputItemIndex(model);
  const predictionOf = (yPred: Tensor, tensors: LossExtras['tensors']): Value =>
    items.length === 0 ? yPred : items.map((name, i) => (i === output ? yPred : (tensors?.[name] ?? missingItem(model, name))));
  const sumOf = (xs: Tensor[]): Tensor => (xs.length === 0 ? tf.scalar(0) : xs.length === 1 ? tf.clone(xs[0]) : tf.addN(xs));
  const nextSeed = seedStream();
  const outside = outsideValues(model);
  // parameters named after a name filter that would keep none of nn.Sequential's names (weightNameFilter.ts)
  const groups = namedGroups(model, evaluatedExprs(model));
  const weightName = groups.length > 0 ? trialParameterNames(groups) : undefined;
  // a term reading the prediction whole, beside terms that unpack it, reads the model's output (tensorArgs.ts)
  const whole = new Set(items.length > 0 ? terms.filter((t) => readsWholePrediction(t.expr)).map((t) => t.id) : []);
  const layers = new LayerStore(tf);
  const compiled = (yTrueIn: Tensor, yPredIn: Tensor, extras?: LossExtras): LossValues =>
    tf.tidy((): TensorContainer => {
      const [yTrue, yPred] = model.framework === 'keras' ? kerasAligned(tf, yTrueIn, yPredIn) : [yTrueIn, yPredIn];
      const weights = extras?.weights;
      const tensors = extras?.tensors;
      const given = tensors ? (name: string) => tensors[name] ?? lookup(name) : lookup;
      // the model or a layer (`model.parameters()`, `layer.get_weights()`, `model.fc1.weight`): the run's weights
      const fromModel = weights && models.roots.size > 0 ? modelLookup(tf, model.framework, models, weights) : undefined;
      const runLookup = fromModel ? (name: string) => given(name) ?? fromModel(name) : given;
      const env: Env = { tf, ops, yTrue, yPred: predictionOf(yPred, tensors), lookup: runLookup, nextSeed, noValue, layers, ...(outside ? { outside } : {}), ...(weights ? { weights: () => weights } : {}), ...(weightName ? { weightName } : {}) };
      const values: Record<string, TermValues> = {};
      const weightedAll: Tensor[] = [];
      const weightedBase: Tensor[] = [];
      for (const term of terms) {
        const raw = toScalar(tf, evaluate(whole.has(term.id) ? { ...env, yPred } : env, term.expr), term.expr);
        const weighted = tf.mul(raw, weightOf(tf, env, term, applied)) as Scalar;
        values[term.id] = { raw, weighted };
        weightedAll.push(weighted);
        if (term.role === 'base') weightedBase.push(weighted);
      }
      const out: LossValues = { total: sumOf(weightedAll) as Scalar, original: sumOf(weightedBase) as Scalar, terms: values };
      return out as unknown as TensorContainer;
    }) as unknown as LossValues;
  return Object.assign(compiled, { layerWeights: () => layers.variables() as Tensor[], disposeLayers: () => layers.dispose() });
}

function missingItem(model: LossModel, name: string): never {
  throw new LossEvaluationError(name, model.body.range, `is an item of the prediction the loss unpacks, and no tensor was given for it here`);
}

/**
 * Keras calls a compiled loss function with targets and predictions whose ranks differ by at most the trailing
 * 1 (`squeeze_or_expand_dimensions`): y_true [B] with y_pred [B, 1] arrives as two [B] tensors, not as a [B, B]
 * broadcast. Sparse labels [B] with predictions [B, C] are left alone.
 */
export function kerasAligned(tf: Tf, yTrue: Tensor, yPred: Tensor): [Tensor, Tensor] {
  const last = (t: Tensor) => t.shape[t.rank - 1];
  if (yPred.rank === yTrue.rank + 1 && last(yPred) === 1) return [yTrue, tf.squeeze(yPred, [yPred.rank - 1])];
  if (yTrue.rank === yPred.rank + 1 && last(yTrue) === 1) return [tf.squeeze(yTrue, [yTrue.rank - 1]), yPred];
  return [yTrue, yPred];
}

/** sign · weight: a plain number when the weight is one (the usual λ), else a scalar tensor. */
export function weightOf(tf: Tf, env: Env, term: Term, options: CompileOptions): number | Tensor {
  const plain = plainWeight(term, options);
  if (plain !== undefined || !term.weight) return plain ?? term.sign;
  const w = evaluate(env, term.weight);
  if (typeof w === 'number') return term.sign * w;
  // A weight multiplies its term after the term is reduced: only exact for one number (`mean(w * x)` with a
  // per-output w is not `mean(w) * mean(x)`), so anything else is refused rather than averaged.
  const t = asTensor(tf, w);
  if (t?.size !== 1) {
    throw new LossEvaluationError(term.weight.text, term.weight.range, `is the weight of term '${term.label}' but evaluates to ${describe(w)}, not one number: write the per-output weights inside the term`);
  }
  return tf.mul(toScalar(tf, w, term.weight), term.sign);
}

/**
 * The unreduced value of one expression of `model` on (yTrue, yPred), e.g. `y_pred.sum(-1)` for a violation
 * metric or a test. The caller owns the returned tensors.
 */
export function evaluateExpr(tf: Tf, model: LossModel, expr: Expr, yTrue: Tensor, yPred: Tensor, bindings: Readonly<Record<string, Value>> = {}): Value {
  const outside = outsideValues(model);
  const env: Env = { tf, ops: opTables[model.framework], yTrue, yPred, lookup: makeLookup(model, bindings), noValue: (name) => noValueReason(model, name), ...(outside ? { outside } : {}) };
  return evaluate(env, expr);
}
