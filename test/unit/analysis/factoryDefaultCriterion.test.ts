// A factory whose parameter defaults to a criterion object (`def make_loss(lam=0.3, fit_loss=nn.MSELoss())`) and
// calls it in its loss (`fit_loss(pred, y)`): the object the default builds, as `criterion = nn.MSELoss()` would be;
// it was read as a model argument run on the loss's input, so the trainer refused the loss. A call of the factory
// that passes its own criterion leaves the parameter what the call gives (not the default).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const src = (call: string) => `import torch
import torch.nn as nn


def make_tv_loss(lambda_tv=1.0, fit_loss=nn.MSELoss()):
    def loss_fn(predictions, targets):
        fit = fit_loss(predictions, targets)
        tv = torch.mean(torch.abs(predictions[:, 1:] - predictions[:, :-1]))
        return fit + lambda_tv * tv

    return loss_fn


criterion = ${call}
`;

describe("a factory parameter's default criterion object", () => {
  it('is the criterion the loss calls: an MSE base the trainer interprets', () => {
    const m = model(analyze(src('make_tv_loss(lambda_tv=0.3)')), 'make_tv_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:tv*lambda_tv']);
    assert.match(m.terms[0]!.expr.text, /MSELoss|fit_loss/);
    assert.deepEqual(findUnsupported(m), []);
  });

  it('is not assumed where a call passes another criterion', () => {
    const m = model(analyze(src('make_tv_loss(0.3, nn.L1Loss())')), 'make_tv_loss');
    assert.notDeepEqual(findUnsupported(m), []);
  });
});
