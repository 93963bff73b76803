// Issue 9 §2 in a notebook: a loss class defined in one cell and built in a later one (`activity_regularizer=
// KLSparsity(RHO, BETA)` in the model's cell, the constants in a cell above) has the settings that call binds, as a
// script has; the call stays in its own cell (LossUsage.cell), so nothing edits or reports it at the class cell's
// positions.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource } from '../../../src/analysis/index';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { codeLambda } from '../../../src/trial/spec';
import { model, ready } from './helpers';

before(() => ready);

const imports = { number: 1, source: 'import tensorflow as tf\nfrom tensorflow.keras import backend as K\nfrom tensorflow.keras.regularizers import Regularizer\n' };
const constants = { number: 2, source: 'RHO = 0.05\nBETA = 3.0\n' };
const regularizer = {
  number: 3,
  source: `class KLSparsity(Regularizer):
    def __init__(self, rho, beta):
        self.rho = rho
        self.beta = beta

    def __call__(self, x):
        rho_hat = K.mean(x, axis=0)
        kl = self.rho * K.log(self.rho / rho_hat) + (1 - self.rho) * K.log((1 - self.rho) / (1 - rho_hat))
        return self.beta * K.sum(kl)
`,
};
const build = (call: string) => ({
  number: 5,
  source: `inp = tf.keras.Input(shape=(784,))
code = tf.keras.layers.Dense(64, activation="sigmoid", activity_regularizer=${call})(inp)
out = tf.keras.layers.Dense(784, activation="sigmoid")(code)
model = tf.keras.Model(inp, out)
model.compile(optimizer="adam", loss="mse")
`,
});

const analyse = (call: string) =>
  model(analyzeSource(regularizer.source, 'python', 'nb.ipynb', { cellsAbove: [imports, constants], cellsBelow: [build(call)] }), 'KLSparsity');

describe('a loss class built in a later notebook cell', () => {
  it('the later call binds the constructor settings from the constants above: λ = BETA, rho = RHO', () => {
    const m = analyse('KLSparsity(RHO, BETA)');
    assert.equal(m.lambdaParam, 'self.beta');
    assert.equal(codeLambda(m), 3.0);
    assert.equal(makeLookup(m, {})('self.rho'), 0.05, 'the trainer reads the same value');
    assert.deepEqual(m.usages.filter((u) => u.kind === 'factory-call').map((u) => u.cell), [5]);
  });

  it('keyword literals bind too; write-back never edits the class cell at the later call`s positions', () => {
    const m = analyse('KLSparsity(rho=0.1, beta=0.5)');
    assert.equal(codeLambda(m), 0.5);
    const out = writeLambda(m, regularizer.source, 1.0);
    assert.ok(!out.ok || out.text.includes('class KLSparsity(Regularizer)'), JSON.stringify(out));
    assert.ok(!out.ok || !out.text.includes('beta=1'), 'the call is in another cell');
  });

  it('without the cells below, the settings stay unbound (as before)', () => {
    const m = model(analyzeSource(regularizer.source, 'python', 'nb.ipynb', { cellsAbove: [imports, constants] }), 'KLSparsity');
    assert.equal(makeLookup(m, {})('self.rho'), undefined);
  });

  it('constants set in a cell between the class and the call bind too (a hyper-parameters cell below the class)', () => {
    const between = { number: 4, source: 'RHO2 = 0.02\nBETA2 = 0.5\n' };
    const built = { ...build('KLSparsity(RHO2, beta=BETA2)'), number: 6 };
    const m = model(analyzeSource(regularizer.source, 'python', 'nb.ipynb', { cellsAbove: [imports], cellsBelow: [between, built] }), 'KLSparsity');
    assert.equal(codeLambda(m), 0.5);
    assert.equal(makeLookup(m, {})('self.rho'), 0.02);
  });

  it('a layer of a later cell says what the regularizer acts on (its kernel: no batch axis, so no LL108)', () => {
    const kernel = build('KLSparsity(RHO, BETA)').source.replace('activity_regularizer', 'kernel_regularizer');
    const m = model(analyzeSource(regularizer.source, 'python', 'nb.ipynb', { cellsAbove: [imports, constants], cellsBelow: [{ number: 5, source: kernel }] }), 'KLSparsity');
    assert.equal(m.regularizes?.on, 'kernel');
    assert.equal(m.regularizes?.layer, 'Dense');
  });
});
