// Options merged over defaults in TS/JS (issue 9 §2): `{ ...DEFAULTS, ...options }` or `Object.assign({}, DEFAULTS,
// options)` in a loss factory is known key by key: a key the factory's calls pass reads the value they pass, any
// other the module default (a constant λ write-back can edit). Calls that disagree leave the key unknown, refused by
// name rather than guessed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { analyze, model, ready } from './helpers';

const FILE = (merge: string, calls: string) => `import * as tf from '@tensorflow/tfjs';

const DEFAULTS = { bound: 1.0, weight: 0.01 };

function boundedLoss(options = {}) {
  const cfg = ${merge};
  return (yTrue, yPred) => {
    const fit = tf.losses.meanSquaredError(yTrue, yPred);
    const over = tf.relu(tf.abs(yPred).sub(cfg.bound)).mean();
    return fit.add(over.mul(cfg.weight));
  };
}

${calls}
`;

const penaltyWeight = (src: string) => {
  const m = model(analyze(src, 'javascript'), 'boundedLoss');
  const p = m.terms.find((t) => t.role === 'penalty');
  return { weight: p?.weight?.text, unsupported: findUnsupported(m).map((u) => u.op) };
};

describe('options merged over defaults', () => {
  before(() => ready);

  it('a key the call passes reads the passed value; the others the module default', () => {
    const got = penaltyWeight(FILE('{ ...DEFAULTS, ...options }', 'model.compile({ loss: boundedLoss({ weight: 0.2 }) });'));
    assert.deepEqual(got, { weight: '0.2', unsupported: [] });
  });

  it('no option passed: the default, read as the module constant DEFAULTS.weight', () => {
    const got = penaltyWeight(FILE('{ ...DEFAULTS, ...options }', 'model.compile({ loss: boundedLoss() });'));
    assert.deepEqual(got, { weight: 'DEFAULTS.weight', unsupported: [] });
  });

  it('Object.assign({}, DEFAULTS, options) merges the same way', () => {
    const got = penaltyWeight(FILE('Object.assign({}, DEFAULTS, options)', 'model.compile({ loss: boundedLoss({ weight: 0.3 }) });'));
    assert.deepEqual(got, { weight: '0.3', unsupported: [] });
  });

  it('calls passing different weights leave the key unknown, refused by name', () => {
    const got = penaltyWeight(FILE('{ ...DEFAULTS, ...options }', 'const a = boundedLoss({ weight: 0.2 });\nconst b = boundedLoss({ weight: 0.5 });'));
    assert.ok(got.unsupported.length > 0, JSON.stringify(got));
  });
});
