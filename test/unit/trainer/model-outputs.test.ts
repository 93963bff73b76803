// A further output of the model's own call in an inline loss or a training step (`logits, aux = model(x)`,
// `recon, code = self(x)`) is a tensor the model computes, whatever its name: the trainer passes it the trial model's
// hidden activations and says why, where it used to refuse an unknown name (`aux`) or take a name for something else
// (`attn_weights` for a kernel, `s` for a sensitive column). Names of activations keep their kinds (`mu, logvar`).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { mappedTensorArgs, unnamedModelOutputs } from '../../../src/trainer/tensorArgs';

const loop = (outputs: string, penalty: string) => `import torch
import torch.nn.functional as F

def fit(model, loader, opt, lam=1e-3):
    for x, y in loader:
        ${outputs} = model(x)
        loss = F.cross_entropy(logits, y) + lam * ${penalty}
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'f.py').models[0]!;

describe("further outputs of the model's call", () => {
  before(() => initParsers());

  it('an output with no known name is the hidden activations, said as the model returning it', () => {
    const loss = lossOf(loop('logits, aux', 'aux.pow(2).mean()'));
    const aux = loss.params.find((p) => p.name === 'aux');
    assert.equal(aux?.role, 'tensor');
    assert.equal(aux?.modelOutput, 1);
    assert.deepEqual(findUnsupported(loss), []);
    assert.deepEqual(mappedTensorArgs(loss), [{ name: 'aux', kind: 'hidden' }]);
    assert.deepEqual(unnamedModelOutputs(loss), ['aux']);
  });

  it('an output named like a weight or a data column is still an activation of the model', () => {
    // attention weights are the hidden activations' softmax (a distribution per sample), never a kernel
    assert.deepEqual(mappedTensorArgs(lossOf(loop('logits, attn_weights', 'attn_weights.abs().mean()'))), [{ name: 'attn_weights', kind: 'attention' }]);
    assert.deepEqual(mappedTensorArgs(lossOf(loop('logits, s', 's.abs().mean()'))), [{ name: 's', kind: 'hidden' }]);
  });

  it("outputs named as activations keep their kinds: a VAE head's mu and logvar, features", () => {
    const vae = lossOf(loop('logits, mu, logvar', '(-0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()))'));
    assert.deepEqual(mappedTensorArgs(vae).map((a) => a.kind).sort(), ['vae-logvar', 'vae-mean']);
    assert.deepEqual(unnamedModelOutputs(vae), []);
    assert.deepEqual(unnamedModelOutputs(lossOf(loop('logits, feats', 'feats.pow(2).mean()'))), []);
  });

  it("a Lightning step's `recon, extra = self(x)` reads the same way", () => {
    const loss = lossOf(`import pytorch_lightning as pl
import torch
import torch.nn.functional as F

class Coder(pl.LightningModule):
    def __init__(self, beta=0.01):
        super().__init__()
        self.beta = beta

    def training_step(self, batch, batch_idx):
        x, _ = batch
        recon, extra = self(x)
        return F.mse_loss(recon, x) + self.beta * extra.abs().mean()
`);
    assert.deepEqual(findUnsupported(loss), []);
    assert.deepEqual(mappedTensorArgs(loss), [{ name: 'extra', kind: 'hidden' }]);
  });
});
