import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gapReason } from './gapReasons';

test('a hand-written reason is kept while it explains the same measured failure', () => {
  const written = 'false alarm LL113 (blind): LL113 on the same-file helpers toNumber / gram';
  assert.equal(gapReason(written, 'false alarm LL113'), written);
  const lambda = "penalty l2: λ 0.01 (RidgeNet.__init__'s default), expected 0.05: the call is of the subclass";
  assert.equal(gapReason(lambda, 'penalty l2: λ 0.01, expected 0.05'), lambda);
});

test('a hand-written reason is replaced once the failure is another', () => {
  const written = 'not started (blind): no loss found';
  const now = 'not started: minimize cannot be trained: line 47: `.flat` is not supported';
  assert.equal(gapReason(written, now), now);
  assert.equal(gapReason('false alarm LL113 (blind): on helpers', 'false alarm LL101, LL113'), 'false alarm LL101, LL113');
  assert.equal(gapReason('violation λ=10 0.113 vs λ=0 0.180: squared hinge', 'violation λ=10 0.090 vs λ=0 0.180'), 'violation λ=10 0.090 vs λ=0 0.180');
  assert.equal(gapReason('loss: picked a (found: a, b)', 'no loss found'), 'no loss found');
});

test('a new gap records the measured reason', () => {
  assert.equal(gapReason(undefined, 'no loss found'), 'no loss found');
});
