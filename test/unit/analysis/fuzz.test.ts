// The bounded fuzz run of `npm test` (issue 12 §5): 10,000 seeded mutations of every fixture and sample, binary
// files and deep nesting, in Python, TS/JS and notebooks. No throw may escape the analysis or the rules, no
// analysis may outlast its parse deadline (plus a margin for the front end), and every finding lies in its document.
// Longer runs: `npm run fuzz -- --minutes N` (test/fuzz/main.ts); crashers found become test/fixtures/fuzz/ files.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { fuzz } from '../../fuzz/fuzzer';

before(() => initParsers());

const INPUTS = Number(process.env.LOSS_LAB_FUZZ_INPUTS ?? 10_000);
/** The run stops here even if the inputs are not all done (a machine shared by many): it says how far it got. */
const MAX_SECONDS = Number(process.env.LOSS_LAB_FUZZ_SECONDS ?? 55);

test(`fuzz: ${INPUTS} inputs, no escape, no hang, every finding in its document`, (t) => {
  const stats = fuzz({ seed: 20261129, maxInputs: INPUTS, maxSeconds: MAX_SECONDS, parseBaseMs: 50 });
  t.diagnostic(
    `${stats.inputs} inputs in ${stats.seconds.toFixed(1)} s (${(stats.inputs / stats.seconds).toFixed(0)}/s): ${stats.escapes} escapes, ${stats.hangs} hangs, ${stats.badRanges} ranges outside the document; ${stats.notAnalysed} parses gave up at their deadline; slowest input ${stats.slowestMs.toFixed(0)} ms`,
  );
  const first = stats.failures[0];
  assert.equal(stats.failures.length, 0, first ? `${first.kind} on ${first.seed} (${first.mutation}): ${first.detail}` : '');
  if (stats.inputs < INPUTS) t.diagnostic(`time limit of ${MAX_SECONDS} s reached after ${stats.inputs} of ${INPUTS} inputs (a loaded machine)`);
  assert.ok(stats.inputs >= Math.min(INPUTS, 1000), `only ${stats.inputs} inputs ran`);
});
