// A λ the code schedules by the training counter (KL warm-up `beta = min(1.0, epoch / WARMUP)` in a loop, Lightning's
// `self.current_epoch`): the trainer refused the loss on `epoch`. Each run now holds its λ in the schedule's place,
// the code's λ is where a warm-up settles (its ceiling, the λ a reviewer reads), else the schedule at the start of
// training (a decay), and the header says so.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { scheduledLambda, scheduleNote } from '../../../src/trainer/interpreter/schedule';
import { runCompileArgs, runLambdaOptions } from '../../../src/trainer/runLoss';
import { codeLambda } from '../../../src/trial/spec';
import { cpu, tf } from '../interpreter/tf';

const LOOP = (schedule: string) => `import math
import torch
import torch.nn.functional as F

WARMUP = 10

for epoch in range(50):
    beta = ${schedule}
    for x, y in loader:
        optimizer.zero_grad()
        out = model(x)
        fit = F.mse_loss(out, y)
        below = torch.relu(-out).mean()
        loss = fit + beta * below
        loss.backward()
        optimizer.step()
`;

const LIGHTNING = `import pytorch_lightning as pl
import torch
import torch.nn.functional as F


class Net(pl.LightningModule):
    def training_step(self, batch, batch_idx):
        x, y = batch
        out = self(x)
        warm = min(1.0, 0.2 + self.current_epoch / 5)
        return F.mse_loss(out, y) + warm * torch.relu(-out).mean()
`;

const lossOf = (source: string, name: string): LossModel => analyzeSource(source, 'python', 'f.py').models.find((m) => m.name === name)!;

describe('a λ scheduled by the training counter', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  const schedules = [
    ['min(1.0, epoch / WARMUP)', 1, '0 at the start of training, settling at 1, the code\'s λ here'],
    ['math.exp(-epoch / WARMUP)', 1, '1 at the start of training'],
    // a ramp with no ceiling settles nowhere: its start
    ['epoch / WARMUP', 0, '0 at the start of training'],
  ] as const;
  for (const [schedule, code, note] of schedules) {
    it(`beta = ${schedule}: trains, the code's λ is ${code}, each run's λ holds in its place`, () => {
      const loss = lossOf(LOOP(schedule), 'loss');
      assert.deepEqual(findUnsupported(loss), []);
      assert.equal(codeLambda(loss), code);
      const y = tf.tensor2d([[0.5, 0.5]]);
      const p = tf.tensor2d([[-1, 2]]);
      const ten = compileLoss(tf, loss, {}, runLambdaOptions(10))(y, p);
      const below = Object.values(ten.terms).find((t) => t.raw.dataSync()[0]! > 0.4 && t.raw.dataSync()[0]! < 0.6)!;
      assert.ok(Math.abs(below.weighted.dataSync()[0]! - 10 * below.raw.dataSync()[0]!) < 1e-5);
      const asWritten = compileLoss(tf, loss, {})(y, p);
      const gap = asWritten.total.dataSync()[0]! - asWritten.original.dataSync()[0]!;
      assert.ok(Math.abs(gap - code * 0.5) < 1e-5, `without a run's λ the code's λ is the weight (${gap})`);
      assert.ok((scheduleNote(loss)[0] ?? '').includes(`line 8 (${note})`), scheduleNote(loss)[0]);
    });
  }

  it("Lightning's self.current_epoch is a counter too", () => {
    const loss = lossOf(LIGHTNING, 'training_step');
    assert.deepEqual(scheduledLambda(loss)?.counters, ['self.current_epoch']);
    // min(1.0, 0.2 + epoch / 5) starts at 0.2 and settles at 1
    assert.equal(codeLambda(loss), 1);
    assert.equal(scheduledLambda(loss)?.start, 0.2);
    assert.deepEqual(findUnsupported(loss), []);
  });

  it("a warm-up whose length has no static value (self.hparams.warmup) still settles at its ceiling, the code's λ", () => {
    const loss = lossOf(LIGHTNING.replace('warm = min(1.0, 0.2 + self.current_epoch / 5)', 'warm = 0.0002 * min(1.0, (self.current_epoch + 1) / self.hparams.warmup)'), 'training_step');
    assert.equal(scheduledLambda(loss)?.start, undefined);
    assert.equal(codeLambda(loss), 0.0002);
    // a multiplier with no static value is not a ceiling: no code λ is made up
    const unknownScale = LIGHTNING.replace('warm = min(1.0, 0.2 + self.current_epoch / 5)', 'warm = self.hparams.beta * min(1.0, self.current_epoch / 5)');
    assert.equal(codeLambda(lossOf(unknownScale, 'training_step')), undefined);
  });

  it("a λ parameter inside a schedule (cfg.smooth / (epoch + 1)): each run's λ stands in the whole schedule's place", () => {
    const src = `import torch
import torch.nn.functional as F
from dataclasses import dataclass


@dataclass
class Cfg:
    smooth: float = 0.2


def fit(model, loader, cfg):
    for epoch in range(20):
        for x, y in loader:
            out = model(x)
            loss = F.mse_loss(out, y) + cfg.smooth / (epoch + 1) * torch.relu(-out).mean()
            loss.backward()


cfg = Cfg()
fit(model, loader, cfg)
`;
    const loss = lossOf(src, 'loss');
    assert.equal(loss.lambdaParam, 'cfg.smooth');
    assert.deepEqual(scheduledLambda(loss)?.counters, ['epoch']);
    // refused on `epoch` before: the λ parameter kept the schedule from being one
    assert.deepEqual(findUnsupported(loss), []);
    assert.equal(codeLambda(loss), 0.2);
    const y = tf.tensor2d([[0.5, 0.5]]);
    const p = tf.tensor2d([[-1, 2]]);
    const run = runCompileArgs(loss, { id: 'r', lambda: 10 } as never, {});
    const ten = compileLoss(tf, loss, run.bindings, run.options)(y, p);
    assert.ok(Math.abs(ten.total.dataSync()[0]! - ten.original.dataSync()[0]! - 10 * 0.5) < 1e-5);
  });

  it('a counter the loss is given a value for is a setting, not a schedule', () => {
    const given = LOOP('min(1.0, epoch / WARMUP)').replace('WARMUP = 10', 'WARMUP = 10\nepoch = 3');
    assert.equal(scheduledLambda(lossOf(given, 'loss')), undefined);
  });
});
