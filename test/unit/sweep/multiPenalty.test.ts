// A loss with several penalty λs: each penalty is a knob; the sweep varies them one at a time around the code's
// values (default) or over a small grid of two, and the recommendation names every λ.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { penaltyKnobs, pickKnobs } from '../../../src/analysis/knobs';
import type { StepMetrics } from '../../../src/protocol';
import { analyseSweep, type KnobMeasure, MAX_RUNS, multiGrid, type SweepTerm } from '../../../src/sweep';
import { analyze, ready } from '../analysis/helpers';

before(() => ready);

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/sweep2', name), 'utf8');
const settings = { count: 9, decades: 4 };

/** The knobs of the Python fixture (lam_sum = 0.1 on sum-to-one, lam_box = 1.0 on the bounds), measured. */
function measured(): KnobMeasure[] {
  const knobs = penaltyKnobs(analyze(fixture('two_penalties.py'), 'python').models[0]!);
  // |L| = 1: lam_sum's penalty weighs 0.1 (centre 10), lam_box's 0.01 (centre 100)
  return knobs.map((knob) => ({ knob, penalty: knob.id === 'lam_sum' ? 0.1 : 0.01 }));
}

describe('penalty knobs', () => {
  it('one knob per λ as written: a shared parameter is one knob, literal weights one each', () => {
    const py = penaltyKnobs(analyze(fixture('two_penalties.py'), 'python').models[0]!);
    assert.deepEqual(py.map((k) => [k.id, k.terms.length, k.code]), [['lam_sum', 1, 0.1], ['lam_box', 1, 1]]);
    const sharedSource = 'import tensorflow as tf\n\ndef shared(y_true, y_pred, lam_sum=0.1, lam_box=1.0):\n    mse = tf.reduce_mean(tf.square(y_true - y_pred))\n    sum_penalty = tf.reduce_mean(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0))\n    upper = tf.reduce_mean(tf.nn.relu(y_pred - 1.0))\n    lower = tf.reduce_mean(tf.nn.relu(-y_pred))\n    return mse + lam_sum * sum_penalty + lam_box * upper + lam_box * lower\n';
    const shared = penaltyKnobs(analyze(sharedSource, 'python').models[0]!);
    assert.deepEqual(shared.map((k) => [k.id, k.terms.length, k.code]), [['lam_sum', 1, 0.1], ['lam_box', 2, 1]], 'lam_box weighs upper and lower: one knob');
    const factory = penaltyKnobs(analyze(fixture('two_penalties_factory.py'), 'python').models[0]!);
    assert.deepEqual(factory.map((k) => [k.id, k.code]), [['lam_sum', 0.5], ['lam_neg', 2]], 'the values the compile call binds');
    const js = penaltyKnobs(analyze(fixture('literal_weights.js'), 'javascript').models[0]!);
    assert.deepEqual(js.map((k) => [k.label, k.code, k.param]), [['λ[sumPenalty]', 0.1, undefined], ['λ[negPenalty]', 0.5, undefined]]);
  });

  it('--penalty picks by parameter or penalty name, and says which names exist', () => {
    const m = analyze(fixture('two_penalties.py'), 'python').models[0]!;
    const labels = Object.fromEntries(m.terms.map((t) => [t.id, t.label]));
    const knobs = penaltyKnobs(m);
    assert.deepEqual((pickKnobs(knobs, ['sum_penalty'], labels) as { id: string }[]).map((k) => k.id), ['lam_sum']);
    assert.equal(pickKnobs(knobs, ['lam'], labels), "no penalty λ named 'lam' (the loss has lam_sum, lam_box)");
  });
});

describe('the grid of each mode', () => {
  it('oneAtATime: each λ over its own grid around |L|/|P|, the other at its code value, the code run once', () => {
    const { grid, runs } = multiGrid(1, measured(), settings, 'oneAtATime');
    assert.equal(grid.mode, 'oneAtATime');
    assert.deepEqual(grid.penalties!.map((p) => [p.id, p.centre]), [['lam_sum', 10], ['lam_box', 100]]);
    const sumRuns = runs.filter((r) => r.lambdas!.lam_box === 1).map((r) => r.lambdas!.lam_sum);
    const boxRuns = runs.filter((r) => r.lambdas!.lam_sum === 0.1).map((r) => r.lambdas!.lam_box).sort((a, b) => a - b);
    assert.deepEqual(sumRuns, [0, 0.1, 0.32, 1, 3.2, 10, 32, 100, 320, 1000]);
    assert.deepEqual(boxRuns, [0, 1, 3.2, 10, 32, 100, 320, 1000, 3200, 10000]);
    assert.equal(runs.length, sumRuns.length + boxRuns.length - 1, 'the run with both code values is shared');
    assert.equal(runs.find((r) => r.lambdas!.lam_sum === 0.1 && r.lambdas!.lam_box === 1)!.label, 'lam_sum = 0.1, lam_box = 1 (code)');
    assert.equal(new Set(runs.map((r) => r.id)).size, runs.length);
  });

  it('oneAtATime with one penalty picked: the other is held at its code value', () => {
    const { grid, runs } = multiGrid(1, measured(), settings, 'oneAtATime', ['lam_box']);
    assert.deepEqual(grid.held, [{ id: 'lam_sum', label: 'lam_sum', value: 0.1, terms: ['t1'] }]);
    assert.ok(runs.every((r) => r.lambdas!.lam_sum === 0.1));
    assert.equal(runs.length, 10);
  });

  it('grid2: a 5 × 5 grid over the two λs plus both at 0 and both at the code values', () => {
    const { grid, runs } = multiGrid(1, measured(), settings, 'grid2');
    assert.equal(grid.mode, 'grid2');
    assert.deepEqual(grid.penalties!.map((p) => p.values), [[0.1, 1, 10, 100, 1000], [1, 10, 100, 1000, 10000]]);
    assert.equal(runs.length, 5 * 5 + 2 - 1, '(0.1, 1) is on the grid already');
    assert.deepEqual(runs[0]!.lambdas, { lam_sum: 0, lam_box: 0 });
    assert.match(grid.reason, /5 × 5 grid over lam_sum and lam_box/);
  });

  it('many knobs fit the batched limit of runs', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ knob: { id: `k${i}`, label: `k${i}`, terms: [`t${i}`], code: 1 }, penalty: 1 }));
    const { runs } = multiGrid(1, many, settings, 'oneAtATime');
    assert.ok(runs.length <= MAX_RUNS, `${runs.length} runs`);
    assert.ok(runs.length > 20, 'each knob still gets several values');
  });

  it('penalty ids that name no knob sweep every knob', () => {
    assert.deepEqual(multiGrid(1, measured(), settings, 'oneAtATime', ['gone']).grid.penalties!.map((p) => p.id), ['lam_sum', 'lam_box']);
  });

  it('grid2 with one knob picked sweeps it alone', () => {
    assert.equal(multiGrid(1, measured(), settings, 'grid2', ['lam_sum']).grid.mode, 'oneAtATime');
  });
});

describe('the recommendation with two λs', () => {
  const terms: SweepTerm[] = [
    { id: 't0', role: 'base', label: 'mse' },
    { id: 't1', role: 'penalty', label: 'sum_penalty', constraint: 'sum-to-one' },
    { id: 't2', role: 'penalty', label: 'box', constraint: 'bounds' },
  ];
  /** One finished run with its final validation base loss and the two violations. */
  const run = (sum: number, box: number, valLoss: number, vSum: number, vBox: number) => {
    const runId = `r-${sum}-${box}`;
    const p: StepMetrics = {
      runId, step: 9, total: 1, original: valLoss, terms: { t1: { raw: vSum, weighted: 0 }, t2: { raw: vBox, weighted: 0 } }, violations: { t1: vSum, t2: vBox },
      valLoss: 1, valOriginal: valLoss, valViolations: { t1: vSum, t2: vBox },
    };
    return { runId, lambda: sum, lambdas: { lam_sum: sum, lam_box: box }, status: 'completed' as const, points: [p] };
  };
  const penalties = [{ id: 'lam_sum', label: 'lam_sum' }, { id: 'lam_box', label: 'lam_box' }];

  it('names both λs, picks the feasible run with the lowest loss, and gives one front per constraint', () => {
    const runs = [run(0, 0, 0.1, 0.5, 0.3), run(10, 1, 0.3, 0.005, 0.2), run(10, 100, 0.4, 0.004, 0.001), run(0.1, 100, 0.35, 0.2, 0.0)];
    const r = analyseSweep(terms, runs, { tolerance: 0.01, penalties });
    assert.equal(r.recommendation!.headline, 'Use lam_sum = 10, lam_box = 100: feasible, validation base loss 0.4');
    assert.deepEqual(r.recommendation!.lambdas, [{ id: 'lam_sum', label: 'lam_sum', value: 10 }, { id: 'lam_box', label: 'lam_box', value: 100 }]);
    assert.match(r.recommendation!.reasons.join(' | '), /every λ = 0 reaches 0\.1 but violates/);
    assert.deepEqual(r.fronts!.t1, ['r-10-100', 'r-10-1', 'r-0-0'], 'r-0.1-100 is worse than r-10-1 on both');
    assert.deepEqual(r.fronts!.t2, ['r-0.1-100', 'r-10-1', 'r-0-0'], 'on the bounds alone, r-0.1-100 beats r-10-100');
    assert.deepEqual(r.runs.map((x) => x.runId), ['r-0-0', 'r-0.1-100', 'r-10-1', 'r-10-100'], 'listed by lam_sum, then lam_box');
  });

  it('ties on the loss go to the smaller λs; with none feasible, the closest run with both λs named', () => {
    const tie = analyseSweep(terms, [run(1, 10, 0.3, 0, 0), run(1, 1, 0.3, 0, 0)], { tolerance: 0.01, penalties });
    assert.equal(tie.recommendation!.runId, 'r-1-1');
    const none = analyseSweep(terms, [run(1, 1, 0.3, 0.5, 0.5), run(10, 1, 0.4, 0.05, 0.05)], { tolerance: 0.01, penalties });
    assert.match(none.recommendation!.headline, /^No λ met .*: lam_sum = 10, lam_box = 1 came closest/);
  });

  it('with none feasible, says which λ to raise for each constraint the closest run misses', () => {
    const withTerms = [{ id: 'lam_sum', label: 'lam_sum', terms: ['t1'] }, { id: 'lam_box', label: 'lam_box', terms: ['t2'] }];
    const r = analyseSweep(terms, [run(1, 1, 0.3, 0.5, 0.5), run(10, 1, 0.4, 0.05, 0.005), run(1, 30, 0.4, 0.5, 0.001)], { tolerance: 0.01, penalties: withTerms });
    assert.equal(r.recommendation!.runId, 'r-10-1');
    assert.equal(r.recommendation!.tryNext[0], "a larger lam_sum for 'sum_penalty' (not met; the sweep tried up to 10, this run has 10)");
    assert.equal(r.recommendation!.tryNext.filter((t) => t.includes('lam_box')).length, 0, 'the bounds are met in that run');
  });
});
