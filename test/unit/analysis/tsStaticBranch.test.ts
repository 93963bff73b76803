// TS/JS: an `if` the module's literal settings decide (`if (params!.regularization === 'l2' && params!.strength > 0)`
// with `const params = { regularization: 'l2', strength: 0.01 }`) runs only the branch they take: the loss is that
// branch's (an L2 penalty), not the L1 one the settings never select. The TS grammar reads `a!.b === 'x' && a!.c`
// as a non-null assertion over the `&&` before it; the test is read without the assertions.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, ready } from './helpers';

before(() => ready);

const src = (kind: string, declare = 'const') => `import * as tf from '@tensorflow/tfjs';

interface Params { regularization: string; strength: number }
${declare} params: Params | null = { regularization: '${kind}', strength: 0.01 };
const w = tf.variable(tf.randomNormal([4, 1]));
const opt = tf.train.adam(0.05);

export function step(xs: tf.Tensor2D, ys: tf.Tensor2D): void {
  opt.minimize(() => {
    const pred = tf.matMul(xs, w);
    const loss = tf.losses.meanSquaredError(ys, pred) as tf.Scalar;
    if (params!.regularization === 'l2' && params!.strength && params!.strength > 0) {
      const l2Penalty = tf.mul(tf.scalar(params!.strength), tf.sum(tf.square(w)));
      return tf.add(loss, l2Penalty) as tf.Scalar;
    } else if (params!.regularization === 'l1' && params!.strength > 0) {
      const l1Penalty = tf.mul(tf.scalar(params!.strength), tf.sum(tf.abs(w)));
      return tf.add(loss, l1Penalty) as tf.Scalar;
    }
    return loss;
  });
}
`;

const penalties = (source: string) =>
  analyze(source, 'typescript')
    .models[0]!.terms.filter((t) => t.role === 'penalty')
    .map((t) => t.label);

describe('a TS branch decided by the module settings', () => {
  it('reads the branch the settings take', () => {
    assert.deepEqual(penalties(src('l2')), ['l2Penalty']);
    assert.deepEqual(penalties(src('l1')), ['l1Penalty']);
    assert.deepEqual(penalties(src('none')), []);
  });

  it('leaves both branches where the test reads what the settings do not fix (a parameter)', () => {
    const open = src('l2').replace("if (params!.regularization === 'l2'", "if (kind === 'l2'").replace("if (params!.regularization === 'l1'", "if (kind === 'l1'").replace('export function step(xs: tf.Tensor2D, ys: tf.Tensor2D)', "export function step(xs: tf.Tensor2D, ys: tf.Tensor2D, kind = 'l2')");
    const hasConditional = (e: unknown): boolean =>
      !!e && typeof e === 'object' && ((e as { kind?: string }).kind === 'conditional' || Object.values(e).some((v) => (Array.isArray(v) ? v.some(hasConditional) : hasConditional(v))));
    assert.ok(hasConditional(analyze(open, 'typescript').models[0]!.body));
    assert.ok(!hasConditional(analyze(src('l2'), 'typescript').models[0]!.body));
  });
});
