// Issue 9 §1: a TF.js regularizer class (`apply(x)`, given to a layer as `kernelRegularizer: new X(5e-4)`) is read
// as a penalty on that layer's tensor, its weight a constructor parameter property whose value the `new` binds.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { boundKey, staticNumber } from '../../../src/analysis/bound';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const source = `import * as tf from '@tensorflow/tfjs';

class SmallWeights extends tf.serialization.Serializable {
  static readonly className = 'SmallWeights';

  constructor(private readonly rate = 1e-2) {
    super();
  }

  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      const size = tf.sum(tf.square(x));
      return tf.mul(this.rate, size) as tf.Scalar;
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { rate: this.rate };
  }
}

const model = tf.sequential();
model.add(tf.layers.dense({ units: 4, inputShape: [3], kernelRegularizer: new SmallWeights(2e-3) as never }));
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
`;

describe('a TF.js regularizer class', () => {
  it('is a penalty on the kernel it is given to, weighted by the constructor parameter property', () => {
    const m = model(analyze(source, 'typescript'), 'SmallWeights');
    assert.equal(m.kind, 'regularizer');
    assert.deepEqual(m.regularizes, { on: 'kernel' });
    // the compiled loss is the base the regularizer adds to (analysis/compiledBase.ts)
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:SmallWeights*this.rate', 'base:+:meanSquaredError']);
  });

  it('its one penalty is named by the class, as a Keras regularizer is, not by the variable inside apply()', () => {
    const m = model(analyze(source, 'typescript'), 'SmallWeights');
    assert.deepEqual(
      m.terms.filter((t) => t.role === 'penalty').map((t) => t.label),
      ['SmallWeights'],
    );
  });

  it('its λ is what `new SmallWeights(2e-3)` passes, the default 1e-2 otherwise', () => {
    const m = model(analyze(source, 'typescript'), 'SmallWeights');
    assert.equal(boundKey(m, 'this.rate'), 'rate');
    assert.equal(m.usages.find((u) => u.kind === 'factory-call')?.boundArgs?.rate, 2e-3);
    assert.equal(staticNumber(m, 'this.rate'), 2e-3);
    const unbuilt = model(analyze(source.replace('new SmallWeights(2e-3)', 'new SmallWeights()'), 'typescript'), 'SmallWeights');
    assert.equal(staticNumber(unbuilt, 'this.rate'), 1e-2);
  });

  it('a class with an apply method that no layer is given is not a loss', () => {
    const plain = source.replace(/model\.add\([^\n]*\n/, '');
    assert.ok(!analyze(plain, 'typescript').models.some((m) => m.name === 'SmallWeights'));
  });
});

describe('a TF.js regularizer class beside a loss written in the compile call', () => {
  const gridSource = `import * as tf from '@tensorflow/tfjs';
import { Regularizer } from '@tensorflow/tfjs-layers/dist/regularizers';

class SnapToGrid extends Regularizer {
  private step: number;
  private strength: number;

  constructor(step: number, strength: number) {
    super();
    this.step = step;
    this.strength = strength;
  }

  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      const scaled = x.div(this.step);
      const off = scaled.sub(scaled.round()).square();
      return off.mean().mul(this.strength) as tf.Scalar;
    });
  }

  getConfig() {
    return { step: this.step, strength: this.strength };
  }

  static fromConfig(cls: any, config: any) {
    return new SnapToGrid(config.step as number, config.strength as number);
  }
}

const kernelStrength = 0.4;

export function build() {
  const model = tf.sequential();
  model.add(tf.layers.dense({
    units: 1,
    inputShape: [4],
    biasRegularizer: new SnapToGrid(1, 0.2),
    kernelRegularizer: new SnapToGrid(1, kernelStrength),
  }));
  model.compile({
    optimizer: tf.train.adam(0.01),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) =>
      tf.tidy(() => {
        const fit = tf.losses.meanSquaredError(yTrue, yPred);
        console.log(fit.dataSync()[0]);
        return fit;
      }),
  });
  return model;
}
`;

  it('the arrow compile is given is a loss used by that compile, and the base the regularizer adds to', () => {
    const a = analyze(gridSource, 'typescript');
    const compiled = a.models.find((m) => m.kind !== 'regularizer')!;
    assert.equal(compiled.name, 'loss');
    assert.ok(compiled.usages.some((u) => u.kind === 'compile'));
    const reg = model(a, 'SnapToGrid');
    assert.deepEqual(reg.terms.filter((t) => t.role === 'base').map((t) => t.label), ['fit']);
  });

  it("the settings are the ones the file's `new` calls bind, the kernel's strength (a module constant) first; the class's own fromConfig does not count", () => {
    const reg = model(analyze(gridSource, 'typescript'), 'SnapToGrid');
    assert.equal(staticNumber(reg, 'this.step'), 1);
    const first = reg.usages.find((u) => u.kind === 'factory-call');
    assert.equal(first?.boundArgs?.[boundKey(reg, 'this.strength')], 0.4);
  });
});

describe('a class field its constructor computes from its parameters', () => {
  it('is known where the parameters are (Math functions, arithmetic), with no place for λ write-back', () => {
    const src = `import * as tf from '@tensorflow/tfjs';

class TanhStep extends tf.serialization.Serializable {
  constructor(intensity, threshold = 0.1, steepness = 100) {
    super();
    this.intensity = intensity;
    this.yShift = Math.tanh(-threshold * steepness);
    this.half = (threshold + 0.3) / 2;
  }

  apply(x) {
    return tf.tidy(() => x.abs().sub(0.1).mul(100).tanh().sub(this.yShift).add(this.half).mean().mul(this.intensity));
  }
}

const dense = tf.layers.dense({ units: 2, kernelRegularizer: new TanhStep(0.15, 0.025, 25) });
`;
    const reg = model(analyze(src, 'javascript'), 'TanhStep');
    assert.ok(Math.abs(staticNumber(reg, 'this.yShift')! - Math.tanh(-0.025 * 25)) < 1e-12);
    assert.ok(Math.abs(staticNumber(reg, 'this.half')! - 0.1625) < 1e-12);
    assert.equal(reg.params.find((p) => p.name === 'this.yShift')?.defaultRange, undefined);
  });
});
