// Whole PyTorch loss functions, end to end: the source goes through the Python front end and the interpreter, and
// the total must equal what torch computes for the same function on the same inputs (test/golden/torch-losses.json,
// made by scripts/golden/torch_losses.py with Debian's python3-torch).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run, tf } from './tf';

interface LossCase {
  name: string;
  source: string;
  pred: number[][];
  target: number[] | number[][];
  target_dtype: 'int' | 'float';
  total: number;
}

const golden = JSON.parse(readFileSync(join(__dirname, '../../golden/torch-losses.json'), 'utf8')) as { torch: string; cases: LossCase[] };

describe(`whole PyTorch losses match torch ${golden.torch}`, () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  for (const c of golden.cases) {
    it(c.name, () => {
      const analysis = analyzeSource(c.source, 'python', 'loss.py');
      assert.equal(analysis.models.length, 1, `${c.name}: ${JSON.stringify(analysis.syntaxErrors)}`);
      const model = analysis.models[0];
      assert.equal(model.framework, 'pytorch');
      assert.deepEqual(findUnsupported(model), []);
      const target = tf.tensor(c.target, undefined, c.target_dtype === 'int' ? 'int32' : 'float32');
      const v = run(model, target, c.pred);
      close(v.total, c.total, 1e-5, c.name);
      target.dispose();
    });
  }
});
