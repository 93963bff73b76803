// TF.js: losses declared inside a script's training function, same-file helpers and same-class methods read through,
// `const [mean, logVar, recon] = yPred` unpacking, and the numbers inside a helper kept as its formula.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { check } from '../rules/corpus';
import { model, ready, termSummary } from './helpers';

before(() => ready);

const inTrain = `const tf = require('@tensorflow/tfjs');

async function fit(settings, source) {
  const net = tf.sequential();
  const bce = (target, output) => tf.tidy(() => tf.metrics.binaryCrossentropy(target, output));
  const gaussKl = (mu, lv) => tf.sum(tf.scalar(1).add(lv).sub(mu.square()).sub(lv.exp()), -1).mul(tf.scalar(-0.5));
  const elboLoss = (yTrue, yPred) => tf.tidy(() => {
    const [mu, lv, out] = yPred;
    const recon = bce(yTrue, out);
    const latent = gaussKl(mu, lv);
    return tf.mean(recon.add(latent));
  });
  for (let i = 0; i < settings.steps; i++) {
    const xs = source.next();
    await settings.opt.minimize(() => elboLoss(xs, net.apply(xs)), true);
  }
}
`;

describe('TF.js: losses inside a training function, with helpers', () => {
  it('finds the arrow declared in an async function body, follows its arrow helpers and unpacks the prediction', () => {
    const { analysis, findings } = check(inTrain, 'javascript', 'vae.js');
    const m = model(analysis, 'elboLoss');
    // the helper's -0.5 is the KL's own formula: the KL is added without a λ (LL101), named by the caller's local
    assert.deepEqual(m.terms.map(termSummary), ['base:+:recon', 'penalty:+:latent']);
    assert.deepEqual(findings.map((f) => f.code), ['LL101']);
    assert.deepEqual(findUnsupported(m), []);
    const unpacked: string[] = [];
    const visit = (e: unknown): void => {
      if (!e || typeof e !== 'object') return;
      const x = e as { kind?: string; unpacked?: boolean; text?: string };
      if (x.kind === 'subscript' && x.unpacked) unpacked.push(x.text ?? '');
      for (const v of Object.values(e)) if (v && typeof v === 'object') visit(v);
    };
    visit(m.body);
    assert.deepEqual([...new Set(unpacked)].sort(), ['yPred[0]', 'yPred[1]', 'yPred[2]']);
  });

  it('follows `this.m(…)` of the loss\'s own class, and does not follow a recursive helper', () => {
    const src = `const tf = require('@tensorflow/tfjs');
class Model {
  rec(yTrue, yPred) { return tf.losses.meanSquaredError(yTrue, yPred); }
  spread(p) { return p.square().mean(); }
  loss(yTrue, yPred) {
    const base = this.rec(yTrue, yPred);
    const reg = this.spread(yPred);
    return base.add(reg.mul(0.1));
  }
}
function again(yTrue, yPred) { return again(yTrue, yPred); }
`;
    const { analysis } = check(src, 'javascript', 'cls.js');
    const m = model(analysis, 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:base', 'penalty:+:reg*0.1']);
    assert.deepEqual(findUnsupported(m), []);
    const r = model(analysis, 'again');
    assert.equal(r.body.kind, 'unsupported');
  });
});
