// What kind of data a loss wants, read from its base term's callees by a table: the synthetic task, and whether
// the targets are one-hot rows or class indices (sparse cross-entropy, PyTorch's F.cross_entropy / nll_loss).
// Shared by the trial spec (src/trial) and the trainer's data preparation.
import type { Expr, LossModel } from '../../analysis/ir';
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
    pattern: /^binary_?cross_?entropy(_with_logits)?$|^bce(_?with_?logits)?(_?loss)?$|^sigmoid_?cross_?entropy$|^log_?loss$|^hinge/i,
    task: 'binary',
    encoding: 'onehot',
  },
  {
    pattern: /^(mean_?squared_?error|mse|mse_?loss|mean_?absolute_?error|mae|l1_?loss|huber(_?loss)?|smooth_?l1_?loss|absolute_?difference)$/i,
    task: 'regression',
    encoding: 'onehot',
  },
];

/** Regression data a constraint on the outputs has something to fight in: targets past its bounds, or at zero. */
function regressionFor(loss: LossModel): SyntheticTask {
  const kinds = new Set(loss.terms.map((t) => t.constraint?.kind));
  return kinds.has('bounds') ? 'bounded-regression' : kinds.has('non-negativity') ? 'non-negative-regression' : 'regression';
}

export function lossTask(loss: LossModel): LossTask {
  const bases = loss.terms.filter((t) => t.role === 'base');
  for (const term of bases.length ? bases : loss.terms) {
    for (const callee of callees(term.expr)) {
      const last = callee.split('.').pop() ?? callee;
      const hit = calleeTasks.find((row) => row.pattern.test(last));
      if (!hit) continue;
      return { task: hit.task === 'regression' ? regressionFor(loss) : hit.task, encoding: hit.encoding, because: callee };
    }
  }
  return { task: regressionFor(loss), encoding: 'onehot' };
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
