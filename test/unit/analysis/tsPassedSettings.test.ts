// A TS/JS loss inline in a function the file hands a module settings object (`optimize(layer, DEFAULTS)` with
// `const DEFAULTS = { l2Weight: 0.02 }` and `… .mul(settings.l2Weight)` inside `tf.variableGrads`): the parameter is
// that object, so λ is its literal, where write-back edits it; a call passing anything else leaves it unknown.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { DocumentAnalyzer } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { analyze, comparable, ready } from './helpers';

before(() => ready);

const SCRIPT = (calls: string) => `const tf = require('@tensorflow/tfjs');
const DEFAULTS = { steps: 10, l2Weight: 0.02 };
const OTHER = { steps: 10, l2Weight: 0.5 };

async function optimize(model, settings) {
  const image = tf.variable(tf.randomNormal([1, 8]));
  for (let step = 0; step < settings.steps; step++) {
    const { value, grads } = tf.variableGrads(() => {
      const activation = tf.mean(model.predict(image));
      const l2 = tf.mean(tf.square(image)).mul(settings.l2Weight);
      return activation.neg().add(l2);
    });
  }
}

async function main(model) {
${calls}
}
`;

const loss = (source: string): LossModel => analyze(source, 'javascript').models.find((m) => m.terms.some((t) => t.role === 'penalty'))!;
const lambda = (m: LossModel): number | undefined => {
  const w = m.terms.find((t) => t.role === 'penalty')?.weight;
  return w ? staticNumber(m, w.text) : undefined;
};

describe('a settings object handed to the function holding the loss', () => {
  it("reads the module object's literal every call passes", () => {
    assert.equal(lambda(loss(SCRIPT('  await optimize(model, DEFAULTS);'))), 0.02);
  });

  it('calls passing different objects, or an object built elsewhere, leave it unknown', () => {
    assert.equal(lambda(loss(SCRIPT('  await optimize(model, DEFAULTS);\n  await optimize(model, OTHER);'))), undefined);
    assert.equal(lambda(loss(SCRIPT('  await optimize(model, loadSettings());'))), undefined);
  });

  it('write-back edits the literal in the module object', () => {
    const source = SCRIPT('  await optimize(model, DEFAULTS);');
    const out = writeLambda(loss(source), source, 0.1);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.match(out.text, /const DEFAULTS = \{ steps: 10, l2Weight: 0\.1 \};/);
  });
});

describe('the editor after an edit of the call that hands the settings', () => {
  it('the inline loss reads the object now passed, not the one cached with its text', () => {
    const doc = new DocumentAnalyzer('javascript');
    doc.update(SCRIPT('  await optimize(model, DEFAULTS);'));
    const edited = SCRIPT('  await optimize(model, OTHER);');
    assert.deepEqual(comparable(doc.update(edited)), comparable(analyze(edited, 'javascript')));
    doc.dispose();
  });
});
