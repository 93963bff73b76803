// TF.js: a loss arrow declared under a name inside a training method and handed to `optimizer.minimize(lossFn, …)`,
// a model whose `forward` returns [recon, mu, logvar], and a λ in a module-level config object with a `||` fallback.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss } from '../../../src/analysis/index';
import { analyze, model, ready, termSummary } from './helpers';

const SRC = `import * as tf from '@tensorflow/tfjs';

export const SETTINGS = { lr: 0.001, beta: 0.3 };

export class Trainer {
  step(xs) {
    return tf.tidy(() => {
      const x = tf.tensor2d(xs);
      const objective = () => {
        const [recon, mu, logvar] = this.net.forward(x);
        const rec = tf.losses.meanSquaredError(x, recon);
        const kl = tf.mean(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(1, logvar)));
        return tf.add(rec, tf.mul(SETTINGS.beta || 0.5, kl));
      };
      return this.optimizer.minimize(objective, true);
    });
  }
}
`;

describe('a named arrow given to minimize', () => {
  before(() => ready);

  it("is the loss, named by its variable; forward's first output is the prediction, its input the target", () => {
    const a = analyze(SRC, 'javascript');
    const m = model(a, 'objective');
    assert.deepEqual([m.yTrue, m.yPred], ['x', 'recon']);
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name), ['mu', 'logvar']);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok && chosen.model === m);
  });

  it('SETTINGS.beta || 0.5 is SETTINGS.beta: a module constant 0.3, written back in the object', () => {
    const m = model(analyze(SRC, 'javascript'), 'objective');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kl*SETTINGS.beta']);
    const p = m.params.find((x) => x.name === 'SETTINGS.beta');
    assert.equal(p?.default, 0.3);
    assert.equal(p?.origin, 'module-constant');
    const r = p!.defaultRange!;
    assert.equal(SRC.split('\n')[r.startLine]!.slice(r.startCol, r.endCol), '0.3');
  });

  it('a fallback on a constant that is zero, or not a constant, is not decided', () => {
    const zero = model(analyze(SRC.replace('beta: 0.3', 'beta: 0'), 'javascript'), 'objective');
    assert.notEqual(zero.terms[1]?.weightParam, 'SETTINGS.beta');
  });

  it('a name bound to something else than an arrow is not followed', () => {
    const src = SRC.replace('this.optimizer.minimize(objective, true)', 'this.optimizer.minimize(x, true)');
    assert.throws(() => model(analyze(src, 'javascript'), 'objective'));
  });
});
