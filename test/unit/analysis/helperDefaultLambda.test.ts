// A helper that multiplies in its own keyword's default (`def coherence_penalty(pred, weight=0.02): … return weight *
// torch.mean(…)` added bare, `loss = criterion(pred, y) + coherence_penalty(pred)`): the default is the user's
// setting, as a number the call passes is (helperArgumentLambda.test.ts), so the term carries λ = 0.02 and LL101
// (a penalty added without λ) does not fire; write-back edits the default in the signature.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { runRules } from '../../../src/analysis/rules/index';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const LOOP = (helperBody: string, call = 'coherence_penalty(pred)') => `import torch
import torch.nn as nn

def coherence_penalty(pred, weight=0.02):
${helperBody}

def train(model, loader, optimizer):
    criterion = nn.MSELoss()
    for bx, by in loader:
        pred = model(bx)
        loss = criterion(pred, by) + ${call}
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;

const PLAIN = '    return weight * torch.mean((pred[1:] - pred[:-1]) ** 2)';
const GUARDED = `    if pred.size(0) < 2:
        return torch.tensor(0.0, device=pred.device)
${PLAIN}`;

const lossOf = (source: string) => model(analyze(source), 'loss');
const terms = (source: string) => lossOf(source).terms.map(termSummary);
const codes = (source: string) => runRules(analyze(source), source).map((f) => f.code);

describe("a helper's weight from its parameter's default", () => {
  it('the default the helper multiplies in is the penalty λ, with no LL101', () => {
    assert.deepEqual(terms(LOOP(PLAIN)), ['base:+:criterion', 'penalty:+:coherence_penalty*0.02']);
    assert.equal(codeLambda(lossOf(LOOP(PLAIN))), 0.02);
    assert.ok(!codes(LOOP(PLAIN)).includes('LL101'));
  });

  it('through an early return of zero for a batch too small (the live branch weights the term)', () => {
    assert.deepEqual(terms(LOOP(GUARDED)), ['base:+:criterion', 'penalty:+:coherence_penalty*0.02']);
    assert.ok(!codes(LOOP(GUARDED)).includes('LL101'));
  });

  it('the value the call passes wins over the default', () => {
    assert.deepEqual(terms(LOOP(PLAIN, 'coherence_penalty(pred, weight=0.5)')), ['base:+:criterion', 'penalty:+:coherence_penalty*0.5']);
  });

  it('a default the helper uses another way (an exponent) is not a weight', () => {
    assert.deepEqual(terms(LOOP('    return torch.mean((pred[1:] - pred[:-1]) ** 2) ** weight')), ['base:+:criterion', 'penalty:+:coherence_penalty']);
  });

  it('write-back edits the default in the signature', () => {
    const source = LOOP(PLAIN);
    const out = writeLambda(lossOf(source), source, 0.01);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.match(out.text, /def coherence_penalty\(pred, weight=(?:0\.01|1e-2)\):/);
  });

  it('in TF.js too: a default or a number the call passes, multiplied in by the helper', () => {
    const ts = (call: string) => `import * as tf from '@tensorflow/tfjs';

function coherencePenalty(pred: tf.Tensor, weight = 0.02): tf.Tensor {
  const step = pred.slice([1, 0], [-1, -1]).sub(pred.slice([0, 0], [-1, -1]));
  return tf.mul(weight, tf.mean(tf.square(step)));
}

export function lossFn(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.losses.meanSquaredError(yTrue, yPred).add(${call});
}
`;
    const split = (call: string) => model(analyze(ts(call), 'typescript'), 'lossFn').terms.map(termSummary);
    assert.deepEqual(split('coherencePenalty(yPred)'), ['base:+:meanSquaredError', 'penalty:+:coherencePenalty*0.02']);
    assert.deepEqual(split('coherencePenalty(yPred, 0.5)'), ['base:+:meanSquaredError', 'penalty:+:coherencePenalty*0.5']);
    assert.ok(!runRules(analyze(ts('coherencePenalty(yPred)'), 'typescript'), ts('coherencePenalty(yPred)')).some((f) => f.code === 'LL101'));
  });
});
