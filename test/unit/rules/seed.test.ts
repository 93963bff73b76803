// The seed article's three Keras examples, verbatim: exactly the diagnostics a careful reviewer expects
// (test/fixtures/seed/expected.json), no more, no fewer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check, fixturesRoot, summary } from './corpus';

const seedDir = join(fixturesRoot, 'seed');
const expected = JSON.parse(readFileSync(join(seedDir, 'expected.json'), 'utf8')) as Record<string, { code: string; line: number }[] | string>;

describe('seed article examples', () => {
  before(async () => {
    await initParsers();
  });

  for (const [file, want] of Object.entries(expected)) {
    if (typeof want === 'string') continue;
    it(`${file}: ${want.map((w) => `${w.code}@${w.line}`).join(', ')}`, () => {
      const { analysis, findings } = check(readFileSync(join(seedDir, file), 'utf8'), 'python', file);
      assert.equal(analysis.models.length, 1);
      const got = findings.map((f) => `${f.code}@${f.range.startLine + 1}`).sort();
      assert.deepEqual(got, want.map((w) => `${w.code}@${w.line}`).sort(), `got:\n  ${summary(findings)}`);
    });
  }

  it('offers a factory quick fix for the frozen λ of every example', () => {
    for (const file of Object.keys(expected).filter((k) => k.endsWith('.py'))) {
      const { findings } = check(readFileSync(join(seedDir, file), 'utf8'), 'python', file);
      const ll102 = findings.find((f) => f.code === 'LL102');
      assert.ok(ll102?.fixes.some((x) => x.isPreferred && /factory/.test(x.title)), file);
    }
  });
});
