// The panel's answer after a sweep over two penalty λs: the started message carries each run's λs and the grid
// of each penalty, the recommendation names both, each constraint has its own front, and "Use" sends both λs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostToWebview, type StepMetrics, type TrainerToHost, WebviewToHost } from '../../../src/protocol';
import { toCsv } from '../../../webview/panel/csv';
import { frontAxisLabel, frontPoints } from '../../../webview/panel/frontPoints';
import { PanelModel } from '../../../webview/panel/model';

const runs = [
  { id: 'a', label: 'lam_sum = 0, lam_neg = 1', lambda: 0, lambdas: { lam_sum: 0, lam_neg: 1 } },
  { id: 'b', label: 'lam_sum = 0.1, lam_neg = 1 (code)', lambda: 0.1, lambdas: { lam_sum: 0.1, lam_neg: 1 } },
  { id: 'c', label: 'lam_sum = 10, lam_neg = 1', lambda: 10, lambdas: { lam_sum: 10, lam_neg: 1 } },
  { id: 'd', label: 'lam_sum = 10, lam_neg = 30', lambda: 30, lambdas: { lam_sum: 10, lam_neg: 30 } },
];
const axis = (id: string, values: number[]) => ({ id, label: id, values, centre: 1, penalty: 1, reason: '|L| / |P| = 1 / 1' });
const started: TrainerToHost = {
  type: 'started', backend: 'cpu', backendReason: 'test', outputActivation: 'linear',
  dataset: { description: 'synthetic', trainSamples: 800, valSamples: 200, features: 8, outputs: 4 },
  runs,
  terms: [
    { id: 't0', role: 'base', label: 'mse' },
    { id: 't1', role: 'penalty', label: 'sum_penalty', constraint: 'sum-to-one' },
    { id: 't2', role: 'penalty', label: 'neg_penalty', constraint: 'non-negativity' },
  ],
  steps: 1,
  grid: { values: [0, 0.1, 10], centre: 1, base: 1, penalty: 2, reason: "each penalty's λ in turn", mode: 'oneAtATime', penalties: [axis('lam_sum', [0, 0.1, 10]), axis('lam_neg', [1, 30])] },
};

/** Final validation point: base loss and the two violations. */
const last = (runId: string, loss: number, sum: number, neg: number): StepMetrics => ({
  runId, step: 0, total: 1, original: loss, terms: { t1: { raw: sum, weighted: 0 }, t2: { raw: neg, weighted: 0 } }, violations: { t1: sum, t2: neg },
  valLoss: 1, valOriginal: loss, valTerms: { t1: sum, t2: neg }, valViolations: { t1: sum, t2: neg },
});

/** One CSV line's cells (quoted cells may hold commas; "" is a quote). */
const csvRow = (line: string): string[] => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));

/** The panel after the four runs ended, each with one final point. */
function endedSweep(): PanelModel {
  const m = new PanelModel();
  m.apply({ type: 'reset', title: 'loss (a.py:3)', sweep: { tolerance: 0.01 } });
  m.apply(HostToWebview.parse({ type: 'trainer', message: started }));
  m.apply({ type: 'trainer', message: { type: 'metrics', stepsPerSecond: 1, points: [last('a', 0.1, 0.5, 0.2), last('b', 0.2, 0.3, 0.2), last('c', 0.3, 0.005, 0.2), last('d', 0.4, 0.004, 0.001)] } });
  const summary = (runId: string) => ({ runId, lambda: 0, steps: 1, final: null, bestStep: null, bestTotal: null, stepsPerSecond: 1, wallSeconds: 1, status: 'completed' as const });
  m.apply({ type: 'trainer', message: { type: 'done', summaries: runs.map((r) => summary(r.id)), wallSeconds: 1 } });
  return m;
}

describe('panel: a sweep over two penalty λs', () => {
  it('exports one CSV column per penalty λ, so a spreadsheet can plot against either', () => {
    const [header, ...rows] = toCsv(endedSweep()).trim().split('\n').map(csvRow);
    const sum = header.indexOf('lambda lam_sum');
    const neg = header.indexOf('lambda lam_neg');
    assert.ok(sum > 0 && neg > 0, header.join(','));
    const byRun = new Map(rows.map((r) => [r[0], [r[sum], r[neg]]]));
    assert.deepEqual(byRun.get('lam_sum = 10, lam_neg = 30'), ['10', '30']);
    assert.deepEqual(byRun.get('lam_sum = 0, lam_neg = 1'), ['0', '1']);
  });

  it('recommends both λs, keeps a front per constraint, and the use-lambda message carries them', () => {
    const result = endedSweep().sweepResult();
    assert.equal(result.recommendation?.headline, 'Use lam_sum = 10, lam_neg = 30: feasible, validation base loss 0.4');
    assert.deepEqual(result.fronts, { t1: ['d', 'c', 'b', 'a'], t2: ['d', 'a'] });
    const use = WebviewToHost.parse({ type: 'use-lambda', lambda: result.recommendation!.lambda, lambdas: result.recommendation!.lambdas });
    assert.deepEqual(use, { type: 'use-lambda', lambda: 30, lambdas: [{ id: 'lam_sum', label: 'lam_sum', value: 10 }, { id: 'lam_neg', label: 'lam_neg', value: 30 }] });
  });

  it("draws each constraint's own front on its own axis, feasible by that constraint alone", () => {
    const result = endedSweep().sweepResult();
    const overall = frontPoints(result);
    assert.deepEqual(overall.filter((p) => p.onFront).map((p) => p.runId), ['d', 'c', 'b', 'a']);
    const neg = frontPoints(result, 't2');
    assert.deepEqual(neg.map((p) => [p.runId, p.violation, p.feasible, p.onFront]), [
      ['d', 0.001, true, true],
      ['a', 0.2, false, true],
      ['b', 0.2, false, false],
      ['c', 0.2, false, false],
    ]);
    const sum = frontPoints(result, 't1');
    assert.deepEqual(sum.filter((p) => p.feasible).map((p) => p.runId), ['d', 'c']);
    assert.equal(frontAxisLabel(result, 't2'), 'violation of neg_penalty (validation)');
    assert.equal(frontAxisLabel(result), 'violation / ε (worst) (validation)');
  });
});
