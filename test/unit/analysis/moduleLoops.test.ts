// Issue 9 §2 / issue 10 §1: a loop over a model's layers (`for m in net.modules(): if isinstance(m, nn.Linear): …
// m.weight …`) is a loop over its weights, which the trainer passes; a layer class the trial has none of stays
// refused; `for block in net.modules(): for n, p in block.named_parameters(recurse=False)` visits each parameter
// once (one sum, not a sum per module); a weight added inside a guarded fold is the penalty's λ.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const kinds = (e: Expr): string[] => {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if ('kind' in x && (x as Expr).kind === 'overWeights') out.push('overWeights');
      for (const [k, v] of Object.entries(x)) if (k !== 'range') walk(v);
    }
  };
  walk(e);
  return out;
};

const layerLoop = (cls: string): string => `import torch
import torch.nn as nn
import torch.nn.functional as F

net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))


def orth_loss(logits, target, cof=0.01):
    reg = 0
    for m in net.modules():
        if isinstance(m, ${cls}):
            w = m.weight
            reg += cof * (w @ w.t() - torch.eye(w.size(0))).pow(2).sum()
    return F.cross_entropy(logits, target) + reg
`;

describe('loops over a model\'s layers', () => {
  it('isinstance(m, nn.Linear) with m.weight: a sum over the weights, λ = cof, nothing unsupported', () => {
    const src = layerLoop('nn.Linear');
    const m = model(analyze(src), 'orth_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:cross_entropy', 'penalty:+:reg*cof']);
    assert.deepEqual(kinds(m.terms[1]!.expr), ['overWeights']);
    assert.ok(JSON.stringify(m.terms[1]!.expr).includes('"method":"endswith"'), 'the Linear test keeps the weights');
    assert.ok(!runRules(analyze(src), src).some((f) => f.code === 'LL113'));
  });

  it('a layer class the trial model has none of stays a loop over modules (refused)', () => {
    const src = layerLoop('nn.Conv2d');
    assert.ok(runRules(analyze(src), src).some((f) => f.code === 'LL113' && f.message.includes('modules')));
  });

  it('named_parameters(recurse=False) of each module is one sum over the model\'s parameters', () => {
    const src = `import torch
import torch.nn as nn
import torch.nn.functional as F

net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))


def l2_loss(logits, target, lam=1e-4):
    total = 0
    for block in net.modules():
        for name, p in block.named_parameters(recurse=False):
            if "bias" in name:
                continue
            total = total + lam * p.pow(2).sum()
    return F.cross_entropy(logits, target) + total
`;
    const m = model(analyze(src), 'l2_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:cross_entropy', 'penalty:+:total*lam']);
    assert.deepEqual(kinds(m.terms[1]!.expr), ['overWeights'], 'one sum, not one per module');
  });
});
