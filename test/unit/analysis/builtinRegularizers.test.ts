// Keras's built-in regularizers given to layers (issue 9 §1): Keras adds each to the loss the model compiles, so a
// reviewer reads base = the compiled loss, one penalty per regularised layer and factor, λ = the factor, wherever it
// is written (literal, builder local, builder argument, module constant), in the forms public code calls them.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LossModel } from '../../../src/analysis/ir';
import { analyze, ready, termSummary } from './helpers';

function regularised(source: string): LossModel {
  const m = analyze(source).models.find((x) => x.kind === 'regularizer');
  assert.ok(m, 'the compiled loss with its layers\' regularizers is found');
  return m;
}

const lambdaOf = (m: LossModel, label: string): number | undefined => {
  const t = m.terms.find((x) => x.label === label);
  if (t?.weight?.kind === 'number') return t.weight.value;
  const p = m.params.find((x) => x.name === t?.weightParam);
  return typeof p?.default === 'number' ? p.default : undefined;
};

describe('Keras built-in regularizers on layers are penalties of the compiled loss', () => {
  before(() => ready);

  it('an activity L1L2 whose λ is a local of the model builder, passed positionally (the l1 factor)', () => {
    const m = regularised(`from keras.layers import Dense, Input
from keras.models import Model
from keras.regularizers import L1L2
def build():
    lam = 0.00001
    image = Input(shape=(64,))
    code = Dense(16, activation='linear', activity_regularizer=L1L2(lam))(image)
    return Model(image, Dense(64, activation='sigmoid')(code))
ae = build()
ae.compile(optimizer='adam', loss='binary_crossentropy')
`);
    assert.equal(m.name, 'binary_crossentropy');
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:L1L2*lam', 'base:+:binary_crossentropy']);
    assert.equal(lambdaOf(m, 'L1L2'), 1e-5);
    assert.equal(m.params.find((p) => p.name === 'lam')?.origin, 'closure');
    assert.deepEqual(m.terms[0]!.regularizes && { on: m.terms[0]!.regularizes.on, layer: m.terms[0]!.regularizes.layer }, { on: 'activity', layer: 'Dense' });
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name), ['activations']);
    assert.equal(m.usages[0]?.kind, 'regularizer');
  });

  it('kernel l2 with a literal on several layers of a Sequential: one penalty per layer, each with its λ', () => {
    const m = regularised(`import tensorflow as tf
from tensorflow.keras import layers, regularizers
model = tf.keras.Sequential([
    layers.Dense(128, activation='relu', kernel_regularizer=regularizers.l2(0.001)),
    layers.Dense(64, activation='relu', kernel_regularizer=tf.keras.regularizers.l2(0.0005)),
    layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='adam', loss='categorical_crossentropy')
`);
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:l2*0.001', 'penalty:+:l2_2*0.0005', 'base:+:categorical_crossentropy']);
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name), ['kernel']);
  });

  it("l1_l2(l1=…, l2=…) bound to the builder's arguments: two penalties with the defaults as λ", () => {
    const m = regularised(`import tensorflow as tf
def make(n_in, l1=1e-5, l2=1e-4):
    inp = tf.keras.Input(shape=(n_in,))
    x = tf.keras.layers.Dense(32, activation='relu', kernel_regularizer=tf.keras.regularizers.l1_l2(l1=l1, l2=l2))(inp)
    m = tf.keras.Model(inp, tf.keras.layers.Dense(1)(x))
    m.compile(optimizer='adam', loss='mse')
    return m
`);
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:l1*l1', 'penalty:+:l2*l2', 'base:+:mse']);
    assert.equal(lambdaOf(m, 'l1'), 1e-5);
    assert.equal(lambdaOf(m, 'l2'), 1e-4);
    assert.equal(m.params.find((p) => p.name === 'l2')?.origin, 'factory');
  });

  it("a custom layer's own weight: self.add_weight(…, regularizer=l1_l2(l1=self.l1, …)) with the constructor's defaults", () => {
    const m = regularised(`import tensorflow as tf
from tensorflow.keras import regularizers
class Projection(tf.keras.layers.Layer):
    def __init__(self, units, l1=0.002, l2=0.0005):
        super().__init__()
        self.units = units
        self.l1 = l1
        self.l2 = l2
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), trainable=True,
                                 regularizer=regularizers.l1_l2(l1=self.l1, l2=self.l2))
    def call(self, inputs):
        return tf.matmul(inputs, self.w)
inputs = tf.keras.Input(shape=(16,))
model = tf.keras.Model(inputs, tf.keras.layers.Dense(3)(Projection(8)(inputs)))
model.compile(optimizer='adam', loss='mse')
`);
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.label}`), ['penalty:l1', 'penalty:l2', 'base:mse']);
    assert.equal(lambdaOf(m, 'l1'), 0.002);
    assert.equal(lambdaOf(m, 'l2'), 0.0005);
    assert.deepEqual(m.terms[0]!.regularizes && { on: m.terms[0]!.regularizes.on, layer: m.terms[0]!.regularizes.layer }, { on: 'kernel', layer: 'Projection' });
  });

  it('a regularizer= keyword of any other call is not a layer regularizer', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow.keras import regularizers
def make_optimizer(regularizer=None):
    return regularizer
opt = make_optimizer(regularizer=regularizers.l2(0.01))
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
model.compile(optimizer='adam', loss='mse')
`);
    assert.equal(a.models.find((x) => x.kind === 'regularizer'), undefined);
  });

  it('a module constant, the old keyword l=, a default factor, and a zero factor that adds nothing', () => {
    const m = regularised(`from keras import layers, models
from keras.regularizers import l1, l2, L1L2
WEIGHT_DECAY = 1e-4
model = models.Sequential()
model.add(layers.Conv2D(16, (3, 3), kernel_regularizer=l2(WEIGHT_DECAY), bias_regularizer=l2(l=1e-3)))
model.add(layers.Dense(8, activity_regularizer=l1()))
model.add(layers.Dense(1, kernel_regularizer=L1L2(l2=0.0)))
model.compile(loss='mse', optimizer='sgd')
`);
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:l2*WEIGHT_DECAY', 'penalty:+:l2_2*1e-3', 'penalty:+:l1*0.01', 'base:+:mse']);
    assert.equal(m.params.find((p) => p.name === 'WEIGHT_DECAY')?.origin, 'module-constant');
    assert.equal(lambdaOf(m, 'l2'), 1e-4);
    assert.deepEqual(m.terms.slice(0, 3).map((t) => t.regularizes?.on), ['kernel', 'bias', 'activity']);
  });

  it('a loss function the model compiles gets the layers\' penalties after its own, keeping its λ', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow.keras import layers, regularizers
def bounded_mse(y_true, y_pred, lam=0.5):
    over = tf.reduce_mean(tf.nn.relu(y_pred - 1.0))
    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * over
model = tf.keras.Sequential([layers.Dense(32, activation='relu', kernel_regularizer=regularizers.l2(1e-4)), layers.Dense(1)])
model.compile(optimizer='adam', loss=bounded_mse)
`);
    assert.deepEqual(a.models.map((m) => m.name), ['bounded_mse']);
    const m = a.models[0]!;
    assert.deepEqual(m.terms.map(termSummary), ['base:+:square(y_true - y_pred)', 'penalty:+:over*lam', 'penalty:+:l2*1e-4']);
    assert.equal(m.lambdaParam, 'lam');
    assert.deepEqual(m.params.map((p) => `${p.name}:${p.role}`), ['y_true:yTrue', 'y_pred:yPred', 'lam:hyper', 'kernel:tensor']);
  });

  it('an OrthogonalRegularizer on a kernel: the factor is λ, the mode is kept', () => {
    const m = regularised(`import keras
from keras import layers
model = keras.Sequential([layers.Dense(16, kernel_regularizer=keras.regularizers.OrthogonalRegularizer(factor=0.02, mode="columns")), layers.Dense(1)])
model.compile(optimizer='adam', loss='mse')
`);
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:OrthogonalRegularizer*0.02', 'base:+:mse']);
    const e = m.terms[0]!.expr;
    assert.ok(e.kind === 'call' && e.callee === 'tf.keras.regularizers.OrthogonalRegularizer', e.text);
    assert.deepEqual(e.kind === 'call' && Object.fromEntries(Object.entries(e.kwargs).map(([k, v]) => [k, v.kind === 'number' || v.kind === 'string' ? v.value : v.kind])), { factor: 1, mode: 'columns' });
  });

  it("a model class's self.x factor (its __init__ default), a regularizer held in a variable, and a string identifier", () => {
    const m = regularised(`import tensorflow as tf
from tensorflow.keras import layers, regularizers
reg = regularizers.l2(5e-4)
class Net(tf.keras.Model):
    def __init__(self, weight_decay=1e-4):
        super().__init__()
        self.weight_decay = weight_decay
        self.hidden = layers.Dense(32, kernel_regularizer=regularizers.l2(self.weight_decay))
        self.mid = layers.Dense(16, kernel_regularizer=reg, bias_regularizer='l1')
        self.out = layers.Dense(1)
    def call(self, x):
        return self.out(self.mid(self.hidden(x)))
net = Net()
net.compile(optimizer='adam', loss='mse')
`);
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:l2*self.weight_decay', 'penalty:+:l2_2*5e-4', 'penalty:+:l1*0.01', 'base:+:mse']);
    assert.equal(lambdaOf(m, 'l2'), 1e-4);
    assert.equal(m.params.find((p) => p.name === 'self.weight_decay')?.origin, 'constructor');
    assert.deepEqual(m.terms.slice(0, 3).map((t) => t.regularizes?.on), ['kernel', 'kernel', 'bias']);
  });

  it('a function of the file named like a built-in is that function, not the built-in', () => {
    const a = analyze(`import tensorflow as tf
def l2(w):
    return 0.5 * tf.reduce_sum(tf.square(w))
layer = tf.keras.layers.Dense(4, kernel_regularizer=l2)
other = tf.keras.layers.Dense(4, kernel_regularizer=tf.keras.regularizers.get('l2'))
`);
    assert.deepEqual(a.models.map((m) => m.name), ['l2']);
    assert.deepEqual(a.models[0]!.terms.map(termSummary), ['penalty:+:l2*0.5']);
  });
});
