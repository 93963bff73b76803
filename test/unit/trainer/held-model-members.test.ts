// A Lightning module that holds its network (`self.model = Mlp(n)`) and penalises a member's weight through it
// (`self.model.layers[0].weight[:, 3]`): the member is a layer of the trial model, as for a model argument. Before,
// `self.model` "had no value" and the loss was refused.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

before(() => initParsers());

const source = `import torch
from torch import nn
import pytorch_lightning as pl

LAM = 0.05


class Net(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n, 16), nn.ReLU(), nn.Linear(16, 4))

    def forward(self, x):
        return self.layers(x)


class Module(pl.LightningModule):
    def __init__(self, n=8):
        super().__init__()
        self.model = Net(n)

    def forward(self, x):
        return self.model(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        fit = torch.mean((self(x) - y) ** 2)
        reg = torch.sum(self.model.layers[0].weight[:, 3] ** 2)
        return fit + LAM * reg
`;

test("a member's weight read through the model the module holds is the trial's first layer, and it trains", async () => {
  const loss = analyzeSource(source, 'python', 'm.py').models.find((m) => m.name === 'training_step')!;
  assert.deepEqual(findUnsupported(loss).map((u) => u.message), []);
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 30 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`self\.model\.layers\[0\]\.weight` = the weight of the trial's first layer/);
});
