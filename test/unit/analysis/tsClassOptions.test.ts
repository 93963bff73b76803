// A TS/JS class's λ taken from the options object its constructor is given: `this._w = options.w ?? 1.0` and
// `this.cfg = { ...DEFAULTS, ...config }`, bound as JS binds them by the file's `new` calls (issue 9 §2), for a loss
// method and for a loss inline in a step method's `optimizer.minimize`. Calls that disagree leave it unknown.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { DocumentAnalyzer } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { analyze, comparable, model, ready } from './helpers';

before(() => ready);

const TRAINER = (assign: string, build: string) => `const tf = require('@tensorflow/tfjs');
class Trainer {
  constructor(net, options = {}) {
    this.net = net;
    ${assign}
  }

  multiLoss(yTrue, yPred) {
    const fit = tf.losses.meanSquaredError(yTrue, yPred);
    const spread = tf.mean(tf.square(tf.sub(tf.sum(yPred, 1), 1)));
    return tf.add(fit, tf.mul(spread, this._w));
  }
}
${build}
`;

const penaltyLambda = (m: LossModel): number | undefined => {
  const w = m.terms.find((t) => t.role === 'penalty')?.weight;
  return w ? staticNumber(m, w.text) : undefined;
};
const lambdaOf = (source: string) => penaltyLambda(model(analyze(source, 'javascript'), 'multiLoss'));

describe('a class setting read from its options object', () => {
  it('options.w ?? 1.0: the value every new call passes, else the fallback', () => {
    assert.equal(lambdaOf(TRAINER('this._w = options.w ?? 1.0;', 'const t = new Trainer(net, { w: 0.5 });')), 0.5);
    assert.equal(lambdaOf(TRAINER('this._w = options.w ?? 1.0;', 'const t = new Trainer(net, { epochs: 3 });')), 1.0);
    assert.equal(lambdaOf(TRAINER('this._w = options.w ?? 1.0;', '')), 1.0);
    assert.equal(lambdaOf(TRAINER('this._w = options.w || 0.3;', 'const t = new Trainer(net, { w: 0 });')), 0.3, '`||` falls back on 0');
  });

  it('calls that disagree, or options built elsewhere, leave it unknown', () => {
    assert.equal(lambdaOf(TRAINER('this._w = options.w ?? 1.0;', 'new Trainer(a, { w: 0.5 });\nnew Trainer(b, { w: 0.2 });')), undefined);
    assert.equal(lambdaOf(TRAINER('this._w = options.w ?? 1.0;', 'new Trainer(a, loadOptions());')), undefined);
  });

  it('the trainer reads the same value, and write-back edits it in the new call', () => {
    const source = TRAINER('this._w = options.w ?? 1.0;', 'const t = new Trainer(net, { w: 0.5 });');
    const m = model(analyze(source, 'javascript'), 'multiLoss');
    assert.equal(makeLookup(m, {})('this._w'), 0.5);
    const out = writeLambda(m, source, 2);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.match(out.text, /new Trainer\(net, \{ w: 2\.0 \}\)/);
  });
});

const ENCODER = (build: string) => `import * as tf from '@tensorflow/tfjs';
export const DEFAULTS = { margin: 0.5, contrastWeight: 0.1 };
export class Encoder {
  private readonly cfg: typeof DEFAULTS;
  constructor(config: Partial<typeof DEFAULTS> = {}) {
    this.cfg = { ...DEFAULTS, ...config };
  }
  step(x: tf.Tensor, other: tf.Tensor, target: tf.Tensor) {
    this.optimizer.minimize(() => {
      const pred = this.model.predict(x) as tf.Tensor;
      const fit = tf.losses.meanSquaredError(target, pred);
      const hinge = tf.maximum(tf.scalar(0), tf.scalar(this.cfg.margin).sub(pred.sub(other).norm()));
      return fit.add(hinge.mul(this.cfg.contrastWeight)) as tf.Scalar;
    });
  }
}
${build}
`;

describe('a class config merged over module defaults', () => {
  const minimized = (source: string) => analyze(source, 'typescript').models.find((m) => m.terms.some((t) => t.role === 'penalty'))!;

  it('{ ...DEFAULTS, ...config } in the constructor: the default, read by a loss inline in minimize', () => {
    assert.equal(penaltyLambda(minimized(ENCODER(''))), 0.1);
    assert.equal(makeLookup(minimized(ENCODER('')), {})('this.cfg.margin'), 0.5, 'the hinge margin too');
  });

  it('a key the new calls pass overrides the default; calls that disagree leave it unknown', () => {
    assert.equal(penaltyLambda(minimized(ENCODER('const e = new Encoder({ contrastWeight: 0.02 });'))), 0.02);
    assert.equal(penaltyLambda(minimized(ENCODER('new Encoder({ contrastWeight: 0.02 });\nnew Encoder({ contrastWeight: 0.3 });'))), undefined);
  });
});

describe('the editor after an edit of the call that binds the options', () => {
  it('a class loss reads the new value, not the one cached with the class text', () => {
    const doc = new DocumentAnalyzer('javascript');
    doc.update(TRAINER('this._w = options.w ?? 1.0;', 'const t = new Trainer(net, { w: 0.5 });'));
    const edited = TRAINER('this._w = options.w ?? 1.0;', 'const t = new Trainer(net, { w: 0.7 });');
    assert.deepEqual(comparable(doc.update(edited)), comparable(analyze(edited, 'javascript')));
    doc.dispose();
  });
});
