// compileBatchedLoss: one evaluation of the user's loss for K runs at once, so the op count of a step does not
// grow with K. The runs' predictions [K, B, …] are folded into the batch axis ([K·B, …], targets tiled K times)
// rather than given a new leading run axis: every axis argument, slice and Keras rank rule in the user's code
// keeps its meaning unchanged. Each term's per-sample value (its top-level mean/sum over all elements removed)
// is then split back per run ([K, ·], reduced per run), so each run keeps its own metrics and Keras's mean over
// the batch holds per run. This is exact for terms whose value per sample depends on that sample's row only.
// A library loss that reduces over the batch itself (PyTorch's `reduction`, tf.losses.*, Keras loss objects) is
// asked for its values unreduced (OpArgs.deferReduction) and reduced per run the same way.
// A term that is not (a batch statistic, a shape read, a value reduced to a scalar inside, a λ used inside the
// expression) throws NotBatchableError here, or is caught by the trainer's probe against the per-run losses;
// the trainer then falls back to one loss per run and says so.
import type { Expr, LossModel, Term } from '../../analysis/ir';
import { type CompileOptions, kerasAligned, optionsFor, plainWeight, termsOf } from './compile';
import { type Env, evaluate } from './evaluate';
import { opTables } from './ops';
import { seedStream } from './ops/random';
import { outsideValues } from './outside';
import { makeLookup } from './scope';
import { noValueReason } from './settingSources';
import type { DeferReduction, Tensor, Tf, Value } from './types';
import { buildsLayers, readsModelWeights } from './unsupported';
import { asFloat, asTensor } from './values';

/** Per-run values, each a [K] tensor. */
export interface BatchedLossValues {
  total: Tensor;
  original: Tensor;
  terms: Record<string, { raw: Tensor; weighted: Tensor }>;
}

/** yTrue [B, …] shared by the runs, yPred [K, B, …] (run axis first). */
export type BatchedLoss = (yTrue: Tensor, yPred: Tensor) => BatchedLossValues;

export class NotBatchableError extends Error {}

/** Reductions over all elements that may end a term: removed and done per run instead. */
const fullReductions: Readonly<Record<string, 'mean' | 'sum'>> = { mean: 'mean', reduce_mean: 'mean', sum: 'sum', reduce_sum: 'sum' };

function fullReduction(e: Expr): { inner: Expr; reduce: 'mean' | 'sum' } | undefined {
  const noKw = (kw: Record<string, Expr>) => Object.keys(kw).length === 0;
  if (e.kind === 'call' && e.args.length === 1 && noKw(e.kwargs)) {
    const r = fullReductions[e.callee.split('.').pop() ?? ''];
    // A bare `sum(...)` is Python's builtin over a list, not a tensor reduction.
    if (r && e.callee.includes('.')) return { inner: e.args[0]!, reduce: r };
  }
  if (e.kind === 'method' && e.args.length === 0 && noKw(e.kwargs)) {
    const r = fullReductions[e.method];
    if (r) return { inner: e.object, reduce: r };
  }
  return undefined;
}

/** Whether `e` is a plain number whatever the tensors (a literal, a hyper-parameter, arithmetic on them). */
function isConstant(e: Expr, lookup: (n: string) => Value | undefined): boolean {
  if (e.kind === 'number') return true;
  if (e.kind === 'name') return e.ref !== 'yTrue' && e.ref !== 'yPred' && typeof lookup(e.name) === 'number';
  if (e.kind === 'unary') return isConstant(e.operand, lookup);
  if (e.kind === 'binary') return isConstant(e.left, lookup) && isConstant(e.right, lookup);
  return false;
}

/**
 * Each run's mean over all elements of `e` (what the term's scalar is), [K]. The mean is linear and insensitive
 * to broadcasting, so sums, differences and constant factors split into their parts; a full mean/sum is done per
 * run on its argument; any other value must be per sample (leading axis K·B).
 */
function perRunMean(env: Env, e: Expr, K: number, KB: number, label: string): Tensor {
  const { tf } = env;
  const full = fullReduction(e);
  if (full) {
    const rows = perRunRows(env, full.inner, K, KB, label);
    return full.reduce === 'mean' ? tf.mean(rows, 1) : tf.sum(rows, 1);
  }
  if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) {
    const l = perRunMean(env, e.left, K, KB, label);
    const r = perRunMean(env, e.right, K, KB, label);
    return e.op === '+' ? tf.add(l, r) : tf.sub(l, r);
  }
  if (e.kind === 'unary' && (e.op === '-' || e.op === '+')) {
    const v = perRunMean(env, e.operand, K, KB, label);
    return e.op === '-' ? tf.neg(v) : v;
  }
  if (e.kind === 'binary' && (e.op === '*' || e.op === '/')) {
    const constRight = isConstant(e.right, env.lookup);
    if (constRight || (e.op === '*' && isConstant(e.left, env.lookup))) {
      const c = evaluate(env, constRight ? e.right : e.left);
      if (typeof c === 'number') {
        const v = perRunMean(env, constRight ? e.left : e.right, K, KB, label);
        return e.op === '*' ? tf.mul(v, c) : tf.div(v, c);
      }
    }
  }
  if (e.kind === 'call' || e.kind === 'method') {
    // A library loss that reduces over the batch itself (F.mse_loss, tf.losses.*, a Keras loss object) gives its
    // values unreduced, and each run's part is reduced as the loss would have reduced it.
    let deferred: { values: Tensor; reduce: 'mean' | 'sum'; denominator?: Tensor } | undefined;
    const to: DeferReduction = (values, reduce, denominator) => {
      deferred = { values, reduce, ...(denominator ? { denominator } : {}) };
      return values;
    };
    const v = evaluate({ ...env, defer: { node: e, to } }, e);
    if (deferred) {
      if (v !== deferred.values) throw new NotBatchableError(`term '${label}' reduces over the batch inside its expression`);
      const rows = perRunRowsOf(tf, deferred.values, K, KB, label);
      if (deferred.reduce === 'sum') return tf.sum(rows, 1);
      if (!deferred.denominator) return tf.mean(rows, 1);
      return tf.div(tf.sum(rows, 1), tf.sum(perRunRowsOf(tf, deferred.denominator, K, KB, label), 1));
    }
    return perRunValue(tf, v, K, KB, label);
  }
  return perRunValue(tf, evaluate(env, e), K, KB, label);
}

/** Each run's mean of a value that is a plain number or per sample. */
function perRunValue(tf: Tf, v: Value, K: number, KB: number, label: string): Tensor {
  if (typeof v === 'number') return tf.fill([K], v);
  return tf.mean(perRunRowsOf(tf, v, K, KB, label), 1);
}

/** A per-sample value of `e` as [K, everything else]. */
function perRunRows(env: Env, e: Expr, K: number, KB: number, label: string): Tensor {
  return perRunRowsOf(env.tf, evaluate(env, e), K, KB, label);
}

function perRunRowsOf(tf: Tf, v: Value, K: number, KB: number, label: string): Tensor {
  const t = asTensor(tf, v);
  if (!t || t.rank === 0 || t.shape[0] !== KB) throw new NotBatchableError(`term '${label}' is reduced over the batch inside its expression`);
  return tf.reshape(asFloat(tf, t), [K, -1]);
}

const sameValue = (a: Value | undefined, b: Value | undefined): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** Each run's sign·weight of `term`: numbers only (a weight computed from tensors is not batchable). */
function runWeights(tf: Tf, model: LossModel, term: Term, lookups: Array<(n: string) => Value | undefined>, options: CompileOptions[]): number[] {
  return lookups.map((lookup, k) => {
    const plain = plainWeight(term, optionsFor(model, options[k] ?? {}));
    if (plain !== undefined || !term.weight) return plain ?? term.sign;
    let w: Value;
    try {
      w = evaluate({ tf, ops: opTables[model.framework], yTrue: null, yPred: null, lookup }, term.weight);
    } catch {
      throw new NotBatchableError(`the weight of term '${term.label}' depends on the tensors`);
    }
    if (typeof w !== 'number') throw new NotBatchableError(`the weight of term '${term.label}' is not a number`);
    return term.sign * w;
  });
}

/**
 * K runs' losses in one evaluation. `runBindings[k]`/`runOptions[k]` are what `compileLoss` would get for run k.
 * Throws NotBatchableError when the loss's weights are not plain numbers; the returned function throws it when a
 * term turns out not to be per-sample or reads a hyper-parameter that differs between runs.
 */
export function compileBatchedLoss(tf: Tf, model: LossModel, runBindings: Record<string, number>[], runOptions: CompileOptions[]): BatchedLoss {
  const ops = opTables[model.framework];
  if (!ops) throw new NotBatchableError(`framework '${String(model.framework)}'`);
  // Each run has its own parameters: a sum over them is per run, not per sample.
  if (readsModelWeights(model)) throw new NotBatchableError("the loss reads the model's parameters, which differ between runs");
  if (buildsLayers(model)) throw new NotBatchableError('the loss builds layers of its own, whose weights differ between runs');
  const K = runBindings.length;
  const lookups = runBindings.map((b) => makeLookup(model, b));
  const terms = termsOf(model).map((term) => ({ term, weights: runWeights(tf, model, term, lookups, runOptions) }));
  const nextSeed = seedStream();
  const outside = outsideValues(model);
  // Term expressions are evaluated once, with run 0's hyper-parameters: each name they read must be the same in
  // every run (a λ inside an expression, not as its weight, differs).
  const lookup = (name: string): Value | undefined => {
    const v = lookups[0]!(name);
    for (let k = 1; k < K; k++) {
      if (!sameValue(lookups[k]!(name), v)) throw new NotBatchableError(`'${name}' differs between runs and is used inside a term`);
    }
    return v;
  };
  return (yTrueIn, yPredIn) =>
    tf.tidy(() => {
      const B = yTrueIn.shape[0]!;
      if (yPredIn.shape[0] !== K || yPredIn.shape[1] !== B) throw new NotBatchableError(`predictions [${yPredIn.shape}] for ${K} runs of ${B} samples`);
      const folded = tf.reshape(yPredIn, [K * B, ...yPredIn.shape.slice(2)]);
      // K copies one after another: a concat (wasm: ~15 µs for 8 × [64, 10]) rather than tf.tile (~180 µs).
      const tiled = tf.concat(Array.from({ length: K }, () => yTrueIn));
      const [yTrue, yPred] = model.framework === 'keras' ? kerasAligned(tf, tiled, folded) : [tiled, folded];
      const env: Env = { tf, ops, yTrue, yPred, lookup, nextSeed, noValue: (name) => noValueReason(model, name), ...(outside ? { outside } : {}) };
      const values: BatchedLossValues['terms'] = {};
      const all: Tensor[] = [];
      const base: Tensor[] = [];
      for (const { term, weights } of terms) {
        const raw = perRunMean(env, term.expr, K, K * B, term.label);
        const same = weights.every((w) => w === weights[0]);
        const weighted = tf.mul(raw, same ? weights[0]! : tf.tensor1d(weights));
        values[term.id] = { raw, weighted };
        all.push(weighted);
        if (term.role === 'base') base.push(weighted);
      }
      const sumOf = (xs: Tensor[]): Tensor => (xs.length === 0 ? tf.zeros([K]) : xs.length === 1 ? tf.clone(xs[0]!) : tf.addN(xs));
      return { total: sumOf(all), original: sumOf(base), terms: values } as never;
    }) as unknown as BatchedLossValues;
}
