import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendBounded, compactHistory, MAX_SAVED_POINTS, pointsIn } from '../../../src/editor/training/history';
import type { HostToWebview, StepMetrics, TrainerToHost } from '../../../src/protocol';
import { toCsv } from '../../../webview/panel/csv';
import { decimate } from '../../../webview/panel/decimate';
import { PanelModel } from '../../../webview/panel/model';
import { chartSpecs, pointCount } from '../../../webview/panel/series';
import { DrawnSeries, ema } from '../../../webview/panel/smoothing';
import { summaryRows, textSummary, tradeoffPoints, violationHeading } from '../../../webview/panel/summary';

const started: TrainerToHost = {
  type: 'started', backend: 'cpu', backendReason: 'tfjs-node not installed; wasm disabled', outputActivation: 'softmax',
  dataset: { description: 'synthetic blobs', trainSamples: 800, valSamples: 200, features: 8, outputs: 4 },
  runs: [{ id: 'lambda-0', label: 'λ = 0', lambda: 0 }, { id: 'lambda-1', label: 'λ = 1 (code)', lambda: 1 }],
  terms: [
    { id: 't0', role: 'base', label: 'cross_entropy' },
    { id: 't1', role: 'penalty', label: 'sum_penalty', constraint: 'sum-to-one' },
  ],
  steps: 100,
};

function point(runId: string, step: number, total: number, original: number, raw: number, violation: number): StepMetrics {
  return { runId, step, total, original, terms: { t1: { raw, weighted: raw } }, violations: { t1: violation } };
}

const trainer = (message: TrainerToHost): HostToWebview => ({ type: 'trainer', message });

function trained(): PanelModel {
  const m = new PanelModel();
  m.apply({ type: 'reset', title: 'constrained_loss (a.py:3)' });
  m.apply(trainer({ type: 'ready', pid: 4242 }));
  m.apply(trainer(started));
  m.apply(trainer({ type: 'metrics', stepsPerSecond: 50, points: [point('lambda-0', 0, 2, 2, 0.5, 0.5), point('lambda-1', 0, 2.5, 2, 0.5, 0.5)] }));
  m.apply(trainer({ type: 'metrics', stepsPerSecond: 60, points: [point('lambda-0', 1, 1.5, 1.5, 0.6, 0.6), point('lambda-1', 1, 1.9, 1.7, 0.2, 0.2)] }));
  return m;
}

describe('PanelModel', () => {
  it('builds step-indexed series per run from metrics batches', () => {
    const m = trained();
    assert.equal(m.status, 'running');
    assert.equal(m.pid, 4242);
    assert.equal(m.length, 2);
    assert.deepEqual(m.run('lambda-1')?.total, [2.5, 1.9]);
    assert.deepEqual(m.run('lambda-1')?.violation.t1, [0.5, 0.2]);
    assert.deepEqual(m.run('lambda-0')?.lambda, [0, 0]);
    assert.equal(m.stepsPerSecond, 60);
    assert.deepEqual(m.progress, { step: 2, steps: 100 });
  });

  it('keeps a non-finite value as a gap instead of breaking the chart', () => {
    const m = trained();
    m.apply(trainer({ type: 'metrics', stepsPerSecond: 60, points: [point('lambda-0', 3, Number.NaN, 1, 0.1, 0.1)] }));
    assert.deepEqual(m.run('lambda-0')?.total, [2, 1.5, null, null]);
    assert.equal(m.length, 4);
  });

  it('ignores points of a run it does not know', () => {
    const m = trained();
    m.apply(trainer({ type: 'metrics', stepsPerSecond: 1, points: [point('nope', 7, 1, 1, 1, 1)] }));
    assert.equal(m.length, 2);
  });

  it('ends with a summary per run and a trade-off point per λ', () => {
    const m = trained();
    const final0 = point('lambda-0', 99, 0.2, 0.2, 0.4, 0.4);
    const final1 = point('lambda-1', 99, 0.35, 0.3, 0.05, 0.05);
    const summary = (runId: string, lambda: number, final: StepMetrics) => ({
      runId, lambda, steps: 100, final, bestStep: 97, bestTotal: final.total, stepsPerSecond: 55, wallSeconds: 2, status: 'completed' as const,
    });
    m.apply(trainer({ type: 'done', summaries: [summary('lambda-0', 0, final0), summary('lambda-1', 1, final1)], wallSeconds: 2 }));
    assert.equal(m.status, 'done');
    const rows = summaryRows(m);
    assert.deepEqual(rows.map((r) => [r.label, r.finalOriginal, r.finalViolation, r.bestStep]), [
      ['λ = 0', 0.2, 0.4, 97],
      ['λ = 1 (code)', 0.3, 0.05, 97],
    ]);
    // Sorted by violation for the x axis: λ=1 (0.05) before λ=0 (0.4).
    assert.deepEqual(tradeoffPoints(m).map((p) => [p.lambda, p.violation, p.original]), [[1, 0.05, 0.3], [0, 0.4, 0.2]]);
    assert.match(textSummary(m), /finished after 100 of 100 steps/);
    assert.match(textSummary(m), /λ = 1 \(code\): original loss 0\.3000, violation 0\.0500/);
  });

  it("names the summary's violation column after the measured metric, or says it holds raw penalties", () => {
    assert.equal(violationHeading(trained()), 'Final violation (mean |Σp − 1|)');
    // A penalty Loss Lab did not recognise has no violation metric: the column holds its raw P and says so.
    const unmeasured = new PanelModel();
    unmeasured.apply(trainer({ ...started, terms: [started.terms[0]!, { id: 't1', role: 'penalty', label: 'custom' }] } as TrainerToHost));
    unmeasured.apply(trainer({ type: 'metrics', stepsPerSecond: 50, points: [{ runId: 'lambda-0', step: 0, total: 1, original: 1, terms: { t1: { raw: 0.5, weighted: 0 } }, violations: {} }] }));
    assert.equal(violationHeading(unmeasured), 'Final penalty P');
  });

  it('shows how far a stopped trial got, not its planned steps', () => {
    const m = trained();
    const summary = (runId: string, lambda: number) => ({
      runId, lambda, steps: 2, final: point(runId, 1, 1, 1, 0.1, 0.1), bestStep: 1, bestTotal: 1, stepsPerSecond: 50, wallSeconds: 0.1, status: 'stopped' as const,
    });
    m.apply(trainer({ type: 'done', summaries: [summary('lambda-0', 0), summary('lambda-1', 1)], wallSeconds: 0.1 }));
    assert.equal(m.status, 'stopped');
    assert.deepEqual(m.progress, { step: 2, steps: 100 });
    assert.match(textSummary(m), /stopped after 2 of 100 steps/);
  });

  it('reports a fatal error and a crashed trainer, but not a crash after done', () => {
    const m = trained();
    m.apply(trainer({ type: 'error', kind: 'non-finite', message: 'total loss became NaN', step: 12, runId: 'lambda-1', fatal: false }));
    assert.equal(m.status, 'running');
    m.apply({ type: 'trainer-exit', code: null, signal: 'SIGKILL', message: 'The trainer process was killed (SIGKILL).' });
    assert.equal(m.status, 'crashed');
    assert.match(textSummary(m), /ended unexpectedly.*SIGKILL/);
    const done = new PanelModel();
    done.apply(trainer({ type: 'done', summaries: [], wallSeconds: 1 }));
    assert.equal(done.apply({ type: 'trainer-exit', code: 0, signal: null, message: 'exit' }), 'none');
  });

  it('restores exactly from its own state (what the serializer keeps)', () => {
    const m = trained();
    const restored = new PanelModel();
    restored.apply({ type: 'restore', state: JSON.parse(JSON.stringify(m.state())) });
    assert.equal(restored.title, m.title);
    assert.deepEqual(restored.run('lambda-1')?.raw, m.run('lambda-1')?.raw);
    assert.equal(restored.status, 'running');
  });

  it('starts over on reset', () => {
    const m = trained();
    m.apply({ type: 'reset', title: 'again' });
    assert.equal(m.runs.length, 0);
    assert.equal(m.history.length, 0);
    assert.equal(m.status, 'starting');
  });
});

describe('chartSpecs', () => {
  it('draws loss (total+original) and each penalty (P+violation) per run; λ only when some λ moves', () => {
    const m = trained();
    assert.deepEqual(chartSpecs(m).map((s) => s.key), ['loss', 'term:t1'], 'fixed λ: no flat λ chart');
    m.run('lambda-1')!.lambda[1] = 2; // a run whose λ changed during training
    const specs = chartSpecs(m);
    assert.deepEqual(specs.map((s) => s.key), ['loss', 'term:t1', 'lambda']);
    assert.deepEqual(specs[0].series.map((s) => s.label), ['λ = 0 total', 'λ = 0 original', 'λ = 1 (code) total', 'λ = 1 (code) original']);
    assert.deepEqual(specs[1].series.map((s) => [s.label, s.dashed]), [
      ['λ = 0 P', false], ['λ = 0 violation', true], ['λ = 1 (code) P', false], ['λ = 1 (code) violation', true],
    ]);
    assert.equal(specs[2].raw, true);
    assert.equal(specs[1].title, 'Constraint sum_penalty (sum-to-one): raw P (solid) and violation (dashed)');
  });
  it('says when the constraint is on an activation the loss applies itself', () => {
    const m = new PanelModel();
    const terms = started.type === 'started' ? started.terms.map((t) => (t.role === 'penalty' ? { ...t, constraintOn: 'sigmoid' as const } : t)) : [];
    m.apply(trainer({ ...started, terms } as TrainerToHost));
    assert.equal(chartSpecs(m)[1]!.title, 'Constraint sum_penalty (sum-to-one on sigmoid(outputs)): raw P (solid) and violation (dashed)');
  });
  it('counts points, not gaps', () => assert.equal(pointCount([1, null, 2, null]), 2));
});

describe('toCsv', () => {
  it('writes one row per run and step, quoting labels with commas', () => {
    const m = trained();
    m.runs[0].spec = { ...m.runs[0].spec, label: 'λ = 0, base' };
    const lines = toCsv(m).trim().split('\n');
    assert.equal(lines[0], 'run,lambda,step,total,original,sum_penalty P,sum_penalty violation');
    assert.equal(lines.length, 5);
    assert.equal(lines[1], '"λ = 0, base",0,0,2,2,0.5,0.5');
    assert.equal(lines[4], 'λ = 1 (code),1,1,1.9,1.7,0.2,0.2');
  });
});

describe('toCsv after the runs ended', () => {
  it("adds each run's sweep verdict: validation loss, feasible, front, recommended, per-constraint numbers, gradient ratios", () => {
    const m = trained();
    const withVal = (p: StepMetrics, val: number, v: number): StepMetrics => ({ ...p, valLoss: val, valOriginal: val, valTerms: { t1: v }, valViolations: { t1: v } });
    m.apply(trainer({ type: 'metrics', stepsPerSecond: 60, points: [withVal(point('lambda-0', 2, 1.2, 1.2, 0.6, 0.6), 1.1, 0.6), withVal(point('lambda-1', 2, 1.3, 1.25, 0.004, 0.004), 1.2, 0.005)] }));
    const summary = (runId: string, lambda: number) => ({ runId, lambda, steps: 3, final: null, bestStep: 2, bestTotal: 1, stepsPerSecond: 55, wallSeconds: 2, status: 'completed' as const });
    m.apply(trainer({ type: 'done', summaries: [summary('lambda-0', 0), summary('lambda-1', 1)], wallSeconds: 2 }));
    const [header, ...rows] = toCsv(m).trim().split('\n');
    assert.equal(
      header,
      'run,lambda,step,total,original,sum_penalty P,sum_penalty violation,val base loss,feasible,on front,recommended,sum_penalty final violation,sum_penalty epsilon,sum_penalty feasible share (last 20%),sum_penalty feasible from step,grad ratio start,grad ratio end',
    );
    const last = (label: string) => rows.filter((r) => r.startsWith(label)).at(-1)!.split(',');
    // λ = 1 ends within sum-to-one's ε (0.01) on the validation split, λ = 0 does not: λ = 1 is recommended
    assert.deepEqual(last('λ = 1').slice(7, 13), ['1.2', 'yes', 'yes', 'yes', '0.005', '0.01']);
    assert.deepEqual(last('λ = 0,').slice(7, 13), ['1.1', 'no', 'yes', 'no', '0.6', '0.01']);
    // the verdict is the run's, on every one of its rows
    assert.ok(rows.filter((r) => r.startsWith('λ = 1')).every((r) => r.split(',')[8] === 'yes'));
  });
});

describe('smoothing and log scale', () => {
  it('EMA with debiasing starts at the first value and passes gaps through', () => {
    assert.deepEqual(ema([4, null, 4], 0.5), [4, null, 4]);
    const s = ema([0, 10], 0.5);
    assert.ok((s[1] ?? 0) > 5 && (s[1] ?? 0) < 10, `second value ${s[1]}`);
  });
  it('DrawnSeries computes only new points, drops non-positive values on a log scale and pads to length', () => {
    const d = new DrawnSeries();
    const src: (number | null)[] = [1, 0, 2];
    assert.deepEqual(d.get(src, 4, { smoothing: 0, log: true }), [1, null, 2, null]);
    src.push(3);
    assert.deepEqual(d.get(src, 4, { smoothing: 0, log: true }), [1, null, 2, 3]);
    assert.equal(d.points, 4);
    assert.deepEqual(d.get(src, 4, { smoothing: 0, log: false }), [1, 0, 2, 3]);
  });
});

describe('compactHistory', () => {
  const long = (): TrainerToHost[] => [
    started,
    ...Array.from({ length: 100 }, (_, k): TrainerToHost => ({
      type: 'metrics', stepsPerSecond: k,
      points: Array.from({ length: 10 }, (_, i) => [point('lambda-0', k * 10 + i, 1, 1, 0, 0), point('lambda-1', k * 10 + i, 2, 2, 0, 0)]).flat(),
    })),
    { type: 'run-ended', summary: { runId: 'lambda-0', lambda: 0, steps: 1000, final: null, bestStep: null, bestTotal: null, stepsPerSecond: 1, wallSeconds: 1, status: 'completed' } },
  ];
  it('leaves a small history as it is', () => {
    const h = long();
    assert.equal(compactHistory(h, 5000), h);
  });
  it('thins a long one to about the limit, keeping every run, its last step and the other messages in order', () => {
    const compact = compactHistory(long(), 500);
    // 2000 points over 500: every 4th step (250 per run) plus each run's last step (999).
    assert.equal(pointsIn(compact), 2 * (250 + 1));
    assert.deepEqual(compact.map((m) => m.type), ['started', 'metrics', 'run-ended']);
    const m = new PanelModel();
    for (const msg of compact) m.applyTrainer(msg);
    assert.equal(m.length, 1000);
    assert.equal(m.run('lambda-1')?.total[999], 2, 'the last step is kept');
    assert.equal(m.run('lambda-0')?.total[996], 1, 'every 4th step is kept');
    assert.equal(m.run('lambda-0')?.total[997], null, 'steps in between are thinned');
    assert.equal(m.stepsPerSecond, 99);
  });
  it('a trial appending past twice the cap compacts its kept history to the cap, and below it keeps every point', () => {
    const batch = (k: number): TrainerToHost => ({
      type: 'metrics', stepsPerSecond: 1,
      points: Array.from({ length: 1000 }, (_, i) => point('lambda-0', k * 1000 + i, 1, 1, 0, 0)),
    });
    let kept = { history: [started] as TrainerToHost[], keptPoints: 0 };
    const batches = (2 * MAX_SAVED_POINTS) / 1000;
    for (let k = 0; k < batches; k++) kept = appendBounded(kept.history, kept.keptPoints, batch(k));
    assert.equal(pointsIn(kept.history), 2 * MAX_SAVED_POINTS, 'at twice the cap nothing is thinned yet');
    kept = appendBounded(kept.history, kept.keptPoints, batch(batches));
    assert.ok(pointsIn(kept.history) <= MAX_SAVED_POINTS + 1, `compacted to about the cap (${pointsIn(kept.history)})`);
    assert.equal(kept.keptPoints, MAX_SAVED_POINTS);
    assert.deepEqual(kept.history.map((m) => m.type).slice(0, 2), ['started', 'metrics']);
  });
});

describe('decimate', () => {
  it('keeps each bucket\'s min and max in the order they occur, for all series on the same x', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7];
    const a = [5, 1, 9, 3, 2, 8, 0, 4];
    const b = [null, null, null, null, 1, null, 2, 3];
    const { xs: dx, ys } = decimate(xs, [a, b], 2);
    assert.deepEqual(dx, [0, 3, 4, 7]);
    assert.deepEqual(ys[0], [1, 9, 8, 0]);
    assert.deepEqual(ys[1], [null, null, 1, 3]);
  });
  it('keeps the global extremes of a long noisy series', () => {
    const n = 10_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const v = xs.map((i) => Math.sin(i / 7) + (i === 4321 ? 50 : 0));
    const { xs: dx, ys } = decimate(xs, [v], 800);
    assert.ok(dx.length <= 1600 && dx.length >= 1500, `${dx.length} points`);
    assert.equal(Math.max(...(ys[0] as number[])), Math.max(...v));
    assert.equal(Math.min(...(ys[0] as number[])), Math.min(...v));
  });
});
