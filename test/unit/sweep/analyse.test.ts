// Feasibility per constraint, the Pareto front and the recommendation, from the points a sweep streams.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepMetrics } from '../../../src/protocol';
import { analyseSweep, constraintResult, gradVerdict, paretoFront, type SweepTerm, toleranceFor } from '../../../src/sweep';

const terms: SweepTerm[] = [
  { id: 't0', role: 'base', label: 'cross_entropy' },
  { id: 't1', role: 'penalty', label: 'sum_penalty', constraint: 'sum-to-one' },
];

/** A run whose batch violation goes from `from` to `to` linearly over `steps` steps, ending with a validation point. */
function run(lambda: number, o: { from: number; to: number; valLoss: number; valViolation: number; steps?: number; ratios?: [number, number] }) {
  const steps = o.steps ?? 10;
  const points: StepMetrics[] = Array.from({ length: steps }, (_, s) => {
    const v = o.from + ((o.to - o.from) * s) / (steps - 1);
    const p: StepMetrics = { runId: `r${lambda}`, step: s, total: 1, original: 1, terms: { t1: { raw: v, weighted: lambda * v } }, violations: { t1: v } };
    if (o.ratios && s === 0) p.gradRatios = { t1: o.ratios[0] };
    if (o.ratios && s === steps - 1) p.gradRatios = { t1: o.ratios[1] };
    if (s === steps - 1) Object.assign(p, { valLoss: 9, valOriginal: o.valLoss, valViolations: { t1: o.valViolation }, valTerms: { t1: o.valViolation } });
    return p;
  });
  return { runId: `r${lambda}`, lambda, status: 'completed' as const, points };
}

test('the template gives sum-to-one its ε; an unrecognised penalty uses the setting; an override wins', () => {
  assert.equal(toleranceFor('sum-to-one', 0.5).epsilon, 1e-2);
  assert.equal(toleranceFor(undefined, 0.5).epsilon, 0.5);
  assert.match(toleranceFor(undefined, 0.5).source, /lossLab\.sweep\.tolerance/);
  assert.equal(toleranceFor('sum-to-one', 0.5, 0.2).epsilon, 0.2);
});

test('per constraint: final validation violation, share of the last 20% feasible, first step it stayed feasible', () => {
  const r = run(1, { from: 0.1, to: 0, valLoss: 1, valViolation: 0.004 }).points; // batch violation 0.1 → 0 over 10 steps
  const c = constraintResult(r, { id: 't1', label: 'p', recognised: true, epsilon: 0.01 });
  assert.equal(c.finalViolation, 0.004);
  assert.equal(c.feasibleShare, 0.5); // steps 8 and 9 are the last 20%: 0.0111 and 0
  assert.equal(c.firstFeasibleStep, 9); // only the last step is ≤ 0.01 (0.0111 at step 8)
  assert.equal(c.feasible, true);
  const never = constraintResult(run(0, { from: 0.5, to: 0.4, valLoss: 1, valViolation: 0.4 }).points, { id: 't1', label: 'p', recognised: true, epsilon: 0.01 });
  assert.deepEqual([never.feasible, never.feasibleShare, never.firstFeasibleStep], [false, 0, undefined]);
});

test('the Pareto front keeps the non-dominated runs, ordered by violation', () => {
  const front = paretoFront([
    { loss: 1, violation: 0.5 },
    { loss: 1.2, violation: 0.1 },
    { loss: 1.3, violation: 0.2 }, // dominated by the second
    { loss: 2, violation: 0 },
    undefined,
    { loss: Number.NaN, violation: 0 },
  ]);
  assert.deepEqual(front, [3, 1, 0]);
});

test('recommends the feasible run with the lowest validation base loss; infeasible runs are not on offer', () => {
  const result = analyseSweep(terms, [
    run(0, { from: 0.5, to: 0.3, valLoss: 0.8, valViolation: 0.3 }),
    run(1, { from: 0.2, to: 0.005, valLoss: 0.9, valViolation: 0.006 }),
    run(10, { from: 0.1, to: 0.001, valLoss: 1.1, valViolation: 0.001 }),
  ], { tolerance: 0.05 });
  assert.equal(result.recommendation?.lambda, 1);
  assert.equal(result.recommendation?.feasible, true);
  assert.match(result.recommendation!.headline, /Use λ = 1: feasible/);
  assert.deepEqual(result.runs.map((r) => r.feasible), [false, true, true]);
  assert.deepEqual(result.front, ['r10', 'r1', 'r0']);
  assert.ok(result.recommendation!.reasons.some((r) => /λ = 0 reaches 0\.8 but violates/.test(r)));
});

test('ties in validation base loss go to the smaller λ', () => {
  const result = analyseSweep(terms, [
    run(10, { from: 0.001, to: 0.001, valLoss: 0.9, valViolation: 0.001 }),
    run(3, { from: 0.001, to: 0.001, valLoss: 0.9, valViolation: 0.002 }),
  ], { tolerance: 0.05 });
  assert.equal(result.recommendation?.lambda, 3);
});

test('with no feasible run: the smallest violation, saying the constraint was not met and what to try', () => {
  const result = analyseSweep(terms, [
    run(0, { from: 0.5, to: 0.4, valLoss: 0.8, valViolation: 0.4 }),
    run(1, { from: 0.5, to: 0.2, valLoss: 0.9, valViolation: 0.2, ratios: [0.5, 0.001] }),
  ], { tolerance: 0.05 });
  const rec = result.recommendation!;
  assert.equal(rec.feasible, false);
  assert.equal(rec.lambda, 1);
  assert.match(rec.headline, /No λ met 'sum_penalty' \(ε = 0\.01\): λ = 1 came closest \(violation 0\.2\)/);
  assert.match(rec.tryNext[0]!, /larger λ than 1/);
  assert.ok(rec.tryNext.some((t) => /smooth penalty/.test(t)) && rec.tryNext.some((t) => /more steps/.test(t)));
  assert.ok(rec.reasons.some((r) => /at the end the penalty is negligible/.test(r)));
});

test('a diverged run is neither feasible nor on the front', () => {
  const bad = { ...run(100, { from: 0, to: 0, valLoss: 0.1, valViolation: 0 }), status: 'diverged' as const };
  const result = analyseSweep(terms, [bad, run(1, { from: 0.2, to: 0.005, valLoss: 0.9, valViolation: 0.006 })], { tolerance: 0.05 });
  assert.equal(result.runs.find((r) => r.lambda === 100)!.feasible, false);
  assert.deepEqual(result.front, ['r1']);
  assert.equal(result.recommendation?.lambda, 1);
});

test('gradient-norm ratios: > 10 dominates, < 0.01 negligible', () => {
  assert.deepEqual([gradVerdict(11), gradVerdict(0.005), gradVerdict(1)], ['dominates', 'negligible', 'balanced']);
  const result = analyseSweep(terms, [run(1, { from: 0.2, to: 0.005, valLoss: 0.9, valViolation: 0.006, ratios: [20, 0.5] })], { tolerance: 0.05 });
  assert.deepEqual(result.runs[0]!.grad, { start: 20, startVerdict: 'dominates', end: 0.5, endVerdict: 'balanced' });
});

test('several constraints: a run is feasible only when every one is, and the front uses the worst violation/ε', () => {
  const two: SweepTerm[] = [...terms, { id: 't2', role: 'penalty', label: 'custom', constraint: undefined }];
  const mk = (lambda: number, v1: number, v2: number) => {
    const r = run(lambda, { from: v1, to: v1, valLoss: 1 / (1 + lambda), valViolation: v1 });
    for (const p of r.points) {
      p.terms.t2 = { raw: v2, weighted: v2 };
      if (p.valTerms) p.valTerms.t2 = v2;
    }
    return r;
  };
  const result = analyseSweep(two, [mk(1, 0.001, 0.5), mk(2, 0.02, 0.01)], { tolerance: 0.1 });
  assert.deepEqual(result.runs.map((r) => r.feasible), [false, false]);
  assert.equal(result.normalised, true);
  assert.deepEqual(result.runs.map((r) => r.violation), [5, 2]); // max(0.001/0.01, 0.5/0.1), max(0.02/0.01, 0.01/0.1)
});
