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
    const src = TWO_PHASES.replace('tf.mul(0.05, kl)', 'tf.mul(0.05, tf.linalg.gramSchmidt(kl))');
    const { findings } = check(src, 'javascript', 'trainer.js');
    assert.equal(findings.filter((f) => f.code === 'LL113' && f.message.includes('tf.linalg.gramSchmidt')).length, 1);
  });
});

// A criterion object of a loss class of the file, built above the loop and called in it: the trainer runs its forward
// (ir.ts call `forward`), so LL113 judges the ops there, never the class's name.
const HELD_CRITERION = `import torch
import torch.nn as nn

class EdgeWeightedMSE(nn.Module):
    def __init__(self, edge=2.0):
        super().__init__()
        self.edge = edge

    def forward(self, pred, target):
        return torch.mean((pred - target) ** 2 * (1 + self.edge * target.abs()))

criterion = EdgeWeightedMSE(edge=3.0)
for x, y in loader:
    pred = model(x)
    fit = criterion(pred, y)
    rough = torch.mean((pred[:, 1:] - pred[:, :-1]) ** 2)
    loss = fit + 0.1 * rough
    loss.backward()
`;

describe('LL113 on a call of a loss class of the file', () => {
  before(async () => {
    await initParsers();
  });

  it('is silent on the class name when its forward is plain ops', () => {
    const { findings } = check(HELD_CRITERION, 'python', 'train.py');
    assert.deepEqual(findings.filter((f) => f.code === 'LL113').map((f) => f.message), []);
  });

  it('reports an op its forward uses that the trainer lacks', () => {
    const { findings } = check(HELD_CRITERION.replace('target.abs()', 'torch.special.i0e(target)'), 'python', 'train.py');
    assert.deepEqual(findings.filter((f) => f.code === 'LL113').map((f) => f.message.match(/`([^`]+)`/)?.[1]), ['torch.special.i0e']);
  });
});
