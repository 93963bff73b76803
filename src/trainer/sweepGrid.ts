// A sweep's grid (src/sweep/grid.ts) from the untrained model: the base loss and the penalties' raw sum averaged
// over the first batches, with the same initial weights every run starts from (one run of the batched model).
import type { LossModel } from '../analysis/ir';
import type { SweepGrid, TrialSpec } from '../protocol/trainer';
import { sweepGrid } from '../sweep/grid';
import type { Tf } from './backend';
import { BatchSampler } from './batches';
import type { TrialData } from './data';
import { compileLoss } from './interpreter';
import type { OutputActivation } from './model';
import { runLosses } from './runLoss';
import { shapedLosses } from './shapedLoss';
import { probeExtras, trialLosses, trialModel } from './trialModel';

/** Batches averaged: enough to smooth one unlucky batch, few enough to cost a few milliseconds. */
const PROBE_BATCHES = 4;

export function measureGrid(tf: Tf, spec: TrialSpec, data: TrialData, activation: OutputActivation, readsWeights: boolean): SweepGrid {
  const sweep = spec.sweep!;
  const loss0 = spec.loss as LossModel;
  const trial = trialModel(tf, loss0, { runs: 1, inputs: data.train.features, hidden: spec.model.hidden, outputs: data.train.outputs, activation, seed: spec.seed }, data);
  const { model } = trial;
  const withWeights = readsWeights || trial.readsArgWeights;
  try {
    const probeLosses = runLosses(tf, loss0, [{ id: 'probe', label: '', lambda: 1 }], spec.params, compileLoss);
    const [loss] = trialLosses(tf, loss0, shapedLosses(tf, probeLosses, data.sampleShape), trial);
    const penalties = spec.loss.terms.filter((t) => t.role === 'penalty').map((t) => t.id);
    const sampler = new BatchSampler(data.train, spec.batchSize, spec.seed);
    const yShape = (n: number): number[] => (data.encoding === 'index' ? [n] : [n, data.train.targets]);
    let base = 0;
    let penalty = 0;
    for (let b = 0; b < PROBE_BATCHES; b++) {
      const batch = sampler.next();
      const [l, p] = tf.tidy(() => {
        const x = tf.tensor2d(batch.x, [batch.size, data.train.features]);
        const y = tf.tensor(batch.y, yShape(batch.size));
        const out = loss!(y, model.predictions(x)[0]!, probeExtras(tf, trial, x, 0, withWeights));
        const raw = penalties.map((id) => out.terms[id]?.raw).filter((t) => t !== undefined);
        return [tf.abs(out.original), raw.length > 0 ? tf.abs(tf.addN(raw)) : tf.scalar(0)];
      });
      base += l!.dataSync()[0]! / PROBE_BATCHES;
      penalty += p!.dataSync()[0]! / PROBE_BATCHES;
      tf.dispose([l!, p!]);
    }
    return sweepGrid(base, penalty, sweep.codeLambda, sweep);
  } finally {
    model.dispose();
  }
}
