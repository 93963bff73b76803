// Every quick fix offered on the fixture corpus and the seed examples: apply its edits, analyse again: the code
// still parses, the loss is still found, the diagnostic it was offered for is gone, and no new kind of diagnostic
// appears (adding λ to a loss passed bare to compile must not leave a frozen λ behind, for example).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { applyEdits } from '../../../src/analysis/fixes/apply';
import { initParsers } from '../../../src/analysis/index';
import type { Finding } from '../../../src/analysis/rules/index';
import { check, fixturesRoot, listFixtures, summary } from './corpus';

/** Rules that must offer a fix, and the languages it must be tested in. */
const FIX_COVERAGE: Record<string, string[]> = {
  LL101: ['python', 'typescript'],
  LL102: ['python', 'typescript'],
  LL103: ['python', 'typescript'],
  LL104: ['python', 'typescript'],
  LL107: ['python', 'typescript'],
  LL108: ['python', 'typescript'],
  LL111: ['python', 'typescript'],
  LL112: ['python', 'typescript'],
};

const sameFinding = (a: Finding, b: Finding): boolean => a.code === b.code && a.modelId.split(':')[0] === b.modelId.split(':')[0];

const cases = [
  ...listFixtures().filter((f) => f.expect === 'fires'),
  ...['example1_sum_to_one.py', 'example2_bounded_output.py', 'example3_sparsity.py'].map((file) => ({
    code: 'seed',
    file,
    language: 'python' as const,
    source: readFileSync(join(fixturesRoot, 'seed', file), 'utf8'),
  })),
];

describe('quick fixes', () => {
  before(async () => {
    await initParsers();
  });
  const covered = new Set<string>();

  for (const c of cases) {
    it(`${c.code}: ${c.file}`, () => {
      const { findings } = check(c.source, c.language, c.file);
      for (const finding of findings.filter((f) => f.fixes.length > 0)) {
        const before = findings.filter((f) => sameFinding(f, finding)).length;
        for (const fix of finding.fixes) {
          const fixed = applyEdits(c.source, fix.edits);
          assert.notEqual(fixed, c.source, `${fix.title} changed nothing`);
          const after = check(fixed, c.language, c.file);
          assert.deepEqual(after.analysis.syntaxErrors, [], `${finding.code} "${fix.title}" broke the code:\n${fixed}`);
          assert.ok(after.analysis.models.length > 0, `${finding.code} "${fix.title}": the loss is no longer found:\n${fixed}`);
          const left = after.findings.filter((f) => sameFinding(f, finding)).length;
          assert.ok(left < before, `${finding.code} "${fix.title}" did not remove the diagnostic:\n${fixed}\n  ${summary(after.findings)}`);
          const introduced = after.findings.filter((f) => !findings.some((b) => b.code === f.code));
          assert.deepEqual(introduced, [], `${finding.code} "${fix.title}" introduced new diagnostics:\n${fixed}\n  ${summary(introduced)}`);
          covered.add(`${finding.code}:${c.language}`);
        }
      }
    });
  }

  it('covers every fixable rule in Python and TypeScript', () => {
    const missing = Object.entries(FIX_COVERAGE).flatMap(([code, langs]) => langs.filter((l) => !covered.has(`${code}:${l}`)).map((l) => `${code}:${l}`));
    assert.deepEqual(missing, []);
  });
});
