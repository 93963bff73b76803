// A helper that multiplies in the weight its caller passes (`loss_smooth = smooth_loss(scores, 8e-4)` with
// `def smooth_loss(arr, lamda1): … return lamda1 * loss`, the RTFM family): the number at the call is the user's λ,
// not a constant of the helper's formula (as the -0.5 of a KL helper is), so the term carries it, the trial starts
// from it and write-back edits it at the call.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const STEP = (call: string, helperReturn = 'lamda1 * loss') => `import torch
import torch.nn.functional as F

def smooth_loss(arr, lamda1):
    loss = torch.sum((arr[1:] - arr[:-1]) ** 2)
    return ${helperReturn}

def kl_term(mu, logvar):
    return -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())

def step(model, x, y, optimizer):
    scores = model(x)
    base = F.mse_loss(scores, y)
    loss_smooth = ${call}
    cost = base + loss_smooth
    optimizer.zero_grad()
    cost.backward()
`;

const terms = (source: string) => model(analyze(source), 'cost').terms.map(termSummary);

describe("a helper's weight passed by its call", () => {
  it('the number the call passes, multiplied in by the helper, is the penalty λ', () => {
    assert.deepEqual(terms(STEP('smooth_loss(scores, 8e-4)')), ['base:+:base', 'penalty:+:loss_smooth*8e-4']);
    assert.deepEqual(terms(STEP('smooth_loss(scores, lamda1=0.02)')), ['base:+:base', 'penalty:+:loss_smooth*0.02']);
    assert.equal(codeLambda(model(analyze(STEP('smooth_loss(scores, 8e-4)')), 'cost')), 8e-4);
  });

  it("a number written inside the helper stays part of its formula (a KL's -0.5)", () => {
    assert.deepEqual(terms(STEP('kl_term(scores, scores)')), ['base:+:base', 'penalty:+:loss_smooth']);
  });

  it('a number the helper uses another way (an exponent) is not a weight', () => {
    assert.deepEqual(terms(STEP('smooth_loss(scores, 2)', 'loss ** lamda1')), ['base:+:base', 'penalty:+:loss_smooth']);
  });

  it('write-back edits the number at the call', () => {
    const source = STEP('smooth_loss(scores, 8e-4)');
    const out = writeLambda(model(analyze(source), 'cost'), source, 0.01);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.match(out.text, /loss_smooth = smooth_loss\(scores, 1e-2\)/);
    assert.match(out.text, /return lamda1 \* loss/);
  });
});
