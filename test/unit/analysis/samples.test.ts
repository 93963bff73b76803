// The sample workspace that `npm start` opens is what a newcomer tries first: every file (and every notebook cell,
// read as VS Code gives it) parses, holds a constrained loss, and trains (no op outside the trainer's tables).
// The notebook's own promise, "the fraction of negative outputs falls as λ grows", is trained here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeSource, initParsers, languageOf } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { notebookCells } from '../../../src/analysis/notebook';
import { type TrainerToHost, TrialSpec } from '../../../src/protocol';
import { findUnsupported } from '../../../src/trainer/interpreter/unsupported';
import { runTrial } from '../../../src/trainer/trial';
import { buildTrialSpec, type TrainingSettings } from '../../../src/trial/spec';

/** The `lossLab.training.*` defaults as package.json declares them. */
function settingsDefaults(): TrainingSettings {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown }> } };
  };
  const props = pkg.contributes.configuration.properties;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) if (key.startsWith('lossLab.training.')) out[key.slice('lossLab.training.'.length)] = value.default;
  return out as unknown as TrainingSettings;
}

const folder = join(__dirname, '..', '..', '..', 'sample-workspace');
const playground = /playground/;

/** Each loss in a sample: from the file, or from each code cell of a notebook. */
function lossesIn(file: string): { where: string; model: LossModel }[] {
  const text = readFileSync(join(folder, file), 'utf8');
  if (file.endsWith('.ipynb')) {
    const nb = notebookCells(text);
    assert.ok(nb.ok, `${file}: ${nb.ok ? '' : nb.message}`);
    assert.equal(nb.language, 'python');
    return nb.cells.flatMap((cell) => {
      const analysis = analyzeSource(cell.source, 'python');
      assert.deepEqual(analysis.syntaxErrors, [], `${file}, cell ${cell.number} parses`);
      return analysis.models.map((model) => ({ where: `${file}, cell ${cell.number}`, model }));
    });
  }
  const analysis = analyzeSource(text, languageOf(file)!, file);
  assert.deepEqual(analysis.syntaxErrors, [], `${file} parses`);
  return analysis.models.map((model) => ({ where: file, model }));
}

test('every sample file and notebook parses, holds a constrained loss, and has no op the trainer lacks', async () => {
  await initParsers();
  const files = readdirSync(folder).filter((f) => !playground.test(f) && (languageOf(f) !== undefined || f.endsWith('.ipynb')));
  assert.ok(files.some((f) => f.endsWith('.ipynb')), 'the samples include a notebook');
  for (const file of files) {
    const losses = lossesIn(file);
    assert.ok(losses.length > 0, `${file}: a loss function`);
    for (const { where, model } of losses) {
      assert.ok(model.terms.some((t) => t.role === 'penalty'), `${where}: ${model.name} has a penalty term`);
      assert.deepEqual(findUnsupported(model).map((u) => u.message), [], `${where}: ${model.name} trains`);
    }
  }
});

test('the sample notebook, trained as the editor would: λ = 10 ends with far fewer negative outputs than λ = 0', async () => {
  await initParsers();
  const [{ model }] = lossesIn('non_negative_outputs.ipynb');
  assert.equal(model.framework, 'pytorch');
  const penalty = model.terms.find((t) => t.role === 'penalty')!;
  assert.equal(penalty.constraint?.kind, 'non-negativity');
  // The extension's defaults (package.json), two λ.
  const built = buildTrialSpec(model, { ...settingsDefaults(), lambdas: [0, 10], includeCodeLambda: false, backend: 'wasm' });
  assert.ok(built.ok, built.ok ? '' : built.message);
  assert.deepEqual(built.spec.dataset, { kind: 'synthetic', task: 'non-negative-regression', samples: 2048, features: 8, outputs: 4 });
  const messages: TrainerToHost[] = [];
  await runTrial(TrialSpec.parse(built.spec), { send: (m) => messages.push(m), shouldStop: () => false });
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  assert.ok(points.length > 0, JSON.stringify(messages.filter((m) => m.type === 'error')));
  // Over the last fifth of the steps: one batch's fraction moves by 1/256 a value and is noisy.
  const late = (runId: string) => {
    const mine = points.filter((p) => p.runId === runId);
    const tail = mine.slice(-Math.ceil(mine.length / 5));
    return tail.reduce((sum, p) => sum + p.violations[penalty.id]!, 0) / tail.length;
  };
  const [free, constrained] = [late(built.spec.runs[0]!.id), late(built.spec.runs[1]!.id)];
  assert.ok(free > 0.08, `λ = 0 leaves negative outputs: ${free}`);
  assert.ok(constrained < free / 3, `λ = 10: ${constrained}, λ = 0: ${free}`);
});
