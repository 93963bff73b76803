// Every fixture through the real front end and the rules: `fires` fixtures must report their rule, `silent` ones
// must not, and both must be read as a loss at all (a silent fixture the front end ignores would prove nothing).
// No other rule may fire on a fixture unless its first line declares it (`# also: LL113 (why)`), so the corpus
// also catches false positives of every rule on every other rule's fixtures.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { rules } from '../../../src/analysis/rules/index';
import { check, listFixtures, summary } from './corpus';

const fixtures = listFixtures();

describe('rule fixture corpus', () => {
  before(async () => {
    await initParsers();
  });

  it('has at least three firing and two silent fixtures for every rule in the table', () => {
    for (const r of rules) {
      const fires = fixtures.filter((f) => f.code === r.code && f.expect === 'fires');
      const silent = fixtures.filter((f) => f.code === r.code && f.expect === 'silent');
      assert.ok(fires.length >= 3, `${r.code}: ${fires.length} firing fixtures`);
      assert.ok(silent.length >= 2, `${r.code}: ${silent.length} silent fixtures`);
      assert.ok(new Set(fires.map((f) => f.language === 'python' ? f.file.split('_')[0] : 'tfjs')).size >= 2, `${r.code}: one framework only`);
    }
  });

  for (const f of fixtures) {
    it(`${f.code} ${f.expect}: ${f.file}`, () => {
      const { analysis, findings } = check(f.source, f.language, f.file);
      assert.equal(analysis.syntaxErrors.length, 0, `syntax errors: ${JSON.stringify(analysis.syntaxErrors)}`);
      // LL114's definitions give no model (they return nothing): found as such, they count as read
      assert.ok(analysis.models.length + (analysis.noValue?.length ?? 0) > 0, 'the front end found no loss function');
      const hits = findings.filter((x) => x.code === f.code);
      if (f.expect === 'fires') {
        assert.ok(hits.length > 0, `expected ${f.code}, got:\n  ${summary(findings)}`);
        for (const h of hits) {
          assert.ok(h.message.length > 40, 'message says why');
          assert.ok(/`[^`]+`/.test(h.message), `message names the term or op: ${h.message}`);
        }
      } else {
        assert.equal(hits.length, 0, `expected no ${f.code}, got:\n  ${summary(hits)}`);
      }
      const expected = new Set([...(f.expect === 'fires' ? [f.code] : []), ...f.also]);
      const others = findings.filter((x) => !expected.has(x.code));
      assert.equal(others.length, 0, `unexpected findings:\n  ${summary(others)}`);
      for (const code of f.also) assert.ok(findings.some((x) => x.code === code), `declared ${code} did not fire`);
    });
  }
});
