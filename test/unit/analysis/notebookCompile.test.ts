// Issue 9 §2: in a notebook a `model.compile(loss=…)` in another cell counts. A regularizer (or add_loss layer)
// defined in one cell and compiled in a later one adds to that compiled loss: it is the base term, placed at the
// loss in its own cell (the compile's lines are another cell's).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource } from '../../../src/analysis/index';
import { model, ready, termSummary } from './helpers';

before(() => ready);

const imports = { number: 1, source: 'import tensorflow as tf\nfrom tensorflow.keras.regularizers import Regularizer\n' };
const regularizer = {
  number: 2,
  source: `class Spread(Regularizer):
    def __init__(self, rate=0.01):
        self.rate = rate

    def __call__(self, x):
        return self.rate * tf.reduce_sum(tf.square(x))
`,
};
const build = {
  number: 4,
  source: `inp = tf.keras.Input(shape=(8,))
out = tf.keras.layers.Dense(3, activity_regularizer=Spread(0.05))(inp)
model = tf.keras.Model(inp, out)
model.compile(optimizer="adam", loss="mse")
`,
};

describe('a compile in another notebook cell is the base of a regularizer', () => {
  it('the regularizer cell gets the compiled loss of the cell below as its base, placed in its own cell', () => {
    const m = model(analyzeSource(regularizer.source, 'python', 'nb.ipynb', { cellsAbove: [imports], cellsBelow: [build] }), 'Spread');
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:Spread*self.rate', 'base:+:mse']);
    const base = m.terms.find((t) => t.role === 'base')!;
    assert.deepEqual(base.range, m.nameRange);
  });

  it('without the cells below there is no compiled loss to add to (as before)', () => {
    const m = model(analyzeSource(regularizer.source, 'python', 'nb.ipynb', { cellsAbove: [imports] }), 'Spread');
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:Spread*self.rate']);
  });
});
