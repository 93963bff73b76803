// λ kept in a config object the class holds (`this.config = { beta: 0.5 }`, or a field `config = {…}`), read as
// `this.config['beta']` or `this.config.beta`: the penalty's λ is that property, with its value and where it is written.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

const cls = (field: string, read: string) => `import * as tf from '@tensorflow/tfjs';

export class Adapter {
  ${field}

  vaeLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
    const recon = tf.losses.meanSquaredError(yTrue, yPred);
    const kl = tf.mean(tf.square(yPred));
    return tf.add(recon, tf.mul(kl, ${read})) as tf.Scalar;
  }
}
`;

const CTOR = "private config: any;\n  constructor() {\n    this.config = { units: 32, beta: 0.25 };\n  }";
const FIELD = "config = { units: 32, 'beta': 0.25 };";

describe('λ in a config object of the class', () => {
  before(() => ready);

  for (const [where, field] of [['built in the constructor', CTOR], ['a class field', FIELD]] as const) {
    for (const read of ["this.config['beta']", 'this.config.beta']) {
      it(`${read}, the object ${where}: λ = this.config.beta = 0.25`, () => {
        const src = cls(field, read);
        const m = model(analyze(src, 'typescript'), 'vaeLoss');
        assert.deepEqual(m.terms.map(termSummary), ['base:+:recon', 'penalty:+:kl*this.config.beta']);
        assert.equal(m.lambdaParam, 'this.config.beta');
        const p = m.params.find((x) => x.name === 'this.config.beta');
        assert.equal(p?.default, 0.25);
        assert.ok(p?.defaultRange, 'the literal is where λ is written back');
        const written = src.split('\n')[p.defaultRange.startLine]!.slice(p.defaultRange.startCol, p.defaultRange.endCol);
        assert.equal(written, '0.25');
      });
    }
  }

  it('a string key on another object (a dict of tensors) stays a subscript', () => {
    const src = cls(CTOR, "yPred['beta']");
    const m = model(analyze(src, 'typescript'), 'vaeLoss');
    assert.equal(m.lambdaParam, undefined);
  });

  it('a config object given as a default (constructor(config = { beta: 0.4 }), a loss parameter opts = { smooth: 0.3 })', () => {
    const ctor = cls('private config: any;\n  constructor(config = { units: 8, beta: 0.4 }) {\n    this.config = config;\n  }', 'this.config.beta');
    const m = model(analyze(ctor, 'typescript'), 'vaeLoss');
    assert.equal(m.params.find((x) => x.name === 'this.config.beta')?.default, 0.4);
    const fn = `import * as tf from '@tensorflow/tfjs';
export function smoothLoss(yTrue: tf.Tensor, yPred: tf.Tensor, opts = { smooth: 0.3 }): tf.Tensor {
  const fit = tf.losses.meanSquaredError(yTrue, yPred);
  const rough = tf.mean(tf.abs(yPred));
  return fit.add(rough.mul(opts.smooth));
}
`;
    const f = model(analyze(fn, 'typescript'), 'smoothLoss');
    assert.equal(f.lambdaParam, 'opts.smooth');
    assert.equal(f.params.find((x) => x.name === 'opts.smooth')?.default, 0.3);
  });
});
