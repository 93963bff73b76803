// A sweep's grid (src/sweep/grid.ts) from the untrained model: the base loss and the penalties' raw sum averaged
// over the first batches, with the same initial weights every run starts from (one run of the batched model).
import type { LossModel } from '../analysis/ir';
import { penaltyKnobs } from '../analysis/knobs';
import type { RunSpec, SweepGrid, TrialSpec } from '../protocol/trainer';
import { gridRuns, sweepGrid } from '../sweep/grid';
import { multiGrid } from '../sweep/multiGrid';
import type { Tf } from './backend';
import { BatchSampler } from './batches';
import { type TrialData, targetTensorShape } from './data';
import { compileLoss } from './interpreter';
import type { OutputActivation } from './model';
import { runLosses } from './runLoss';
import { shapedLosses } from './shapedLoss';
import { probeExtras, trialLosses, trialModel } from './trialModel';

/** Batches averaged: enough to smooth one unlucky batch, few enough to cost a few milliseconds. */
const PROBE_BATCHES = 4;

/** Mean |L_original|, |ΣP| and each penalty's mean raw P over the first batches of the untrained model. */
interface Probe {
  base: number;
  penalty: number;
  terms: Record<string, number>;
}

function probeLosses(tf: Tf, spec: TrialSpec, data: TrialData, activation: OutputActivation, readsWeights: boolean): Probe {
  const loss0 = spec.loss as LossModel;
  const trial = trialModel(tf, loss0, { runs: 1, inputs: data.train.features, hidden: spec.model.hidden, outputs: data.train.outputs, activation, seed: spec.seed }, data);
  const { model } = trial;
  const withWeights = readsWeights || trial.readsArgWeights;
  try {
    const probeLosses = runLosses(tf, loss0, [{ id: 'probe', label: '', lambda: 1 }], spec.params, compileLoss);
    const [loss] = trialLosses(tf, loss0, shapedLosses(tf, probeLosses, data.sampleShape), trial);
    const penalties = spec.loss.terms.filter((t) => t.role === 'penalty').map((t) => t.id);
    const sampler = new BatchSampler(data.train, spec.batchSize, spec.seed);
    const yShape = (n: number): number[] => targetTensorShape(data, n);
    const probe: Probe = { base: 0, penalty: 0, terms: Object.fromEntries(penalties.map((id) => [id, 0])) };
    for (let b = 0; b < PROBE_BATCHES; b++) {
      const batch = sampler.next();
      const values = tf.tidy(() => {
        const x = tf.tensor2d(batch.x, [batch.size, data.train.features]);
        const y = tf.tensor(batch.y, yShape(batch.size));
        const out = loss!(y, model.predictions(x)[0]!, probeExtras(tf, trial, x, 0, withWeights));
        const raw = penalties.map((id) => out.terms[id]?.raw ?? tf.scalar(Number.NaN));
        return tf.stack([out.original, ...raw]);
      });
      const [l, ...raws] = values.dataSync();
      values.dispose();
      const measured = raws.filter((v) => !Number.isNaN(v));
      probe.base += Math.abs(l!) / PROBE_BATCHES;
      probe.penalty += Math.abs(measured.reduce((s, v) => s + v, 0)) / PROBE_BATCHES;
      penalties.forEach((id, i) => { probe.terms[id]! += raws[i]! / PROBE_BATCHES; });
    }
    return probe;
  } finally {
    model.dispose();
  }
}

/**
 * A sweep's grid and runs: one λ (the grid of grid.ts, with the fixed runs), or, when the loss has several penalty
 * λs, the runs of multiGrid (each knob centred on |L| / its own |P|).
 */
export function planSweep(tf: Tf, spec: TrialSpec, data: TrialData, activation: OutputActivation, readsWeights: boolean): { grid: SweepGrid; runs: RunSpec[] } {
  const sweep = spec.sweep!;
  const knobs = penaltyKnobs(spec.loss as LossModel);
  const probe = probeLosses(tf, spec, data, activation, readsWeights);
  if (knobs.length < 2) {
    const grid = sweepGrid(probe.base, probe.penalty, sweep.codeLambda, sweep);
    return { grid, runs: gridRuns(grid, spec.runs) };
  }
  const measured = knobs.map((knob) => ({ knob, penalty: Math.abs(knob.terms.reduce((s, id) => s + (probe.terms[id] ?? 0), 0)) }));
  return multiGrid(probe.base, measured, sweep, sweep.multiPenalty ?? 'oneAtATime', sweep.penalties);
}
