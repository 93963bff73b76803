// What kind of data a loss wants, read from its base term's callees by a table: the synthetic task, and whether
// the targets are one-hot rows or class indices (sparse cross-entropy, PyTorch's F.cross_entropy / nll_loss).
// Shared by the trial spec (src/trial) and the trainer's data preparation.
import type { Expr, LossModel } from '../../analysis/ir';
import { nodesOf, some } from '../../analysis/terms/expr';
import { targetOneHot } from './oneHot';
import type { SyntheticTask, TargetEncoding } from './synthetic';

export interface LossTask {
  task: SyntheticTask;
  encoding: TargetEncoding;
  /** The callee that decided it, for the report. */
  because?: string;
}

/**
 * Matched against the last dotted segment of each callee of the base term(s), first hit wins: functions
 * (`F.cross_entropy`, `tf.keras.losses.mse`, `tf.losses.softmaxCrossEntropy`) and loss classes called as objects
 * (`nn.CrossEntropyLoss()(…)`, `tf.keras.losses.CategoricalCrossentropy()(…)`).
 */
const calleeTasks: ReadonlyArray<{ pattern: RegExp; task: SyntheticTask; encoding: TargetEncoding }> = [
  { pattern: /^sparse_?categorical_?cross_?entropy$|^cross_?entropy(_?loss)?$|^nll_?loss$/i, task: 'classification', encoding: 'index' },
  { pattern: /^categorical_?cross_?entropy$|^softmax_?cross_?entropy|^kl_?div(ergence)?(_?loss)?$|^kld$/i, task: 'classification', encoding: 'onehot' },
  {
    // TF's `sigmoid_cross_entropy_with_logits` and `weighted_cross_entropy_with_logits` (pos_weight) take 0/1 labels too
    pattern: /^binary_?cross_?entropy(_with_logits)?$|^bce(_?with_?logits)?(_?loss)?$|^(sigmoid|weighted)_?cross_?entropy(_with_logits)?$|^log_?loss$|^hinge/i,
    task: 'binary',
    encoding: 'onehot',
  },
  {
    pattern: /^(mean_?squared_?error|mse|mse_?loss|mean_?absolute_?error|mae|l1_?loss|huber(_?loss)?|smooth_?l1_?loss|absolute_?difference)$/i,
    task: 'regression',
    encoding: 'onehot',
  },
];

/**
 * Regression data a constraint on the outputs has something to fight in: targets past its bounds, or at zero; and
 * targets with exact zeros for a loss that tells them apart (`zero = (target == 0).float()`: a penalty on the cells
 * that should stay empty), which continuous targets never are.
 */
function regressionFor(loss: LossModel): SyntheticTask {
  const kinds = new Set(loss.terms.map((t) => t.constraint?.kind));
  if (kinds.has('bounds')) return 'bounded-regression';
  return kinds.has('non-negativity') || testsTargetForZero(loss) ? 'non-negative-regression' : 'regression';
}

const isTargetRef = (e: Expr): boolean => e.kind === 'name' && e.ref === 'yTrue';
const isZeroLiteral = (e: Expr): boolean => e.kind === 'number' && e.value === 0;

/** `target == 0`, `y_true != 0.0`, `tf.equal(y_true, 0)`: the loss tells its zero targets from the others. */
function testsTargetForZero(loss: LossModel): boolean {
  return some(loss.body, (e) => {
    const sides = e.kind === 'binary' && (e.op === '==' || e.op === '!=') ? [e.left, e.right] : e.kind === 'call' && /(^|\.)(equal|not_equal|notEqual)$/.test(e.callee) ? e.args : [];
    return sides.length === 2 && sides.some(isTargetRef) && sides.some(isZeroLiteral);
  });
}

export function lossTask(loss: LossModel): LossTask {
  // `softmaxCrossEntropy(tf.oneHot(yTrue, K), yPred)`: the loss encodes its targets itself, so they are indices
  const encoder = targetOneHot(loss);
  if (encoder) return { task: 'classification', encoding: 'index', because: encoder.callee };
  const indexing = targetAsIndex(loss);
  const bases = loss.terms.filter((t) => t.role === 'base');
  for (const term of bases.length ? bases : loss.terms) {
    for (const callee of callees(term.expr)) {
      const last = callee.split('.').pop() ?? callee;
      const hit = calleeTasks.find((row) => row.pattern.test(last));
      if (!hit) continue;
      return { task: hit.task === 'regression' ? regressionFor(loss) : hit.task, encoding: hit.encoding, because: callee };
    }
  }
  if (indexing) return { task: 'classification', encoding: 'index', because: indexing };
  return { task: regressionFor(loss), encoding: 'onehot' };
}

/**
 * Ops whose index argument picks classes: the targets given there are class labels (a cross-entropy written by hand,
 * `soft.scatter_(1, labels.unsqueeze(1), 0.9)`, `log_p.gather(1, y[:, None])`, `F.one_hot(labels)`). Position of the
 * index among the call's arguments (a method's object is not counted).
 */
const indexArgument: Readonly<Record<string, { call: number; method: number }>> = {
  scatter: { call: 2, method: 1 },
  scatter_: { call: 2, method: 1 },
  gather: { call: 2, method: 1 },
  take_along_dim: { call: 1, method: 0 },
  one_hot: { call: 0, method: -1 },
};

/** The op that takes the targets as class indices, if one does (see indexArgument). */
function targetAsIndex(loss: LossModel): string | undefined {
  const yTrue = loss.params.find((p) => p.role === 'yTrue')?.name;
  if (!yTrue) return undefined;
  const readsTarget = (e: Expr | undefined): boolean => !!e && [...names(e)].includes(yTrue);
  for (const term of loss.terms.length > 0 ? loss.terms : [{ expr: loss.body }]) {
    for (const e of nodesOf(term.expr)) {
      if (e.kind !== 'call' && e.kind !== 'method') continue;
      const name = e.kind === 'call' ? (e.callee.split('.').pop() ?? '') : e.method;
      const at = indexArgument[name];
      if (!at) continue;
      const index = e.kind === 'call' ? (e.kwargs['index'] ?? e.args[at.call]) : (e.kwargs['index'] ?? e.args[at.method]);
      if (readsTarget(index)) return e.kind === 'call' ? e.callee : `.${e.method}`;
    }
  }
  return undefined;
}

function* names(e: Expr): Generator<string> {
  for (const n of nodesOf(e)) if (n.kind === 'name' && n.ref === 'yTrue') yield n.name;
}

/** The [lower, upper] of the first bounds constraint, for bounded-regression data. */
export function lossBounds(loss: LossModel): { lower: number; upper: number } | undefined {
  const c = loss.terms.find((t) => t.constraint?.kind === 'bounds')?.constraint;
  if (!c) return undefined;
  const lower = c.params['lower'] ?? c.params['lo'] ?? 0;
  const upper = c.params['upper'] ?? c.params['hi'] ?? 1;
  return lower < upper ? { lower, upper } : undefined;
}

function* callees(e: Expr): Generator<string> {
  switch (e.kind) {
    case 'call':
      yield e.callee;
      for (const a of [...e.args, ...Object.values(e.kwargs)]) yield* callees(a);
      break;
    case 'method':
      yield e.method;
      for (const a of [e.object, ...e.args, ...Object.values(e.kwargs)]) yield* callees(a);
      break;
    case 'binary':
      yield* callees(e.left);
      yield* callees(e.right);
      break;
    case 'unary':
      yield* callees(e.operand);
      break;
    case 'conditional':
      for (const a of [e.test, e.then, e.else]) yield* callees(a);
      break;
    case 'attr':
    case 'subscript':
      yield* callees(e.object);
      break;
    case 'tuple':
      for (const a of e.items) yield* callees(a);
      break;
    case 'loop':
      yield* callees(e.iterable);
      yield* callees(e.body);
      break;
    default:
      break;
  }
}
