// A setting of a loss class the trainer cannot read (`self.margin = margin`, built with a value read from a file) is
// refused saying where it is set, what leaves it unknown and what to do; a numeric setting that took its default
// while the building call passes a value Loss Lab does not read is trained, and the trial header says so
// (issue 10 §3: refusals that help; no silent substitution).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { staticNumber } from '../../../src/analysis/bound';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss } from '../../../src/trainer/interpreter';
import { unreadSettingNotes } from '../../../src/trainer/interpreter/settingSources';
import { cpu, tf } from '../interpreter/tf';

const SOURCE = (init: string, build: string) => `import json
import torch
import torch.nn as nn


class MarginLoss(nn.Module):
    def __init__(${init}):
        super().__init__()
        self.margin = margin
        self.lam = lam

    def forward(self, pred, target):
        fit = ((pred - target) ** 2).mean()
        return fit + self.lam * torch.relu(self.margin - pred).mean()


settings = json.load(open("cfg.json"))
${build}
loss = criterion(net(x), y)
loss.backward()
`;

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'f.py').models.find((m) => m.name === 'MarginLoss')!;

const refusalOf = (loss: LossModel): string => {
  try {
    compileLoss(tf, loss, {})(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 1]]));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return 'no refusal';
};

describe('where a setting comes from', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('a setting the building call passes unread is refused with where it is set and that call', () => {
    const message = refusalOf(lossOf(SOURCE('self, margin, lam=0.1', 'criterion = MarginLoss(settings["margin"])')));
    assert.match(message, /`self\.margin`: has no value: it is set at line 9 from `margin`, and the call at line 18 passes a value Loss Lab does not read; pass a number for `margin` where the loss is built, or give it a default/);
  });

  it('a setting no call passes and with no default says so', () => {
    const message = refusalOf(lossOf(SOURCE('self, margin, lam=0.1', 'criterion = None')));
    assert.match(message, /no call of the loss in this file passes `margin` and it has no default/);
  });

  it('a default used while the call passes an unread value is said in the header, with its value', () => {
    const loss = lossOf(SOURCE('self, margin=0.5, lam=0.1', 'criterion = MarginLoss(margin=settings["margin"])'));
    assert.deepEqual(unreadSettingNotes(loss), ['`self.margin` = 0.5 (its default): the call at line 18 passes a value Loss Lab does not read']);
    assert.deepEqual(unreadSettingNotes(lossOf(SOURCE('self, margin=0.5, lam=0.1', 'criterion = MarginLoss(margin=0.2)'))), [], 'a value read is no assumption');
  });

  it("a class's factory method reads the settings the class's constructor call passes", () => {
    const loss = analyzeSource(`import tensorflow.keras.backend as K
from tensorflow.keras.losses import mae


class PinnedLoss:
    def __init__(self, weight, center):
        self.weight = weight
        self.center = center

    def as_loss(self):
        def pinned(y_true, y_pred):
            return mae(y_true, y_pred) + self.weight * K.square(K.mean(y_pred) - self.center)

        return pinned


pinned = PinnedLoss(10, 0.5)
net.compile(loss=pinned.as_loss(), optimizer="sgd")
`, 'python', 'f.py').models[0]!;
    assert.equal(staticNumber(loss, 'self.weight'), 10);
    const v = compileLoss(tf, loss, {})(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 1]]));
    // mae = 1; mean(pred) = 0.5 = center, so the penalty is 0 (center 0.5 read from the call, not refused)
    assert.ok(Math.abs(v.total.dataSync()[0]! - 1) < 1e-6, `total ${v.total.dataSync()[0]}`);
    const moved = compileLoss(tf, loss, {})(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 2]]));
    // mae = 0; (1.5 - 0.5)² · 10 = 10
    assert.ok(Math.abs(moved.total.dataSync()[0]! - 10) < 1e-5, `total ${moved.total.dataSync()[0]}`);
  });

  it('a settings object the constructor call builds with its defaults (Coach(Options())) gives self.opts.x its default', () => {
    const source = `from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass
class Options:
    lam: float = 0.5
    margin: float = 1.0


class MarginLoss(nn.Module):
    def __init__(self, opts):
        super().__init__()
        self.opts = opts

    def forward(self, pred, target):
        fit = ((pred - target) ** 2).mean()
        return fit + self.opts.lam * torch.relu(pred - self.opts.margin).mean()


criterion = MarginLoss(Options())
`;
    const loss = lossOf(source);
    const v = compileLoss(tf, loss, {})(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 3]]));
    // fit = (0 + 1) / 2 = 0.5; relu([0, 2]).mean() = 1, times lam 0.5
    assert.ok(Math.abs(v.total.dataSync()[0]! - 1) < 1e-6, `total ${v.total.dataSync()[0]}`);
    assert.match(refusalOf(lossOf(source.replace('MarginLoss(Options())', 'MarginLoss(load_options())'))), /self\.opts/, 'a settings object Loss Lab cannot read is still refused');
  });
});
