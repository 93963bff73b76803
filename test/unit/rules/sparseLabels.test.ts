// LL110 reads a loss's names for a promise of weight sparsity. "sparse" in a loss built on sparse-label
// cross-entropy (`sparse_darc1` over `K.sparse_categorical_crossentropy`) is Keras's word for integer labels, not a
// sparsity claim: no LL110 there, while the seed article's `sparse_loss` over a plain fit still gets it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const loss = (name: string, base: string) => `from tensorflow.keras import backend as K


def ${name}(alpha):
    def loss(y_true, y_pred):
        fit = ${base}
        reg = K.mean(K.abs(y_pred))
        return fit + alpha * reg
    return loss
`;

describe('LL110 and sparse labels', () => {
  before(() => initParsers());

  it('is silent on a sparse-label loss whose name says sparse for its labels', () => {
    const codes = check(loss('sparse_margin', 'K.sparse_categorical_crossentropy(y_true, K.softmax(y_pred))'), 'python').findings.map((f) => f.code);
    assert.ok(!codes.includes('LL110'), codes.join(','));
  });

  it('still fires on a "sparse" loss whose base has dense labels', () => {
    const codes = check(loss('sparse_margin', 'K.categorical_crossentropy(y_true, K.softmax(y_pred))'), 'python').findings.map((f) => f.code);
    assert.ok(codes.includes('LL110'), codes.join(','));
  });
});
