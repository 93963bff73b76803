// Whether the layer given an activity_regularizer is the model's output layer (Regularizes.output), the way files
// build their models: the functional API's outputs, a Sequential's last layer (not when that Sequential is itself
// an encoder in another model's list), `model.add(...)` last.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOutputLayer } from '../../../src/analysis/python/outputLayer';

const at = (source: string): boolean => isOutputLayer(source, source.indexOf('activity_regularizer'));

describe('the layer an activity regularizer is given: the output layer or a hidden one', () => {
  it('functional API: the output when the model outputs its variable (positional or outputs=)', () => {
    const src = (model: string) => `h = Dense(8)(inp)\ncode = Dense(4, activity_regularizer=R(0.1))(h)\nout = Dense(2)(code)\n${model}\n`;
    assert.equal(at(src('m = Model(inp, out)')), false);
    assert.equal(at(src('m = keras.Model(inp, code)')), true);
    assert.equal(at(src('m = Model(inputs=inp, outputs=[code])')), true);
  });

  it("Sequential: the list's last layer, unless that Sequential comes first in another model's list", () => {
    assert.equal(at('m = Sequential([Dense(8), Dense(2, activity_regularizer=R(0.1)),  # out\n])'), true);
    assert.equal(at('m = Sequential([Dense(8, activity_regularizer=R(0.1)), Dense(2)])'), false);
    const nested = 'enc = Sequential([Dense(8), Dense(4, activity_regularizer=R(0.1))])\ndec = Sequential([Dense(8)])\nae = Sequential([enc, dec])';
    assert.equal(at(nested), false);
  });

  it('model.add: the output when no later add follows; a layer held by a subclassed model is not known to be', () => {
    assert.equal(at('m.add(Dense(8))\nm.add(Dense(2, activity_regularizer=R(0.1)))\nm.compile(loss="mse")'), true);
    assert.equal(at('m.add(Dense(8, activity_regularizer=R(0.1)))\nm.add(Dense(2))'), false);
    assert.equal(at('        self.code = Dense(4, activity_regularizer=R(0.1))'), false);
  });
});
