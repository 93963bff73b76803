// The panel judges ended runs as a sweep, as the CLI does: the answer (recommendation, front) appears only when the
// runs end, uses the tolerance the host sends, and survives a restore from the saved state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostToWebview, StepMetrics, TrainerToHost } from '../../../src/protocol';
import { PanelModel } from '../../../webview/panel/model';
import { useLog } from '../../../webview/panel/sweepView';

const started: TrainerToHost = {
  type: 'started', backend: 'cpu', backendReason: 'test', outputActivation: 'softmax',
  dataset: { description: 'synthetic blobs', trainSamples: 800, valSamples: 200, features: 8, outputs: 4 },
  runs: [{ id: 'lambda-0', label: 'λ = 0', lambda: 0 }, { id: 'lambda-3', label: 'λ = 3', lambda: 3 }],
  terms: [
    { id: 't0', role: 'base', label: 'cross_entropy' },
    { id: 't1', role: 'penalty', label: 'row_gap' },
  ],
  steps: 2,
  grid: { values: [0, 3], centre: 3, base: 1.5, penalty: 0.5, reason: '|L| / |P| = 1.5 / 0.5' },
};

/** A penalty without a recognised constraint: judged on its raw value against lossLab.sweep.tolerance. */
function point(runId: string, step: number, raw: number, val?: { loss: number; raw: number }): StepMetrics {
  const p: StepMetrics = { runId, step, total: 1, original: 1, terms: { t1: { raw, weighted: raw } }, violations: {} };
  if (val) Object.assign(p, { valLoss: val.loss + val.raw, valOriginal: val.loss, valTerms: { t1: val.raw }, valViolations: {} });
  return p;
}

const trainer = (message: TrainerToHost): HostToWebview => ({ type: 'trainer', message });

function sweep(tolerance: number): PanelModel {
  const m = new PanelModel();
  m.apply({ type: 'reset', title: 'loss (a.py:3)', sweep: { tolerance } });
  m.apply(trainer(started));
  m.apply(trainer({ type: 'metrics', stepsPerSecond: 50, points: [point('lambda-0', 0, 0.5), point('lambda-3', 0, 0.5)] }));
  m.apply(trainer({ type: 'metrics', stepsPerSecond: 50, points: [point('lambda-0', 1, 0.4, { loss: 0.7, raw: 0.4 }), point('lambda-3', 1, 0.03, { loss: 0.9, raw: 0.03 })] }));
  return m;
}

const summary = (runId: string) => ({ runId, lambda: 0, steps: 2, final: null, bestStep: null, bestTotal: null, stepsPerSecond: 1, wallSeconds: 1, status: 'completed' as const });

describe('panel: the sweep answer', () => {
  it('is not given while the runs train, then recommends the feasible λ under the host’s tolerance', () => {
    const m = sweep(0.05);
    assert.equal(m.sweepReady, false);
    m.apply(trainer({ type: 'done', summaries: [summary('lambda-0'), summary('lambda-3')], wallSeconds: 1 }));
    assert.equal(m.sweepReady, true);
    const result = m.sweepResult();
    assert.equal(result.recommendation?.lambda, 3);
    assert.equal(result.recommendation?.feasible, true);
    assert.deepEqual(result.front, ['lambda-3', 'lambda-0']);
  });

  it('a tighter tolerance turns the answer into "not met", and a restore keeps the tolerance', () => {
    const m = sweep(0.01);
    m.apply(trainer({ type: 'done', summaries: [summary('lambda-0'), summary('lambda-3')], wallSeconds: 1 }));
    assert.equal(m.sweepResult().recommendation?.feasible, false);
    const restored = new PanelModel();
    restored.apply({ type: 'restore', state: m.state() });
    assert.equal(restored.sweepTolerance, 0.01);
    assert.equal(restored.sweepResult().recommendation?.headline, m.sweepResult().recommendation?.headline);
    assert.equal(restored.started?.grid?.centre, 3);
  });

  it('log axes only when the values span two decades', () => {
    assert.equal(useLog([0.001, 0.5]), true);
    assert.equal(useLog([0.1, 0.5]), false);
    assert.equal(useLog([0, 0.5]), false);
  });
});

describe('panel: ε edited in the panel', () => {
  it('judges the runs again with the typed ε for every constraint, and a new trial forgets it', () => {
    const m = sweep(0.01);
    m.apply(trainer({ type: 'done', summaries: [summary('lambda-0'), summary('lambda-3')], wallSeconds: 1 }));
    assert.equal(m.sweepResult().recommendation?.feasible, false);
    m.sweepOverride = 0.05;
    const result = m.sweepResult();
    assert.equal(result.recommendation?.feasible, true);
    assert.equal(result.constraints[0]?.source, 'set for this sweep');
    m.apply({ type: 'reset', title: 'again' });
    assert.equal(m.sweepOverride, undefined);
  });
});
