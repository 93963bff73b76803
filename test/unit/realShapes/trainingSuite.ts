// The real-shapes corpus, trainer side (issue "Real losses train" §4): what `loss-lab train --lambda 0,10
// --steps 300` does, on every fixture (run in this process: see train() in corpus.ts). A fixture whose penalty reads only the model's outputs,
// targets, hidden activations or weights must train with that penalty term present; where the constraint is
// learnable, its violation at λ = 10 must end below half of its value at λ = 0. A fixture that should not train
// must be refused with a message. Known gaps are the same ratchet as the analysis side (known-gaps.json).
// The corpus is trained in shards, one test file each (training-1.slow.test.ts, …), so that the two cores share it.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { BATCHES, type Fixture, figure, listFixtures, type Measurement, mapLimit, measureTraining, ratchet, readKnownGaps, type TrainReading, train } from './corpus';

/** Defines the tests of shard `shard` (1-based) of `shards`: every shards-th fixture in name order. */
export function trainingShard(shard: number, shards: number): void {
  const fixtures = listFixtures().filter((_, i) => i % shards === shard - 1);
  const gaps = readKnownGaps();
  // One trial at a time: each is CPU-bound in this process, and the tests of other files run beside it.
  const runs = initParsers().then(() => mapLimit(fixtures, 1, (f) => train(f)));
  const byFile = new Map<string, Promise<TrainReading>>(fixtures.map((f, i) => [f.file, runs.then((r) => r[i]!)]));
  const results: { fixture: Fixture; measured: Measurement; seconds: number }[] = [];
  const part = `shard ${shard} of ${shards}`;

  describe(`real-shapes corpus: loss-lab train (${part})`, () => {
    before(async () => {
      await initParsers();
    });

    for (const fixture of fixtures) {
      const what = fixture.expect.trains
        ? `trains 300 steps with its penalty${fixture.expect.learnable ? `, λ = 10 halves the ${fixture.expect.learnable} violation` : ''}`
        : 'is refused with a message';
      test(`${fixture.file}: ${what} (or as known-gaps.json says)`, async () => {
        const reading = await byFile.get(fixture.file)!;
        const measured = measureTraining(fixture, reading);
        results.push({ fixture, measured, seconds: reading.seconds });
        const problems = ratchet(fixture, measured, gaps);
        assert.deepEqual(problems, [], problems.join('\n'));
      });
    }

    test('figures', async () => {
      await runs;
      const shouldTrain = results.filter((r) => r.fixture.expect.trains);
      const line = (label: string, rs: typeof results) => {
        const trainers = rs.filter((r) => r.fixture.expect.trains);
        const refused = rs.filter((r) => !r.fixture.expect.trains);
        return `${label}: train with penalty ${figure(trainers, 'train')}, λ=10 halves violation ${figure(trainers, 'learnable')}, refused with a message ${figure(refused, 'train')}`;
      };
      console.log(`real-shapes (${part}) ${line('all', results)}`);
      for (const batch of BATCHES) {
        const rs = results.filter((r) => batch.has(r.fixture));
        if (rs.length > 0) console.log(`real-shapes (${part}) ${line(batch.label, rs)}`);
      }
      const slowest = [...results].sort((a, b) => b.seconds - a.seconds)[0];
      console.log(`real-shapes training (${part}): ${results.length} trials, slowest ${slowest?.fixture.file} ${slowest?.seconds.toFixed(1)} s`);
      assert.equal(results.length, fixtures.length);
      assert.ok(shouldTrain.length > 0);
    });
  });
}
