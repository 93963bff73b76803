// Half-typed code: every fixture cut at many points (as if the user were still typing) goes through the front
// end and every rule. No rule may throw, and every finding must point inside the text with fixes whose edits do.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits } from '../../../src/analysis/fixes/apply';
import { SourceText } from '../../../src/analysis/fixes/text';
import { initParsers } from '../../../src/analysis/index';
import type { SourceRange } from '../../../src/analysis/ir';
import { check, listFixtures } from './corpus';

const CUTS = 12;

describe('rules on half-typed code', () => {
  before(async () => {
    await initParsers();
  });

  it(`never throw on ${CUTS} truncations of every fixture`, () => {
    let analysed = 0;
    let withFindings = 0;
    for (const f of listFixtures()) {
      for (let k = 1; k <= CUTS; k++) {
        const cut = f.source.slice(0, Math.floor((f.source.length * k) / (CUTS + 1)));
        const text = new SourceText(cut);
        const inside = (r: SourceRange): boolean => text.start(r) <= text.end(r) && r.endLine < text.lines.length;
        // check() throws when a rule throws.
        const { findings } = check(cut, f.language, f.file);
        analysed++;
        if (findings.length > 0) withFindings++;
        for (const finding of findings) {
          assert.ok(inside(finding.range), `${f.file}@${cut.length}: ${finding.code} range outside the text`);
          for (const fix of finding.fixes) {
            assert.ok(fix.edits.every((e) => inside(e.range)), `${f.file}@${cut.length}: ${finding.code} fix edits outside the text`);
            assert.doesNotThrow(() => applyEdits(cut, fix.edits), `${f.file}@${cut.length}: ${fix.title}`);
          }
        }
      }
    }
    assert.ok(analysed > 500);
    assert.ok(withFindings > 0);
  });

  it('keep the diagnostics of complete functions when half-typed code follows them', () => {
    const tails = {
      python: '\n\ndef unfinished(y_true, y_pred, lam=\n    penalty = tf.reduce_mean(tf.square(y_pred -\n',
      typescript: '\n\nexport const unfinished = (yTrue: tf.Tensor, yPred: tf.Tensor, lam = ) =>\n  tf.add(tf.losses.meanSquaredError(yTrue, \n',
      javascript: '\n\nexport function unfinished(yTrue, yPred, lam = {\n  return tf.add(yTrue,\n',
    };
    for (const f of listFixtures().filter((x) => x.expect === 'fires')) {
      const { analysis, findings } = check(f.source + tails[f.language], f.language, f.file);
      assert.ok(analysis.syntaxErrors.length > 0, `${f.file}: the tail should be a syntax error`);
      assert.ok(findings.some((x) => x.code === f.code), `${f.file}: ${f.code} lost after a half-typed function`);
    }
  });
});
