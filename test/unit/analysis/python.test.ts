// Python front end (Keras and shared constructs): each way a user writes a loss, read into the IR.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { analyze, fixture, model, ready, termSummary } from './helpers';

before(() => ready);

const callee = (e: Expr): string | undefined => (e.kind === 'call' ? e.callee : undefined);

describe('Python: Keras functions and factories', () => {
  it('reads a factory closure: captured λ, bound by the compile call', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow.keras import backend as K

def make_sum_loss(lam=1.0, target=1.0):
    def sum_loss(y_true, y_pred):
        base = tf.keras.losses.categorical_crossentropy(y_true, y_pred)
        sum_penalty = K.mean(K.square(K.sum(y_pred, axis=-1) - target))
        return base + lam * sum_penalty
    return sum_loss

model.compile(loss=make_sum_loss(lam=0.5), optimizer='adam')
`);
    const m = model(a, 'make_sum_loss');
    assert.equal(m.kind, 'factory');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:base', 'penalty:+:sum_penalty*lam']);
    assert.deepEqual(m.terms[1].constraint, { kind: 'sum-to-one', params: { target: 1 } });
    const lam = m.terms[1].weight;
    assert.equal(lam?.kind === 'name' && lam.ref, 'captured');
    assert.deepEqual(m.params.map((p) => [p.name, p.role]), [['lam', 'hyper'], ['target', 'hyper'], ['y_true', 'yTrue'], ['y_pred', 'yPred']]);
    assert.deepEqual(m.usages.map((u) => [u.kind, u.passesBareFunction, u.boundArgs]), [
      ['compile', false, undefined],
      ['factory-call', undefined, { lam: 0.5 }],
    ]);
    assert.equal(m.nameRange.startLine, 3);
  });

  it('records functools.partial (imported either way) and a compile of the partial as not bare', () => {
    const a = analyze(`import functools
from functools import partial
import tensorflow as tf

def weighted(y_true, y_pred, lam=0.5):
    return tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.nn.relu(-y_pred))

wl = functools.partial(weighted, lam=3)
model.compile(loss=wl)
model.compile(loss=partial(weighted, lam=2.0))
model.fit(x, y)
`);
    const m = model(a, 'weighted');
    assert.equal(m.kind, 'partial');
    assert.deepEqual(m.usages.map((u) => [u.kind, u.passesBareFunction ?? null, u.boundArgs ?? null]), [
      ['partial', null, { lam: 3 }],
      ['compile', false, null],
      ['compile', false, null],
      ['partial', null, { lam: 2 }],
      ['fit', null, null],
    ]);
    assert.deepEqual(m.terms[1].constraint, { kind: 'non-negativity', params: {} });
  });

  it('inlines augmented assignments and keeps each term where it is written', () => {
    const a = analyze(`import tensorflow as tf
def aug_loss(y_true, y_pred, lam=0.5):
    loss = tf.keras.losses.mse(y_true, y_pred)
    loss += lam * tf.reduce_mean(tf.abs(y_pred))
    loss -= 0.1 * tf.reduce_mean(y_pred)
    return loss
`);
    const m = model(a, 'aug_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse', 'penalty:+:abs(y_pred)*lam', 'penalty:-:y_pred*0.1']);
    assert.deepEqual(m.terms.map((t) => t.range.startLine), [2, 3, 4]);
    assert.equal(m.terms[2].weightParam, undefined);
  });

  it('names a term that reduces a tensor the loss is handed by that tensor, not by the reduction', () => {
    const a = analyze(`import torch.nn as nn
class ActorObjective(nn.Module):
    def __init__(self, alpha=0.2):
        super().__init__()
        self.alpha = alpha

    def forward(self, q_values, log_probs, y_pred):
        return -q_values.mean() + self.alpha * log_probs.mean() + 0.1 * y_pred.mean()
`);
    const m = model(a, 'ActorObjective');
    assert.deepEqual(m.terms.map((t) => t.label), ['q_values', 'log_probs', 'y_pred']);
  });

  it('reads if/else assignments as a conditional and an early return along the richer branch', () => {
    const a = analyze(`import torch.nn.functional as F
def cond_loss(outputs, labels, lam=0.1, reduce=True):
    ce = F.cross_entropy(outputs, labels)
    if reduce:
        p = outputs.abs().mean()
    else:
        p = outputs.abs().sum()
    return ce + lam * p

def early(logits, targets, lam=2):
    ce = F.cross_entropy(logits, targets)
    if lam == 0:
        return ce
    return ce + lam * F.relu(logits - 1.0).pow(2).mean()
`);
    const c = model(a, 'cond_loss');
    assert.deepEqual([c.yPred, c.yTrue], ['outputs', 'labels']);
    assert.equal(c.terms[1].expr.kind, 'conditional');
    assert.deepEqual(c.terms[1].constraint, { kind: 'output-sparsity', params: {} });
    const e = model(a, 'early');
    assert.equal(e.body.kind, 'conditional');
    assert.deepEqual(e.terms.map(termSummary), ['base:+:ce', 'penalty:+:relu(logits - 1.0).pow(2)*lam']);
    assert.deepEqual(e.terms[1].constraint, { kind: 'bounds', params: { upper: 1 } });
    assert.equal(e.lambdaParam, 'lam');
  });

  it('resolves import aliases to canonical callees', () => {
    const a = analyze(`import tensorflow as tfx
from tensorflow.keras.losses import categorical_crossentropy as cce
import keras.backend as KB
import numpy

def l(y_true, y_pred, lam=1.0):
    return cce(y_true, y_pred) + lam * KB.mean(tfx.math.abs(y_pred)) + numpy.float32(0.0)
`);
    const m = model(a, 'l');
    assert.deepEqual(m.terms.map((t) => callee(t.expr)), ['tf.keras.losses.categorical_crossentropy', 'K.mean', 'np.float32']);
  });

  it("resolves torch's module files and tensorflow.python.keras to the names their classes are exported under", () => {
    const a = analyze(`import torch
from torch.nn.modules import MSELoss
from torch.nn.modules.loss import L1Loss as Abs
from tensorflow.python.keras import backend as PK

def l(y_pred, y_true, lam=1.0):
    return MSELoss()(y_pred, y_true) + lam * Abs()(y_pred, y_true) + PK.mean(y_pred)
`);
    const m = model(a, 'l');
    const callees = m.terms.flatMap((t) => [...JSON.stringify(t.expr).matchAll(/"callee":"([^"]+)"/g)].map((x) => x[1]));
    for (const name of ['nn.MSELoss', 'nn.L1Loss', 'K.mean']) assert.ok(callees.includes(name), `${name} in ${JSON.stringify(callees)}`);
  });

  it('resolves a module-level name assigned an imported path as that path (kl = keras.losses.kld)', () => {
    const a = analyze(`from tensorflow import keras
import torch.nn.functional as nnf
K = keras.backend
kl_divergence = keras.losses.kullback_leibler_divergence
smooth = nnf.smooth_l1_loss  # an alias with a comment
rate = config.rate

def l(y_true, y_pred, lam=1.0):
    return smooth(y_pred, y_true) + lam * K.mean(kl_divergence(y_true, y_pred)) + rate(y_pred)
`);
    const m = model(a, 'l');
    assert.deepEqual(m.terms.map((t) => callee(t.expr)), ['F.smooth_l1_loss', 'K.mean', 'rate']);
    const kl = m.terms[1].expr.kind === 'call' ? m.terms[1].expr.args[0] : undefined;
    assert.equal(kl && callee(kl), 'tf.keras.losses.kullback_leibler_divergence');
  });

  it('uses a module-level constant as λ with its value for bound defaults', () => {
    const m = model(analyze(`import tensorflow as tf
LAM = 0.3
HI = 2.0
def g(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + LAM * tf.reduce_mean(tf.nn.relu(y_pred - HI))
`), 'g');
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty']);
    assert.equal(m.lambdaParam, 'LAM');
    assert.equal(m.terms[1].weight?.kind === 'name' && m.terms[1].weight.ref, 'global');
    assert.deepEqual(m.terms[1].constraint, { kind: 'bounds', params: { upper: 2 } });
  });

  it('reads the output activation of the last Dense layer', () => {
    const a = analyze(`import tensorflow as tf
def l(y_true, y_pred):
    return tf.keras.losses.mse(y_true, y_pred)
model = tf.keras.Sequential([tf.keras.layers.Dense(64, activation='relu'), tf.keras.layers.Dense(3, activation="softmax")])
`);
    assert.equal(model(a, 'l').outputActivation, 'softmax');
  });

  it('reads decorated losses and a decorated inner function of a factory', () => {
    const a = analyze(`import tensorflow as tf
@tf.function
def deco(y_true, y_pred, lam=0.2):
    return tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.abs(y_pred))

def make(lam=1.0):
    @tf.function
    def inner(y_true, y_pred):
        return tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.nn.relu(-y_pred))
    return inner
`);
    assert.deepEqual(a.models.map((m) => [m.id, m.kind, m.lambdaParam]), [['deco:2', 'function', 'lam'], ['make:6', 'factory', 'lam']]);
    assert.equal(model(a, 'deco').nameRange.startLine, 2);
  });

  it('takes a call to another loss of the file as the base term, and records that call', () => {
    const a = analyze(`import tensorflow as tf
def my_base(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred))

def total(y_true, y_pred, lam=0.1):
    return 0.5 * my_base(y_true, y_pred) + lam * tf.reduce_mean(tf.abs(y_pred))
`);
    const t = model(a, 'total');
    assert.deepEqual(t.terms.map(termSummary), ['base:+:my_base*0.5', 'penalty:+:abs(y_pred)*lam']);
    assert.deepEqual(model(a, 'my_base').usages.map((u) => [u.kind, u.range.startLine]), [['call', 5]]);
  });

  it('takes an unreduced (y_true, y_pred) function as a loss: Keras reduces what it returns', () => {
    const a = analyze(`from tensorflow.keras import backend as K
def my_mse(y_true, y_pred):
    return K.square(y_pred - y_true)
`);
    assert.deepEqual(a.models.map((m) => m.name), ['my_mse']);
  });

  it('does not take helpers that are not losses', () => {
    const a = analyze(`import tensorflow as tf
def helper(x):
    return x * 2
def build(units, activation):
    return tf.keras.layers.Dense(units, activation=activation)
`);
    assert.deepEqual(a.models, []);
  });
});

describe('Python: more shapes', () => {
  it('reads a lambda loss, a keras.losses.Loss subclass, and nn.Softmax as the output activation', () => {
    const a = analyze(`import tensorflow as tf
import torch.nn as nn
sparse = lambda y_true, y_pred, lam=0.1: tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.abs(y_pred))

class SumToOne(tf.keras.losses.Loss):
    def __init__(self, lam=2.0, **kwargs):
        super().__init__(**kwargs)
        self.lam = lam

    def call(self, y_true, y_pred):
        ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)
        return ce + self.lam * tf.square(tf.reduce_sum(y_pred, axis=-1) - 1.0)

net = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))
model.compile(loss=SumToOne(lam=0.5))
`);
    const l = model(a, 'sparse');
    assert.equal(l.kind, 'arrow');
    assert.deepEqual(l.terms.map(termSummary), ['base:+:mse', 'penalty:+:abs(y_pred)*lam']);
    const k = model(a, 'SumToOne');
    assert.equal(k.kind, 'module-forward');
    assert.equal(k.framework, 'keras');
    assert.deepEqual(k.terms[1].constraint, { kind: 'sum-to-one', params: { target: 1 } });
    assert.deepEqual(k.usages.map((u) => [u.kind, u.passesBareFunction ?? null, u.boundArgs ?? null]), [['compile', false, null], ['factory-call', null, { lam: 0.5 }]]);
    assert.equal(k.outputActivation, 'softmax');
  });

  it('gives the same models for CRLF line endings', () => {
    const src = fixture('seed-2-bounded.py');
    const lf = analyze(src).models[0];
    const crlf = analyze(src.replace(/\n/g, '\r\n')).models[0];
    assert.deepEqual(crlf.terms.map(termSummary), lf.terms.map(termSummary));
    assert.deepEqual(crlf.terms[1].constraint, lf.terms[1].constraint);
    assert.deepEqual(crlf.usages.map((u) => u.kind), ['compile']);
    assert.deepEqual(crlf.nameRange, lf.nameRange);
  });
});

describe('Python: usages through wrappers and notebook cells', () => {
  it('sees a compile of a lambda that calls the loss with λ bound as not bare', () => {
    const a = analyze(`import tensorflow as tf
def constrained_loss(y_true, y_pred, lam=1.0):
    return tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.abs(y_pred))
model.compile(loss=lambda yt, yp: constrained_loss(yt, yp, lam=0.5), optimizer='adam')
`);
    assert.deepEqual(model(a, 'constrained_loss').usages.map((u) => [u.kind, u.passesBareFunction ?? null]), [['compile', false], ['call', null]]);
  });

  it('reads a notebook cell whose imports are in an earlier cell', () => {
    const a = analyze(`def cell_loss(y_true, y_pred, lam=0.1):
    return keras.losses.categorical_crossentropy(y_true, y_pred) + lam * tf.reduce_mean(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1))
`);
    assert.equal(a.framework, undefined);
    const m = model(a, 'cell_loss');
    assert.equal(m.framework, 'keras');
    const base = m.terms[0].expr;
    assert.equal(base.kind === 'call' && base.callee, 'tf.keras.losses.categorical_crossentropy');
    assert.deepEqual(m.terms[1].constraint, { kind: 'sum-to-one', params: { target: 1 } });
  });
});

describe('Python: non-ASCII names', () => {
  it('reads λ written as a Greek letter, as a parameter and as a module constant', () => {
    const a = analyze(`import tensorflow as tf
λ = 0.3
def perte(y_true, y_pred, λ2=0.5):
    return tf.keras.losses.mse(y_true, y_pred) + λ * tf.reduce_mean(tf.abs(y_pred)) + λ2 * tf.reduce_mean(tf.nn.relu(y_pred - λ))
model.compile(loss=perte)
`);
    const m = model(a, 'perte');
    assert.deepEqual(m.terms.map((t) => t.weightParam ?? null), [null, 'λ', 'λ2']);
    assert.deepEqual(m.terms[2].constraint, { kind: 'bounds', params: { upper: 0.3 } });
    assert.deepEqual(m.usages.map((u) => [u.kind, u.passesBareFunction]), [['compile', true]]);
  });
});
