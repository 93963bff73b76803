// Issue 9 §3: a term is named by its variable, but a variable grown into the total (`loss = criterion(out, y)`
// then `loss = loss + lam * reg`, or `loss += …`) names the total, not its first value. The first value keeps the
// name it had (the criterion object's) or its callee's; a raw formula keeps the variable's name (nothing better).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const loss = (first: string, grow: string): string => `import torch
import torch.nn as nn
import torch.nn.functional as F

criterion = nn.CrossEntropyLoss()


def total_loss(logits, target, lam=0.1):
    loss = ${first}
    reg = logits.pow(2).mean()
    ${grow}
    return loss
`;

describe('a base grown into the total', () => {
  it('loss = criterion(…) then loss = loss + lam * reg: the base is the criterion', () => {
    const m = model(analyze(loss('criterion(logits, target)', 'loss = loss + lam * reg')), 'total_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:criterion', 'penalty:+:reg*lam']);
  });

  it('loss = F.cross_entropy(…) then loss += lam * reg: the base is named by its callee', () => {
    const m = model(analyze(loss('F.cross_entropy(logits, target)', 'loss += lam * reg')), 'total_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:cross_entropy', 'penalty:+:reg*lam']);
  });

  it('a raw formula keeps the variable\'s name', () => {
    const m = model(analyze(loss('torch.mean((logits - target) ** 2)', 'loss = loss + lam * reg')), 'total_loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:loss', 'penalty:+:reg*lam']);
  });

  it('a variable that is never grown still names its value', () => {
    const src = loss('criterion(logits, target)', 'total = loss + lam * reg').replace('return loss', 'return total');
    assert.deepEqual(model(analyze(src), 'total_loss').terms.map(termSummary), ['base:+:loss', 'penalty:+:reg*lam']);
  });
});
