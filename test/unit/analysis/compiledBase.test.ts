// A penalty in an add_loss or a Regularizer adds to the loss the model compiles (issue 9 §1): that compiled loss is
// the model's base term, in each form `compile` takes it (a Keras name, `losses.fn`, a loss object with literal
// settings, a TF.js name), so rules and the trainer see base + λ·penalty.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { readCompiledBase } from '../../../src/analysis/compiledBase';
import { createParser } from '../../../src/analysis/parsing/parsers';
import { analyze, model, ready, termSummary } from './helpers';

const REGULARIZER = (compile: string) => `import tensorflow as tf
from tensorflow import keras


class Spread(keras.regularizers.Regularizer):
    def __init__(self, rate=0.0):
        self.rate = rate

    def __call__(self, x):
        return self.rate * tf.reduce_sum(tf.square(x))


inputs = keras.Input(shape=(8,))
outputs = keras.layers.Dense(3, activity_regularizer=Spread(rate=0.01))(inputs)
model = keras.Model(inputs, outputs)
${compile}
`;

const LAYER = `import tensorflow as tf
from tensorflow import keras


class Penalised(keras.layers.Layer):
    def __init__(self, strength=1e-2, **kwargs):
        super().__init__(**kwargs)
        self.strength = strength

    def call(self, inputs):
        self.add_loss(self.strength * tf.reduce_sum(tf.abs(inputs)))
        return inputs


inputs = keras.Input(shape=(8,))
h = Penalised(strength=1e-3)(keras.layers.Dense(16)(inputs))
model = keras.Model(inputs, keras.layers.Dense(4, activation="softmax")(h))
model.compile(optimizer="adam", loss="categorical_crossentropy")
`;

describe('the compiled loss is the base of an add_loss or a regularizer', () => {
  before(() => ready);

  const forms: [string, string, string][] = [
    ['a Keras name', 'model.compile(optimizer="adam", loss="mse")', 'tf.keras.losses.mse'],
    ['losses.fn', 'model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.mean_absolute_error)', 'tf.keras.losses.mean_absolute_error'],
    ['a loss object', 'model.compile(\n    optimizer="adam",\n    loss=tf.keras.losses.Huber(delta=2.0),\n)', 'tf.keras.losses.Huber'],
  ];
  for (const [what, compile, callee] of forms) {
    it(`${what}: ${compile.replace(/\s+/g, ' ')}`, () => {
      const m = model(analyze(REGULARIZER(compile)), 'Spread');
      const base = m.terms.find((t) => t.role === 'base');
      assert.ok(base, m.terms.map(termSummary).join(', '));
      assert.equal(base.expr.kind === 'call' && base.expr.args[0]?.kind === 'call' ? base.expr.args[0].callee : undefined, callee);
      assert.equal(m.terms.filter((t) => t.role === 'penalty').length, 1, 'the regularizer is still the penalty');
    });
  }

  it("a regularizer's penalty written with no variable of its own is named by the regularizer", () => {
    const m = model(analyze(REGULARIZER('')), 'Spread');
    assert.deepEqual(m.terms.map((t) => t.label), ['Spread']);
  });

  it("a loss object's literal settings are kept (Huber's delta)", () => {
    const m = model(analyze(REGULARIZER('model.compile(optimizer="adam", loss=tf.keras.losses.Huber(delta=2.0))')), 'Spread');
    const base = m.terms.find((t) => t.role === 'base');
    const call = base?.expr.kind === 'call' ? base.expr.args[0] : undefined;
    assert.deepEqual(call?.kind === 'call' ? call.kwargs.delta : undefined, { kind: 'number', value: 2, range: base?.range, text: 'Huber' });
  });

  it('no compile, or a compile without a framework loss: no base is invented', () => {
    assert.deepEqual(model(analyze(REGULARIZER('')), 'Spread').terms.map((t) => t.role), ['penalty']);
    assert.deepEqual(model(analyze(REGULARIZER('model.compile(optimizer="adam", loss=my_loss)')), 'Spread').terms.map((t) => t.role), ['penalty']);
  });

  it("a loss function of the file that compile names is the regularizer's base (its terms, averaged, named as compile names it)", () => {
    const source = REGULARIZER('model.compile(optimizer="adam", loss=weighted_mse)').replace(
      'inputs = keras.Input',
      'def weighted_mse(y_true, y_pred):\n    return tf.reduce_mean(2.0 * tf.square(y_true - y_pred))\n\n\ninputs = keras.Input',
    );
    const spread = model(analyze(source), 'Spread');
    assert.deepEqual(spread.terms.map((t) => [t.role, t.label]), [['base', 'weighted_mse'], ['penalty', 'Spread']]);
  });

  it("a layer's add_loss: the compiled base, and the λ its constructor call binds", () => {
    const m = model(analyze(LAYER), 'call');
    assert.deepEqual(m.terms.map((t) => t.role), ['penalty', 'base']);
    assert.equal(m.terms[1]?.label, 'categorical_crossentropy');
    const u = m.usages.find((x) => x.kind === 'factory-call');
    assert.equal(u?.boundArgs?.strength, 1e-3, 'Penalised(strength=1e-3) binds self.strength');
  });

  it('TF.js: compile({ loss: name }) is the base of a regularizer class', () => {
    const src = `import * as tf from '@tensorflow/tfjs';
class Small extends tf.serialization.Serializable {
  constructor(private readonly rate = 1e-3) { super(); }
  apply(x: tf.Tensor): tf.Scalar { return tf.mul(this.rate, tf.sum(tf.square(x))) as tf.Scalar; }
  static get className() { return 'Small'; }
}
const model = tf.sequential();
model.add(tf.layers.dense({ units: 4, inputShape: [8], kernelRegularizer: new Small(5e-4) }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`;
    const m = analyze(src, 'typescript').models.find((x) => x.kind === 'regularizer');
    assert.ok(m, 'the regularizer class is found');
    const base = m.terms.find((t) => t.role === 'base');
    assert.equal(base?.label, 'meanSquaredError');
    assert.equal(base?.expr.kind === 'call' && base.expr.args[0]?.kind === 'call' ? base.expr.args[0].callee : undefined, 'tf.metrics.meanSquaredError');
    const col = src.split('\n')[8]!.indexOf('meanSquaredError');
    assert.deepEqual(readCompiledBase(createParser('typescript').parse(src)!.rootNode, src, 'ts')?.range, { startLine: 8, startCol: col, endLine: 8, endCol: col + 'meanSquaredError'.length });
  });

  it('compile read from the syntax tree: nested calls before loss= do not hide it, for both uses', () => {
    const compile = 'model.compile(\n    optimizer=keras.optimizers.Adam(learning_rate=keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.9)),\n    loss="mse",\n)';
    const m = model(analyze(REGULARIZER(compile)), 'Spread');
    assert.equal(m.terms.find((t) => t.role === 'base')?.label, 'mse', 'the base of a regularizer');
    const step = `import tensorflow as tf
from tensorflow import keras


class RowModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            probs = self(x, training=True)
            fit = self.compiled_loss(y, probs)
            gap = tf.reduce_mean(tf.square(tf.reduce_sum(probs, axis=1) - 1.0))
            total = fit + 0.2 * gap
        self.optimizer.minimize(total, self.trainable_variables, tape=tape)
        return {"loss": total}


model = RowModel()
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="categorical_crossentropy")
`;
    const fit = model(analyze(step), 'train_step').terms.find((t) => t.label === 'fit');
    const call = fit?.expr.kind === 'call' ? fit.expr.args[0] : undefined;
    assert.equal(call?.kind === 'call' ? call.callee : undefined, 'tf.keras.losses.categorical_crossentropy', 'what self.compiled_loss computes');
  });

  it('TF.js: an optimizer built in the config object does not hide the loss', () => {
    const src = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.compile({ optimizer: tf.train.adam(1e-3), metrics: [{ name: 'mae' }.name], loss: tf.losses.meanSquaredError });
`;
    assert.equal(readCompiledBase(createParser('typescript').parse(src)!.rootNode, src, 'ts')?.name, 'meanSquaredError');
  });

  it('several compiles: the last one the file writes names the base, whatever comes after it that is not a compile', () => {
    const src = `import re
model.compile(optimizer="adam", loss="mse")
other.compile(optimizer="sgd", loss="mae")
model.fit(x, y)
pattern = re.compile("loss")
model.compile(optimizer="adam", loss="huber")
print(compile)
`;
    assert.equal(readCompiledBase(createParser('python').parse(src)!.rootNode, src, 'python')?.name, 'huber');
    const noneLast = src.replace('model.compile(optimizer="adam", loss="huber")', 'model.compile(optimizer="adam")');
    assert.equal(readCompiledBase(createParser('python').parse(noneLast)!.rootNode, noneLast, 'python'), undefined, 'the last compile names no loss: no base, as before');
  });

  const STEP = (compile: string, body: string) => `import tensorflow as tf
from tensorflow import keras


class Captioner(keras.Model):
    def train_step(self, data):
        x, target = data
        with tf.GradientTape() as tape:
${body}
            cover = tf.reduce_mean(tf.square(1.0 - tf.reduce_sum(probs, axis=1)))
            loss += 0.5 * cover
        self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
        return {"loss": loss}


model = Captioner()
model.${compile}
`;

  it('`self.compiled_loss` is named as written, and a loss object the compile builds is that object called', () => {
    const body = '            probs = self(x, training=True)\n            loss = self.compiled_loss(target, probs)';
    const m = model(analyze(STEP('compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))', body)), 'train_step');
    const base = m.terms.find((t) => t.role === 'base');
    assert.equal(base?.label, 'compiled_loss');
    assert.equal(base?.expr.kind === 'call' ? base.expr.callee : undefined, 'tf.keras.losses.SparseCategoricalCrossentropy');
    assert.equal(base?.expr.kind === 'call' ? base.expr.kwargs.from_logits?.kind : undefined, 'bool');
    const named = model(analyze(STEP('compile(optimizer="adam", loss="mse")', body)), 'train_step');
    assert.equal(named.terms.find((t) => t.role === 'base')?.label, 'compiled_loss', 'a compile by name too');
  });

  it('a loop adding `self.compiled_loss` per step (a word at a time) is named by the loss it adds', () => {
    const body = `            loss = 0.0
            for i in range(1, 8):
                probs = self(x[:, i], training=True)
                loss += self.compiled_loss(target[:, i], probs)`;
    const m = model(analyze(STEP('compile(optimizer="adam", loss="sparse_categorical_crossentropy")', body)), 'train_step');
    assert.deepEqual(m.terms.filter((t) => t.role === 'base').map((t) => t.label), ['compiled_loss']);
  });
});

describe('what a custom regularizer penalises, read from the keyword the layer takes it under', () => {
  it('an embeddings (or recurrent) matrix is a weight, and every class a branch may build for the one variable is used', () => {
    const src = `import tensorflow as tf
from tensorflow.keras.layers import Embedding


class UnitLength(tf.keras.regularizers.Regularizer):
    def __call__(self, x):
        return tf.reduce_sum(tf.square(tf.norm(x, axis=-1) - 1.0))


class MaxLength(tf.keras.regularizers.Regularizer):
    def __call__(self, x):
        return tf.reduce_sum(tf.nn.relu(tf.norm(x, axis=-1) - 1.0))


def embedding(dim, reg="max"):
    if reg == "unit":
        emb_reg = UnitLength()
    else:
        emb_reg = MaxLength()
    return Embedding(input_dim=21, output_dim=dim, embeddings_regularizer=emb_reg)
`;
    const a = analyze(src);
    assert.deepEqual(model(a, 'UnitLength').regularizes?.on, 'kernel');
    assert.deepEqual(model(a, 'MaxLength').regularizes?.on, 'kernel');
  });
});
