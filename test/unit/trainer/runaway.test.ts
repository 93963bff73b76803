// A run's values all turn NaN at once when one term's gradient overflowed the step before: the divergence names the
// term whose value had run away (a `1 / Σp²` at λ = 0, weighted 0, where 0 · ∞ is NaN), not only the first NaN read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Term } from '../../../src/analysis/ir';
import type { StepMetrics } from '../../../src/protocol/trainer';
import { describeRunaway, runawayTerm } from '../../../src/trainer/loop/runaway';

const range = { startLine: 0, startCol: 0, endLine: 0, endCol: 0 } as Term['range'];
const term = (id: string, label: string, role: Term['role']): Term => ({ id, label, role, sign: 1, expr: { kind: 'name', name: label, ref: 'yPred', text: label, range }, range });
const terms = [term('t0', 'part1', 'base'), term('t1', 'part2', 'penalty'), term('t2', 'part3', 'penalty')];
const point = (raws: number[], weights: number[]): StepMetrics => ({
  runId: 'lambda-0',
  step: 189,
  total: 0.06,
  original: 0.06,
  terms: Object.fromEntries(terms.map((t, i) => [t.id, { raw: raws[i]!, weighted: raws[i]! * weights[i]! }])),
  violations: {},
});

test('the term whose value ran away the step before the NaN is named, with its zero weight', () => {
  const r = runawayTerm(point([0.06, 0.05, 4.38e23], [1, 0, 0]), terms);
  assert.equal(r?.term.id, 't2');
  assert.equal(r?.unweighted, true);
  const text = describeRunaway(r!, 31);
  assert.match(text, /term t2 'part3' \(line 31\) had grown to 4\.38e\+23 at step 189/);
  assert.match(text, /weight in this run is 0, and 0 · ∞ is NaN/);
});

test('a weighted runaway is named without the zero-weight explanation; ordinary values name none', () => {
  const r = runawayTerm(point([0.06, 2e13, 3], [1, 10, 10]), terms);
  assert.equal(r?.term.id, 't1');
  assert.equal(r?.unweighted, false);
  assert.doesNotMatch(describeRunaway(r!, 30), /weight in this run is 0/);
  assert.equal(runawayTerm(point([0.06, 0.05, 3e6], [1, 0, 0]), terms), undefined);
  assert.equal(runawayTerm(null, terms), undefined);
});
