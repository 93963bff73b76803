// LL112 on `log(1 - p)` with p clipped below 1 is silent: the complement of a clip's ceiling is positive. TF.js
// writes the same complement as a call, `tf.scalar(1).sub(p).log()`, which the rule read as unguarded.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const BCE = `import * as tf from '@tensorflow/tfjs';

export function clippedBce(yTrue, yPred) {
  return tf.tidy(() => {
    const p = yPred.clipByValue(1e-7, 1 - 1e-7);
    const pos = yTrue.mul(p.log());
    const neg = tf.scalar(1).sub(yTrue).mul(tf.scalar(1).sub(p).log());
    const mass = yPred.sum(1).sub(tf.scalar(1)).square().mean();
    return pos.add(neg).neg().mean().add(tf.mul(0.4, mass));
  });
}
`;

const ll112 = (src: string) => check(src, 'javascript', 'bce.js').findings.filter((f) => f.code === 'LL112');

describe('LL112 on the complement of a clipped probability written as a call', () => {
  before(async () => {
    await initParsers();
  });

  it('is silent on tf.scalar(1).sub(p).log() with p clipped to [1e-7, 1 - 1e-7]', () => {
    assert.deepEqual(ll112(BCE), []);
  });

  it('still reports it when the clip leaves 1 reachable', () => {
    const found = ll112(BCE.replace('clipByValue(1e-7, 1 - 1e-7)', 'clipByValue(1e-7, 1)'));
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /tf\.scalar\(1\)\.sub\(p\)/);
  });
});
