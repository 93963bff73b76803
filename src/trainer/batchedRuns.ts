// The K runs' losses as one batched evaluation (see interpreter/batched.ts), used when it is exact for this loss:
// the interpreter accepts it and a probe on real rows gives the same numbers as the runs' own losses, with each
// run's predictions made different so that anything mixing samples across runs shows. Otherwise the
// trainer keeps one loss per run, and says why.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossModel } from '../analysis/ir';
import type { RunSpec } from '../protocol/trainer';
import type { Tf } from './backend';
import { type BatchedLoss, compileBatchedLoss, NotBatchableError } from './interpreter';
import { type LossFn, runCompileArgs } from './runLoss';

export type BatchedChoice = { loss: BatchedLoss } | { reason: string };

/** Relative tolerance of the probe (float32 sums in a different order). */
const TOLERANCE = 1e-4;

export function batchedRunLoss(
  tf: Tf,
  loss: LossModel,
  runs: RunSpec[],
  params: Record<string, number>,
  perRun: LossFn[],
  probe: { yTrue: Tensor; yPred: Tensor },
): BatchedChoice {
  if (runs.length < 2) return { reason: 'one run' };
  let batched: BatchedLoss;
  try {
    const args = runs.map((r) => runCompileArgs(loss, r, params));
    batched = compileBatchedLoss(tf, loss, args.map((a) => a.bindings), args.map((a) => a.options));
    const mismatch = tf.tidy(() => compare(tf, batched, perRun, probe.yTrue, probe.yPred));
    return mismatch ? { reason: mismatch } : { loss: batched };
  } catch (e) {
    if (e instanceof NotBatchableError) return { reason: e.message };
    return { reason: e instanceof Error ? e.message : String(e) };
  }
}

/** Undefined when the batched loss matches each run's own loss on predictions that differ from run to run. */
function compare(tf: Tf, batched: BatchedLoss, perRun: LossFn[], yTrue: Tensor, pred: Tensor): string | undefined {
  const n = pred.shape[0]!;
  const K = perRun.length;
  // Run k: row i blended with the row k further on by a weight that grows with i. A convex mix stays in the
  // predictions' domain (e.g. probabilities); the weight varies by row so that batch statistics (means, spreads)
  // differ between runs too, not only the row order.
  const shape = [n, ...pred.shape.slice(1).map(() => 1)];
  const preds = perRun.map((_, k) => {
    const a = tf.tensor(Array.from({ length: n }, (_, i) => ((k / K) * (i + 1)) / (n + 1)), shape);
    const other = tf.gather(pred, Array.from({ length: n }, (_, i) => (i + k) % n));
    return tf.add(tf.mul(pred, tf.sub(1, a)), tf.mul(other, a));
  });
  const together = batched(yTrue, tf.stack(preds));
  const want: number[][] = [];
  const got: number[][] = [];
  preds.forEach((p, k) => {
    const own = perRun[k]!(yTrue, p);
    const ids = Object.keys(own.terms);
    want.push([own.total, own.original, ...ids.flatMap((id) => [own.terms[id]!.raw, own.terms[id]!.weighted])].map((t) => t.dataSync()[0]!));
    got.push(
      [together.total, together.original, ...ids.flatMap((id) => [together.terms[id]?.raw, together.terms[id]?.weighted])].map(
        (t) => (t ? t.dataSync()[k]! : Number.NaN),
      ),
    );
  });
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < want[k]!.length; i++) {
      const a = want[k]![i]!;
      const b = got[k]![i]!;
      if (!Number.isFinite(a) && !Number.isFinite(b)) continue;
      if (!(Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a)))) return `the loss mixes samples across runs (run ${k}: ${b} instead of ${a})`;
    }
  }
  return undefined;
}
