// A branch the loss's settings decide is interpreted only where it goes (evaluate.ts evaluates the branch taken):
// what the other branch calls must not refuse the trial before it starts, nor be reported as LL113.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { runRules } from '../../../src/analysis/rules/index';
import { findUnsupported } from '../../../src/trainer/interpreter';

const factory = (forCnn: string) => `import numpy
import keras.backend as K


def make_loss(top_index, bottom_index, gap_weight, for_cnn):
    def loss(y_true, y_pred):
        if for_cnn:
            columns = numpy.unique([top_index, bottom_index])
            fit = K.mean(K.square(y_true[:, columns] - y_pred[:, columns]))
        else:
            fit = K.mean(K.square(y_true - y_pred))
        gap = K.mean(K.square(y_pred[:, top_index] - y_pred[:, bottom_index]))
        return fit + gap_weight * gap
    return loss


model.compile(loss=make_loss(0, 3, 0.5, for_cnn=${forCnn}), optimizer="adam")
`;

const lambdaTest = `import numpy
import torch.nn.functional as F


def objective(pred, target, lam=0.1):
    if lam == 0:
        return numpy.mean(F.mse_loss(pred, target))
    return F.mse_loss(pred, target) + lam * pred.abs().mean()
`;

function analysed(src: string, name: string) {
  const a = analyzeSource(src, 'python', 'loss.py');
  const m = a.models.find((x) => x.name === name);
  assert.ok(m, `no ${name} in ${a.models.map((x) => x.name)}`);
  return { a, m, ll113: runRules(a, src).filter((f) => f.code === 'LL113').map((f) => f.message) };
}

describe('branches the settings decide', () => {
  before(() => initParsers());

  it('`if for_cnn:` bound False by the factory call: numpy.unique in the branch not taken neither refuses the trial nor is LL113', () => {
    const { m, ll113 } = analysed(factory('False'), 'make_loss');
    assert.deepEqual(findUnsupported(m), []);
    assert.deepEqual(ll113, []);
  });

  it('bound True, the branch is taken: numpy.unique refuses the trial and LL113 says so', () => {
    const { m, ll113 } = analysed(factory('True'), 'make_loss');
    assert.ok(findUnsupported(m).some((u) => u.op === 'np.unique'), JSON.stringify(findUnsupported(m)));
    assert.equal(ll113.length, 1);
    assert.match(ll113[0]!, /np\.unique/);
  });

  it('a test on the λ a sweep moves is not static: LL113 still reads both branches', () => {
    const { ll113 } = analysed(lambdaTest, 'objective');
    assert.match(ll113[0] ?? '', /np\.mean/);
  });
});

describe("a penalty chosen by the class's settings inside the total (Lightning's self.hparams)", () => {
  before(() => initParsers());

  const lightning = (order: number) => `import pytorch_lightning as pl
import torch
from torch import nn


class Suppress(pl.LightningModule):
    def __init__(self, order=1, lambda_reg=0.1):
        super().__init__()
        self.save_hyperparameters()
        self.criterion = nn.MSELoss()

    def training_step(self, batch, batch_idx):
        x, y = batch
        fit = self.criterion(self(x), y)
        if self.hparams.order == 0:
            reg = 0
        elif self.hparams.order == 1:
            reg = self.hparams.lambda_reg * torch.mean(torch.abs(self(x)))
        else:
            reg = self.hparams.lambda_reg * torch.mean(self(x) ** 2)
        return fit + reg


module = Suppress(order=${order}, lambda_reg=0.02)
`;

  it('the branch the construction selects (order=2) gives the penalty its λ, the lambda_reg passed: no LL101', () => {
    const a = analyzeSource(lightning(2), 'python', 'step.py');
    const loss = a.models.find((m) => m.name === 'training_step')!;
    const reg = loss.terms.find((t) => t.role === 'penalty')!;
    assert.equal(reg.weight?.text, 'self.hparams.lambda_reg');
    assert.deepEqual(
      runRules(a, lightning(2)).map((f) => f.code),
      [],
    );
  });
});
