// The templates through the project's own analysis and rules, as a user would see them after inserting one into a
// file with the usual imports: the analysis finds the loss, its λ and the constraint the template claims, and no
// rule fires except those the catalog accepts on purpose (listed below, each with its reason).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { Framework, SourceLanguage } from '../../../src/analysis/ir';
import { runRules } from '../../../src/analysis/rules/index';
import { frameworks, templateDefaultText, templates } from '../../../src/templates/catalog';

const imports: Record<Framework, string> = {
  keras: 'import tensorflow as tf\n\n',
  pytorch: 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n',
  tfjs: "import * as tf from '@tensorflow/tfjs';\n\n",
};
const languageOf: Record<Framework, SourceLanguage> = { keras: 'python', pytorch: 'python', tfjs: 'typescript' };

/** Findings a template is allowed to get, by `<id>/<framework>`. */
const accepted: Record<string, string[]> = {
  // The L1 residual is the point of this template (an exact penalty); LL107 is information and the description
  // says to prefer the squared variant (sum1-sq) for smooth training.
  'sum1/keras': ['LL107'],
  'sum1/pytorch': ['LL107'],
  'sum1/tfjs': ['LL107'],
};

/**
 * Constraint shapes the analysis does not recognise yet (the loss, λ and terms are still checked), with the reason.
 * The violation metric needs the recognised shape; the penalty itself trains either way.
 */
const unrecognised: Record<string, string> = {
  // TypeScript has no slice syntax: the shifted columns are tf.slice calls, which the TS front end does not read as
  // slices of yPred (the monotone pattern looks for y_pred[:, :-1] - y_pred[:, 1:]).
  'monotone/tfjs': 'tf.slice is not read as a slice of yPred',
};

before(async () => {
  await initParsers();
});

const analyse = (id: string, framework: Framework) => {
  const t = templates.find((x) => x.id === id)!;
  const source = imports[framework] + templateDefaultText(t, framework) + '\n';
  const analysis = analyzeSource(source, languageOf[framework], `template.${framework === 'tfjs' ? 'ts' : 'py'}`);
  return { source, analysis, findings: runRules(analysis, source) };
};

for (const t of templates) {
  describe(`template ${t.id} through the analysis`, () => {
    for (const framework of frameworks) {
      test(`${framework}: no findings beyond the accepted ones (${(accepted[`${t.id}/${framework}`] ?? []).join(', ') || 'none'})`, () => {
        const { analysis, findings } = analyse(t.id, framework);
        assert.equal(analysis.framework, framework, 'the framework is detected from the imports');
        assert.deepEqual(analysis.syntaxErrors, []);
        const got = findings.map((f) => `${f.code}: ${f.message}`);
        const allowed = accepted[`${t.id}/${framework}`] ?? [];
        const unexpected = findings.filter((f) => !allowed.includes(f.code));
        assert.deepEqual(unexpected.map((f) => f.code), [], got.join('\n'));
        for (const f of findings) assert.ok(f.severity === 'information' || f.severity === 'hint', `${f.code} is only informational`);
      });
    }

    for (const framework of frameworks) {
      if (t.id === 'sparse-weights' && framework === 'keras') {
        // Keras adds the kernel regularizers to the compiled loss itself: Loss Lab reads them as its penalties
        test('keras: the compiled loss with one L1 penalty per regularised layer, each weighted by the template\'s λ', () => {
          const { analysis } = analyse(t.id, framework);
          assert.equal(analysis.models.length, 1, analysis.models.map((m) => m.name).join(', '));
          const [model] = analysis.models;
          assert.deepEqual(model.terms.filter((x) => x.role === 'base').map((x) => x.label), ['categorical_crossentropy']);
          const penalties = model.terms.filter((x) => x.role === 'penalty');
          assert.equal(penalties.length, 2, 'the two Dense layers');
          for (const p of penalties) assert.equal(p.weightParam, t.snippets.keras.lambdaName);
        });
        continue;
      }
      if (t.id === 'sparse-weights' && framework === 'tfjs') {
        // TF.js adds each layer's kernelRegularizer to the compiled loss, as Keras does: read as its penalties
        test("tfjs: the compiled loss with one L1 penalty per regularised layer, each weighted by the template's λ", () => {
          const { analysis } = analyse(t.id, framework);
          assert.equal(analysis.models.length, 1, analysis.models.map((m) => m.name).join(', '));
          const [model] = analysis.models;
          assert.equal(model.terms.filter((x) => x.role === 'base').length, 1, 'the compiled categoricalCrossentropy');
          const penalties = model.terms.filter((x) => x.role === 'penalty');
          assert.equal(penalties.length, 2, 'the two dense layers');
          for (const p of penalties) assert.equal(p.weightParam, t.snippets.tfjs.lambdaName);
        });
        continue;
      }
      test(`${framework}: one loss, λ = the template's λ, one penalty weighted by it, recognised as ${t.constraint}`, () => {
        const { analysis } = analyse(t.id, framework);
        assert.equal(analysis.models.length, 1, analysis.models.map((m) => m.name).join(', '));
        const [model] = analysis.models;
        const lambda = t.snippets[framework].lambdaName;
        assert.ok(model.lambdaParam === lambda || model.lambdaParam === `self.${lambda}`, `λ is ${model.lambdaParam}`);
        const base = model.terms.filter((x) => x.role === 'base');
        const penalties = model.terms.filter((x) => x.role === 'penalty');
        assert.equal(base.length, 1, 'one base loss');
        assert.equal(penalties.length, 1, 'one penalty');
        assert.equal(penalties[0].sign, 1);
        assert.equal(penalties[0].weightParam, model.lambdaParam);
        if (!unrecognised[`${t.id}/${framework}`]) assert.equal(penalties[0].constraint?.kind, t.constraint);
        if (framework !== 'pytorch') assert.equal(model.kind, 'factory', 'compiled losses are factories, so compile uses λ');
      });
    }
  });
}
