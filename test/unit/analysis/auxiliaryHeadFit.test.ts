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

const TASKS = (extra: string) => `import torch
import torch.nn.functional as F


def masked_mean(values, mask):
    return (values * mask).sum() / mask.sum()


def train(model, loader, opt, lambda_cls=1.0, lambda_norm=0.01):
    for batch in loader:
        curve, logits = model(batch["x"])
        reg_loss = F.mse_loss(curve, batch["curve"])
        cls_loss = ${extra}
        norm_loss = torch.mean(torch.abs(curve))
        loss = reg_loss + lambda_cls * cls_loss + lambda_norm * norm_loss
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

const loopTerms = (source: string) => analyze(source).models[0]!.terms.map(termSummary);

describe("another task's fit (a second head on its own target)", () => {
  it('a framework loss on another output and another target column joins the base, weighted or not', () => {
    assert.deepEqual(loopTerms(TASKS('F.cross_entropy(logits, batch["label"])')), ['base:+:reg_loss', 'base:+:cls_loss*lambda_cls', 'penalty:+:norm_loss*lambda_norm']);
  });

  it("a helper of the file over another output and a mask stays a penalty", () => {
    assert.deepEqual(loopTerms(TASKS('masked_mean(logits.abs(), batch["mask"])')), ['base:+:reg_loss', 'penalty:+:cls_loss*lambda_cls', 'penalty:+:norm_loss*lambda_norm']);
  });
});
