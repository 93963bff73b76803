// The real-shapes corpus, analysis side (issue "Real losses, as people write them" §5): on every fixture, the loss a
// command picks, its base/penalty split with λ, and what `loss-lab check` reports, against the fixture's header.
// Known gaps are a ratchet (test/fixtures/real-shapes/known-gaps.json): a listed aspect must still fail, so a fix
// forces its removal; an unlisted one must hold.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { ASPECTS, BATCHES, type Fixture, falseAlarmsPerRule, figure, listFixtures, type Measurement, measureStatic, ratchet, readKnownGaps } from './corpus';

const fixtures = listFixtures();
const gaps = readKnownGaps();
const results: { fixture: Fixture; measured: Measurement }[] = [];

describe('real-shapes corpus: discovery, split and check', () => {
  before(async () => {
    await initParsers();
  });

  test('the corpus covers every shape and framework the issues name, with at least 40 fixtures', () => {
    assert.ok(fixtures.length >= 40, `${fixtures.length} fixtures`);
    const shapes = new Set(fixtures.map((f) => f.expect.shape));
    for (const s of ['function', 'function-extra-tensors', 'factory-closure', 'loss-class', 'nn-module', 'model-method', 'inline-loop', 'training-step', 'train-step', 'add-loss', 'regularizer', 'class-field', 'class-method', 'notebook', 'reduction-hides-sum']) {
      assert.ok(shapes.has(s), `no fixture of shape ${s}`);
    }
    const frameworks = new Set(fixtures.map((f) => f.expect.framework));
    for (const fw of ['keras', 'pytorch', 'tfjs']) assert.ok(frameworks.has(fw as 'keras'), `no ${fw} fixture`);
  });

  test('known-gaps.json names real fixtures and aspects, each with a reason', () => {
    const files = new Set(fixtures.map((f) => f.file));
    for (const [file, aspects] of Object.entries(gaps)) {
      assert.ok(files.has(file), `known-gaps.json lists ${file}, which is not a fixture`);
      for (const [aspect, reason] of Object.entries(aspects)) {
        assert.ok((ASPECTS as readonly string[]).includes(aspect), `${file}: unknown aspect ${aspect}`);
        assert.ok(typeof reason === 'string' && reason.trim().length > 0, `${file}: ${aspect} needs a reason`);
      }
    }
  });

  for (const fixture of fixtures) {
    test(`${fixture.file}: loss, split and findings as a careful reviewer expects (or as known-gaps.json says)`, () => {
      const measured = measureStatic(fixture);
      results.push({ fixture, measured });
      const problems = ratchet(fixture, measured, gaps);
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }

  test('figures', () => {
    const line = (label: string, rs: typeof results) =>
      `${label}: shapes recognised ${figure(rs, 'loss')}, split and λ right ${figure(rs, 'split')}, findings as expected ${figure(rs, 'findings')}`;
    console.log(`real-shapes ${line('all', results)}; false alarms per rule: ${falseAlarmsPerRule(fixtures)}`);
    for (const batch of BATCHES) {
      const rs = results.filter((r) => batch.has(r.fixture));
      if (rs.length > 0) console.log(`real-shapes ${line(batch.label, rs)}; false alarms per rule: ${falseAlarmsPerRule(rs.map((r) => r.fixture))}`);
    }
    assert.equal(results.length, fixtures.length);
  });
});
