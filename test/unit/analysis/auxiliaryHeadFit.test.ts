// Another head's fit (`lambda_aux * masked_mse(aux_pred, target) + masked_mse(pred, target)`): the base's own loss
// function on the target and another output of the model, not the prediction, is a second fit of the data (an
// auxiliary head, deep supervision), whatever its weight; the same loss on a transform of the prediction itself
// weighted where the base is not (`pixel + 0.004 * feature`) stays a penalty.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const SOURCE = (extra: string) => `import torch


def masked_mse(prediction, target, mask):
    return (((prediction - target) ** 2) * mask).sum() / (mask.sum() + 1e-8)


def two_head_loss(pred, aux_pred, target, mask, lambda_aux=0.5):
    main = masked_mse(pred, target, mask)
    aux = ${extra}
    return main + lambda_aux * aux
`;

const terms = (source: string) => model(analyze(source), 'two_head_loss').terms.map(termSummary);

describe("another head's fit of the target", () => {
  it('the base loss function on another output and the target joins the base, weighted or not', () => {
    assert.deepEqual(terms(SOURCE('masked_mse(aux_pred, target, mask)')), ['base:+:main', 'base:+:aux*lambda_aux']);
  });

  it('the same loss on a transform of the prediction itself stays a penalty', () => {
    assert.deepEqual(terms(SOURCE('masked_mse(torch.fft.rfft(pred).abs(), torch.fft.rfft(target).abs(), mask)')), ['base:+:main', 'penalty:+:aux*lambda_aux']);
  });
});
