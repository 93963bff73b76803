// The seed article's three Keras examples (test/fixtures/seed/*.py), analysed by the Python front end and
// evaluated by the interpreter on fixed tensors, against closed-form values computed here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

const EPS = 1e-7;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

function seedModel(file: string): LossModel {
  const source = readFileSync(join(__dirname, '../../fixtures/seed', file), 'utf8');
  const analysis = analyzeSource(source, 'python', file);
  assert.equal(analysis.models.length, 1, `${file}: one loss`);
  return analysis.models[0];
}

describe('seed article examples, end to end through the front end', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  // Rows that do not sum to 1 (the penalty is non-zero) and one with a zero true-class probability (clipped).
  const onehot = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const probs = [[0.6, 0.3, 0.3], [0.1, 0.5, 0.2], [0.5, 0.5, 0]];

  it('example 1: categorical cross-entropy + λ·mean|Σp − 1|', () => {
    const model = seedModel('example1_sum_to_one.py');
    assert.deepEqual(findUnsupported(model), []);
    const ce = mean(onehot.map((t, i) => {
      const s = probs[i].reduce((a, b) => a + b, 0);
      return -t.reduce((acc, ti, j) => acc + ti * Math.log(clip(probs[i][j] / s)), 0);
    }));
    const penalty = mean(probs.map((row) => Math.abs(row.reduce((a, b) => a + b, 0) - 1)));
    const v = run(model, onehot, probs);
    const base = model.terms.find((t) => t.role === 'base')!;
    const pen = model.terms.find((t) => t.role === 'penalty')!;
    close(v.terms[base.id].raw, ce, 1e-5, 'cross-entropy');
    close(v.terms[pen.id].raw, penalty, 1e-5, 'sum penalty');
    close(v.original, ce, 1e-5, 'original');
    close(v.total, ce + 1.0 * penalty, 1e-5, 'total with the default λ = 1');
    const v10 = run(model, onehot, probs, { [model.lambdaParam!]: 10 });
    close(v10.terms[pen.id].weighted, 10 * penalty, 1e-5, 'λP with λ = 10');
    close(v10.total, ce + 10 * penalty, 1e-5, 'total with λ = 10');
  });

  it('example 2: MSE + λ·(lower² + upper²) with the default bounds [0, 1] and λ = 10', () => {
    const model = seedModel('example2_bounded_output.py');
    assert.deepEqual(findUnsupported(model), []);
    const yTrue = [[0.5, 0.2], [0.9, 0.1]];
    const yPred = [[1.5, -0.5], [0.7, 0.3]];
    const flat = yPred.flat();
    const mse = mean(yTrue.map((row, i) => mean(row.map((t, j) => (yPred[i][j] - t) ** 2))));
    const lower = mean(flat.map((y) => Math.max(0 - y, 0) ** 2));
    const upper = mean(flat.map((y) => Math.max(y - 1, 0) ** 2));
    const v = run(model, yTrue, yPred);
    close(v.original, mse, 1e-6, 'mse');
    const pen = model.terms.find((t) => t.role === 'penalty')!;
    close(v.terms[pen.id].raw, lower + upper, 1e-6, 'bound penalty');
    close(v.total, mse + 10 * (lower + upper), 1e-5, 'total');
    // Binding the bounds moves the penalty: with [−1, 2] nothing is outside.
    const wide = run(model, yTrue, yPred, { lower_bound: -1, upper_bound: 2 });
    close(wide.terms[pen.id].raw, 0, 1e-9, 'no violation inside [−1, 2]');
  });

  it('example 3: MSE + λ·mean|y_pred| with λ = 0.01', () => {
    const model = seedModel('example3_sparsity.py');
    assert.deepEqual(findUnsupported(model), []);
    const yTrue = [[0, 1, 0]];
    const yPred = [[0.2, -0.8, 0.0]];
    const mse = mean([0.04, 3.24, 0]);
    const l1 = mean([0.2, 0.8, 0]);
    const v = run(model, yTrue, yPred);
    close(v.original, mse, 1e-6, 'mse');
    close(v.total, mse + 0.01 * l1, 1e-6, 'total');
    const pen = model.terms.find((t) => t.role === 'penalty')!;
    close(v.terms[pen.id].raw, l1, 1e-6, 'l1 penalty');
  });
});
