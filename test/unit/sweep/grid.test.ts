// The λ grid: centred on |L|/|P|, log-spaced over the configured decades, with 0 and the code's λ added.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gridCentre, gridRuns, logGrid, sweepGrid } from '../../../src/sweep';

test('the default grid has 9 log-spaced values over 4 decades centred on |L|/|P|, plus 0 and the code λ', () => {
  const grid = sweepGrid(2.0, 0.2, 1.0, { count: 9, decades: 4 });
  assert.equal(grid.centre, 10);
  assert.deepEqual(grid.values, [0, 0.1, 0.32, 1, 3.2, 10, 32, 100, 320, 1000]);
  // the code's λ (1.0) is already on the grid: 10 values, not 11
  assert.match(grid.reason, /\|L\| \/ \|P\| = 2 \/ 0\.2/);
});

test('a code λ off the grid is added, and the count and span follow the settings', () => {
  const grid = sweepGrid(1, 1, 0.05, { count: 5, decades: 2 });
  assert.deepEqual(grid.values, [0, 0.05, 0.1, 0.32, 1, 3.2, 10]);
  assert.deepEqual(logGrid(1, { count: 3, decades: 6 }), [0.001, 1, 1000]);
  assert.deepEqual(logGrid(7, { count: 1, decades: 4 }), [7]);
});

test('a penalty that is 0 on the untrained model centres on the code λ and says why', () => {
  const c = gridCentre(1.3, 0, 0.5);
  assert.equal(c.centre, 0.5);
  assert.match(c.reason, /penalty is 0 on the untrained model/);
  assert.equal(gridCentre(1.3, 0, undefined).centre, 1);
  assert.match(gridCentre(Number.NaN, 1, undefined).reason, /not finite/);
});

test('grid runs keep the fixed runs (the code λ label) and are sorted by λ', () => {
  const grid = sweepGrid(1, 1, 1, { count: 3, decades: 2 });
  const runs = gridRuns(grid, [{ id: 'lambda-1', label: 'λ = 1 (code)', lambda: 1 }]);
  assert.deepEqual(runs.map((r) => r.lambda), [0, 0.1, 1, 10]);
  assert.equal(runs.find((r) => r.lambda === 1)!.label, 'λ = 1 (code)');
  assert.equal(new Set(runs.map((r) => r.id)).size, runs.length);
});
