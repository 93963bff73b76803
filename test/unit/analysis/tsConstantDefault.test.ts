// A TS/JS factory whose λ parameter defaults to a module constant (`function combined(weight = AUX_WEIGHT)` with
// `const AUX_WEIGHT = 0.4` above, `focalLoss(gamma = FOCAL_GAMMA)`): called with no argument, JS binds the
// constant's value, so λ is that value, written back where the constant is written.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

const SRC = `const tf = require('@tensorflow/tfjs');
const AUX_WEIGHT = 0.4;

function combined(weight = AUX_WEIGHT) {
  return (yTrue, yPred) => tf.tidy(() => {
    const fit = tf.losses.meanSquaredError(yTrue, yPred);
    const mass = yPred.sum(1).sub(1).square().mean();
    return fit.add(mass.mul(tf.scalar(weight)));
  });
}

const model = tf.sequential();
model.compile({ optimizer: 'adam', loss: combined() });
`;

describe('a TS/JS parameter defaulting to a module constant', () => {
  before(() => ready);

  it('the default is the constant: λ = weight = AUX_WEIGHT = 0.4, written back at the constant', () => {
    const m = model(analyze(SRC, 'javascript'), 'combined');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:mass*tf.scalar(weight)']);
    const p = m.params.find((x) => x.name === 'weight');
    assert.equal(p?.default, 0.4);
    assert.ok(p?.defaultRange);
    const written = SRC.split('\n')[p.defaultRange.startLine]!.slice(p.defaultRange.startCol, p.defaultRange.endCol);
    assert.equal(written, '0.4');
  });

  it('a default naming something that is not a number constant stays without a value', () => {
    const m = model(analyze(SRC.replace('const AUX_WEIGHT = 0.4;', 'const AUX_WEIGHT = loadWeight();'), 'javascript'), 'combined');
    assert.equal(m.params.find((x) => x.name === 'weight')?.default, undefined);
  });
});
