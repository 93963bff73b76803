// LL113 tells a user, before a trial, that "Train with constraint" would stop at an op. A trial trains one loss: the
// one the file uses (choose.ts). An op in another loss of the file (a second training phase's objective, a metric)
// never reaches the trainer unless that loss is picked, so it is not reported on the file.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const TWO_PHASES = `import * as tf from '@tensorflow/tfjs';
export class Trainer {
  step(batch) {
    if (this.phase === 1) {
      const objective = () => {
        const [recon, mu, logvar] = this.vae.forward(batch);
        const rec = tf.losses.meanSquaredError(batch, recon);
        const kl = tf.mean(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(1, logvar)));
        return tf.add(rec, tf.mul(0.05, kl));
      };
      return this.optA.minimize(objective, true);
    }
    const drift = () => {
      const out = this.flow.predict(batch);
      const target = tf.linalg.bandPart(this.vae.encode(batch), 0, 0);
      return tf.losses.meanSquaredError(target, out);
    };
    return this.optB.minimize(drift, true);
  }
}
`;

describe('LL113 on the loss a trial trains', () => {
  before(async () => {
    await initParsers();
  });

  it('is silent on an op of a loss the trial does not train (the other phase, no penalty)', () => {
    const { analysis, findings } = check(TWO_PHASES, 'javascript', 'trainer.js');
    assert.ok(analysis.models.some((m) => m.name === 'drift'), 'the second objective is a loss of the file');
    assert.deepEqual(findings.filter((f) => f.code === 'LL113').map((f) => f.message), []);
  });

  it('reports the same op when it is in the loss the trial trains', () => {
    const src = TWO_PHASES.replace('tf.mul(0.05, kl)', 'tf.mul(0.05, tf.linalg.bandPart(kl, 0, 0))');
    const { findings } = check(src, 'javascript', 'trainer.js');
    assert.equal(findings.filter((f) => f.code === 'LL113' && f.message.includes('tf.linalg.bandPart')).length, 1);
  });
});
