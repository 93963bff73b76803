// A Lightning step whose helper runs the module on its batch (`x, y = batch; self(x)` in a shared step or a `_loss`
// method): the trial model's prediction stands for `self(x)`, the batch's other item is the targets, and the user's
// layout changes around them are dropped, all said in the header. A batch the mapping cannot read is refused, naming
// the call.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { withModelCallsAsPrediction } from '../../../src/trainer/modelCall';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const stepOf = (cls: string): LossModel => {
  const models = analyzeSource(`import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport pytorch_lightning as pl\n\n${cls}`, 'python', 'task.py').models;
  return models.find((m) => m.name === 'training_step')!;
};

const sharedStep = `class Task(pl.LightningModule):
    def __init__(self, lam=0.01):
        super().__init__()
        self.lam = lam
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(x)

    def shared_step(self, batch):
        x, y = batch
        return self(x).unsqueeze(1).flatten(1), y.reshape(-1, y.size(1))

    def training_step(self, batch, batch_idx):
        preds, y = self.shared_step(batch)
        decay = sum((p ** 2).sum() for p in self.parameters())
        return F.mse_loss(preds, y) + self.lam * decay
`;

before(() => initParsers());

test('`self(x)` on the batch input in a shared step is the prediction, the other item the targets; layouts dropped and said', async () => {
  const step = stepOf(sharedStep);
  const rewritten = withModelCallsAsPrediction(step);
  assert.deepEqual(findUnsupported(rewritten), []);
  assert.deepEqual(rewritten.params.filter((p) => p.role === 'yPred' || p.role === 'yTrue').map((p) => [p.name, p.role]), [['prediction', 'yPred'], ['targets', 'yTrue']]);
  const penalty = step.terms.find((t) => t.role === 'penalty')!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(step, { steps: 60 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`self\(x\)` = this model's prediction and `batch\[1\]` = the targets \(the step runs its module on its batch's input\)/);
  assert.match(started.trial!.model, /the layout changes `\.unsqueeze\(1\)\.flatten\(1\)`, `\.reshape\(-1, [^`]+\)` are dropped/);
  // the targets are the data's, not the input (a batch named `batch` does not make it an autoencoder)
  assert.doesNotMatch(started.trial!.data, /autoencoder/);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!.terms[penalty.id]!.raw;
  assert.ok(last('l10') < last('l0') / 2, `λ = 10: ${last('l10')} against ${last('l0')}`);
});

test('a `_loss(batch)` helper running `self(x)` maps the same way', () => {
  const step = stepOf(`class Task(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def _loss(self, batch):
        x, y = batch
        return F.mse_loss(self(x), y)

    def training_step(self, batch, batch_idx):
        loss = self._loss(batch)
        return loss + 0.001 * sum(p.abs().sum() for p in self.parameters())
`);
  assert.deepEqual(findUnsupported(withModelCallsAsPrediction(step)), []);
});

test('a batch of three items, the third read beside the call, is refused naming `self(x)`', () => {
  const step = stepOf(`class Task(pl.LightningModule):
    def shared_step(self, batch):
        x, y, w = batch
        return (w * (self(x) - y) ** 2).mean()

    def training_step(self, batch, batch_idx):
        loss = self.shared_step(batch)
        return loss + 0.001 * sum(p.abs().sum() for p in self.parameters())
`);
  const refusals = findUnsupported(withModelCallsAsPrediction(step));
  assert.ok(refusals.some((r) => r.message.includes('self(x)')), JSON.stringify(refusals.map((r) => r.message)));
});

test("an abstract `_loss` of the base whose step calls it runs as the file's subclass implements it", () => {
  const step = stepOf(`from abc import abstractmethod

class Base(pl.LightningModule):
    reg = 0.001

    def training_step(self, batch, batch_idx):
        return self._loss(batch) + self.reg * sum((p ** 2).sum() for p in self.parameters())

    @abstractmethod
    def _loss(self, batch):
        raise NotImplementedError()


class Net(Base):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def _loss(self, batch):
        x, y = batch
        return F.l1_loss(self(x), y)
`);
  assert.match(step.terms.find((t) => t.role === 'base')!.expr.text, /^F\.l1_loss\(self\(x\), y\)$/);
  assert.deepEqual(findUnsupported(withModelCallsAsPrediction(step)), []);
});
