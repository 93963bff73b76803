// Python front end, PyTorch: argument roles by name, nn.Module losses, and the penalties PyTorch code writes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const callee = (e: Expr): string | undefined => (e.kind === 'call' ? e.callee : undefined);

describe('Python: PyTorch', () => {
  it('decides target and prediction by names whatever their order', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def a(pred, target, lam=1.0):
    return F.mse_loss(pred, target) + lam * torch.relu(-pred).mean()
def b(logits, targets):
    return F.cross_entropy(logits, targets)
def c(labels, outputs, lam=1.0):
    return F.cross_entropy(outputs, labels) + lam * outputs.abs().mean()
def my_loss(x1, x2):
    return F.mse_loss(x1, x2)
`);
    assert.equal(a.framework, 'pytorch');
    const pairs = a.models.map((m) => [m.name, m.yTrue, m.yPred]);
    assert.deepEqual(pairs, [['a', 'target', 'pred'], ['b', 'targets', 'logits'], ['c', 'labels', 'outputs'], ['my_loss', 'x2', 'x1']]);
    assert.deepEqual(model(a, 'a').terms[1].constraint, { kind: 'non-negativity', params: {} });
  });

  it('reads an nn.Module: self.lam with the __init__ default, self.mse applied as its loss, backward usage', () => {
    const a = analyze(`import torch
import torch.nn as nn
class ConstrainedLoss(nn.Module):
    def __init__(self, lam=0.1, upper=2.0):
        super().__init__()
        self.lam = lam
        self.upper = upper
        self.mse = nn.MSELoss()

    def forward(self, pred, target):
        base = self.mse(pred, target)
        return base + self.lam * torch.clamp(pred - self.upper, min=0).mean()

criterion = ConstrainedLoss(lam=0.2)
loss = criterion(out, y)
loss.backward()
`);
    const m = model(a, 'ConstrainedLoss');
    assert.equal(m.kind, 'module-forward');
    assert.equal(m.framework, 'pytorch');
    assert.equal(callee(m.terms[0].expr), 'nn.MSELoss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:base', 'penalty:+:clamp(pred - self.upper, min=0)*self.lam']);
    assert.equal(m.lambdaParam, 'self.lam');
    assert.deepEqual(m.params.filter((p) => p.role === 'hyper').map((p) => [p.name, p.default]), [['self.lam', 0.1], ['self.upper', 2]]);
    assert.deepEqual(m.terms[1].constraint, { kind: 'bounds', params: { upper: 2 } });
    const w = m.terms[1].weight;
    assert.ok(w?.kind === 'attr' && w.object.kind === 'name' && w.object.ref === 'module');
    assert.deepEqual(m.usages.map((u) => [u.kind, u.boundArgs ?? null]), [['factory-call', { lam: 0.2 }], ['call', null], ['backward', null]]);
  });

  it('recognises monotone, parity and weight-sparsity penalties', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def mono(pred, target, lam=1.0, margin=0.0):
    drops = torch.relu(pred[:, :-1] - pred[:, 1:] + margin)
    return F.mse_loss(pred, target) + lam * (drops ** 2).mean()
def parity(pred, target, group, lam=1.0):
    gap = pred[group == 1].mean() - pred[group == 0].mean()
    return F.binary_cross_entropy(pred, target) + lam * gap.abs()
def wsparse(pred, target, model, lam=1e-4):
    weight_l1 = sum(p.abs().sum() for p in model.parameters())
    return F.mse_loss(pred, target) + lam * weight_l1
def wloop(pred, target, model, lam=1e-4):
    reg = 0.0
    for p in model.parameters():
        reg += p.pow(2).sum()
    return F.mse_loss(pred, target) + lam * reg
`);
    assert.deepEqual(a.models.map((m) => [m.name, m.terms[1]?.constraint?.kind]), [
      // an L2 over the weights (wloop) is weight decay: it makes no weight zero, so it is not a sparsity constraint
      ['mono', 'monotone'], ['parity', 'parity'], ['wsparse', 'weight-sparsity'], ['wloop', undefined],
    ]);
    // a sensitive attribute is an extra tensor beside the prediction (the trainer maps or refuses it by name)
    assert.equal(model(a, 'parity').params.find((p) => p.name === 'group')?.role, 'tensor');
  });
});

describe('PyTorch sums over model.parameters()', () => {
  it('reads sum(… for p in model.parameters()) as a sum over the parameters (generator or list), nothing else', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def gen(pred, target, model, lam=1e-4):
    return F.mse_loss(pred, target) + lam * sum(p.abs().sum() for p in model.parameters())
def listed(pred, target, model, lam=1e-4, p=3.0):
    return F.mse_loss(pred, target) + lam * sum([torch.sum(p ** 2) for p in model.parameters()])
def filtered(pred, target, model, lam=1e-4):
    return F.mse_loss(pred, target) + lam * sum(p.abs().sum() for p in model.parameters() if p.ndim > 1)
def other(pred, target, model, lam=1e-4):
    return F.mse_loss(pred, target) + lam * sum(x.abs().sum() for x in model.buffers())
`);
    const penalty = (name: string) => model(a, name).terms[1]!.expr;
    const gen = penalty('gen');
    assert.equal(gen.kind, 'overWeights');
    assert.ok(gen.kind === 'overWeights' && gen.variable === 'p' && gen.body.kind === 'method' && gen.body.method === 'sum');
    // The loop variable shadows the parameter p = 3.0 inside the body.
    const listed = penalty('listed');
    assert.ok(listed.kind === 'overWeights' && JSON.stringify(listed.body).includes('"ref":"weight"'));
    // `if p.ndim > 1`: a parameter that fails the filter adds 0 (the biases are skipped)
    const filtered = penalty('filtered');
    assert.ok(filtered.kind === 'overWeights' && filtered.body.kind === 'conditional' && filtered.body.else.kind === 'number' && filtered.body.else.value === 0);
    // Any other generator is a loop over its iterable, which the trainer refuses by name (`.buffers`)
    const other = penalty('other');
    assert.ok(other.kind === 'call' && other.args[0]?.kind === 'loop' && JSON.stringify(other.args[0].iterable).includes('"method":"buffers"'));
  });
});

describe('PyTorch sums over parameters picked by a filter or a member', () => {
  it("reads sum(… for n, p in model.named_parameters() if …) as the sum over the parameters, 0 for those skipped", () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def named(pred, target, model, lam=1e-4):
    return F.mse_loss(pred, target) + lam * sum(p.pow(2).sum() for n, p in model.named_parameters() if 'bias' not in n)
def two(pred, target, model, lam=1e-4):
    return F.mse_loss(pred, target) + lam * sum([p.abs().sum() for p in model.parameters() if p.requires_grad if p.ndim > 1])
def member(pred, target, model, lam=1e-4):
    return F.mse_loss(pred, target) + lam * sum(p.abs().sum() for p in model.head.parameters())
`);
    const penalty = (name: string) => model(a, name).terms[1]!.expr;
    const named = penalty('named');
    assert.ok(named.kind === 'overWeights' && named.variable === 'p' && named.nameVariable === 'n' && named.body.kind === 'conditional');
    const two = penalty('two');
    assert.ok(two.kind === 'overWeights' && two.body.kind === 'conditional' && two.body.then.kind === 'conditional', 'both clauses hold');
    // a member's parameters are that layer's, not the whole model's: a loop the trainer runs over `model.head.parameters()`
    const member = penalty('member');
    assert.ok(member.kind === 'call' && member.args[0]?.kind === 'loop' && JSON.stringify(member.args[0].iterable).includes('"name":"head"'));

  });
});

describe('PyTorch output activation', () => {
  it('takes a softmax applied in the model, not one applied inside the loss', () => {
    const a = analyze(`import torch
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def forward(self, x):
        return torch.sigmoid(self.fc(x))

def l(pred, target, lam=1.0):
    probs = F.softmax(pred, dim=1)
    return F.mse_loss(probs, target) + lam * probs.abs().mean()
`);
    assert.equal(model(a, 'l').outputActivation, 'sigmoid');
  });
});

describe('PyTorch loops and tuple returns', () => {
  it('reads a while loop once and takes the loss from a (loss, logs) return', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def l(pred, target, model, lam=1e-3):
    ce = F.cross_entropy(pred, target)
    reg = 0.0
    params = iter(model.parameters())
    while True:
        reg += next(params).abs().sum()
    return ce + lam * reg, {"ce": ce.item()}
`);
    const m = model(a, 'l');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:ce', 'penalty:+:reg*lam']);
    assert.equal(m.body.kind, 'binary');
    assert.deepEqual([m.returnRange.startCol, m.returnRange.endCol], [11, 25]); // `ce + lam * reg`, not the logs
    assert.deepEqual(m.terms[1].constraint, { kind: 'weight-sparsity', params: {} });
  });

  it('a loss returning a dict is its "loss" entry (any case); the logged copies beside it are no part of it', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def l(recon, x, mu, logvar, beta=0.5):
    rec = F.mse_loss(recon, x)
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    if beta > 1:
        return {"Loss": rec + 2 * beta * kl, "kl": kl.detach()}
    return {"Loss": rec + beta * kl, "rec": rec.detach(), "kl": -kl.detach()}
`);
    const m = model(a, 'l');
    assert.equal(m.body.kind, 'conditional');
    assert.ok(!JSON.stringify(m.body).includes('unsupported'), 'no part of the dict is left unread');
    assert.deepEqual([m.returnRange.startLine, m.returnRange.startCol, m.returnRange.endCol], [7, 20, 35]); // `rec + beta * kl`
  });
});

describe('PyTorch type hints', () => {
  it('reads annotated parameters and locals; *args/**kwargs are not parameters of the model', () => {
    const a = analyze(`import torch
import torch.nn.functional as F
def l(pred: torch.Tensor, target: torch.Tensor, *, lam: float = 0.1, **kw) -> torch.Tensor:
    """Doc."""
    base: torch.Tensor = F.mse_loss(pred, target)
    return base + lam * torch.relu(-pred).mean()
`);
    const m = model(a, 'l');
    assert.deepEqual(m.params.map((p) => [p.name, p.role, p.default ?? null]), [['pred', 'yPred', null], ['target', 'yTrue', null], ['lam', 'hyper', 0.1]]);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:base', 'penalty:+:relu(-pred)*lam']);
  });
});

describe('PyTorch modules that are models, not losses', () => {
  it('does not take a model whose forward(inputs, targets) returns layer outputs', () => {
    const a = analyze(`import torch.nn as nn
class Seq2Seq(nn.Module):
    def forward(self, inputs, targets):
        return self.decoder(self.encoder(inputs), targets)

class SumToOne(nn.Module):
    def forward(self, probs, target):
        return (probs.sum(dim=1) - 1).abs().mean()
`);
    assert.deepEqual(a.models.map((m) => m.name), ['SumToOne']);
  });
});

describe('PyTorch helpers that are not losses', () => {
  it('does not take a function that only reshapes its (inputs, labels)', () => {
    const a = analyze(`import torch
def collate(inputs, labels):
    return torch.stack(inputs), labels
def accuracy_penalty(outputs, labels):
    return outputs.argmax(1)
def my_objective(pred, target):
    return pred - target
`);
    assert.deepEqual(a.models.map((m) => m.name), ['accuracy_penalty', 'my_objective']);
  });
});
