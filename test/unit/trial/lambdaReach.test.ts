// A run's λ must set what its label says (issue 10: "the trained loss is always the one named, and each run's terms
// are the loss's terms"). When it can set no penalty weight (no λ parameter, no number literal, bare or wrapped, no
// unweighted penalty to scale), "Train" trains the code's weights once, labelled so, instead of several runs whose
// λ labels would all train the same loss; the penalties a run's λ leaves at the code's weight are named.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { heldNote, heldPenalties, unsetLambdaReason } from '../../../src/trainer/lambdaReach';
import { lambdaRuns } from '../../../src/trial/spec';

const torch = (ret: string, params = 'pred, target'): string => `import torch
import torch.nn.functional as F

def objective(${params}):
    mse = F.mse_loss(pred, target)
    below = torch.relu(-pred).mean()
    above = torch.relu(pred - 1).mean()
    return ${ret}
`;

const lossOf = (source: string): LossModel => {
  const m = analyzeSource(source, 'python', 'f.py').models[0];
  assert.ok(m, 'a loss is found');
  return m;
};
const settings = { lambdas: [0, 10], includeCodeLambda: true };

describe("which penalties a run's λ sets", () => {
  before(async () => {
    await initParsers();
  });

  it('a weight no run can set (`10 ** -2`): one run with the code\'s weights, and the sentence says why and what to do', () => {
    const loss = lossOf(torch('mse + 10 ** -2 * below'));
    const runs = lambdaRuns(loss, settings);
    assert.deepEqual(runs.map((r) => r.label), ["the code's weights (λ cannot be set)"]);
    const reason = unsetLambdaReason(loss);
    assert.ok(reason);
    assert.equal(reason.line, 8);
    assert.match(reason.message, /its penalty 'below' \(line 8\) weighted by `10 \*\* -2`/);
    assert.match(reason.message, /write the weight as a number or a parameter/);
    assert.match(heldNote(loss)[0] ?? '', /^one run, with the code's weights: /);
  });

  it('a wrapped literal (`torch.tensor(0.1)`) is set by every run: the runs of the settings, the code\'s λ among them', () => {
    const loss = lossOf(torch('mse + torch.tensor(0.1) * below'));
    assert.deepEqual(lambdaRuns(loss, settings).map((r) => r.lambda), [0, 0.1, 10]);
    assert.equal(unsetLambdaReason(loss), undefined);
    assert.deepEqual(heldNote(loss), []);
  });

  it('an unweighted penalty beside a literal one: the λ scales the first, the header names the second as held', () => {
    const loss = lossOf(torch('mse + below + 0.2 * above'));
    assert.deepEqual(lambdaRuns(loss, settings).map((r) => r.lambda), [0, 1, 10]);
    assert.deepEqual(heldPenalties(loss).map((t) => t.label), ['above']);
    assert.deepEqual(heldNote(loss), ["every run keeps the code's weight for 'above' (line 8) weighted by `0.2` (a run's λ does not set it)"]);
  });

  it('a λ parameter sets the penalties it weights; another parameter\'s penalty is held, and a sweep over both knobs holds none', () => {
    const loss = lossOf(torch('mse + lam * below + mu * above', 'pred, target, lam=0.1, mu=0.5'));
    assert.equal(loss.lambdaParam, 'lam');
    assert.deepEqual(heldPenalties(loss).map((t) => t.label), ['above']);
    assert.deepEqual(heldPenalties(loss, true), []);
    assert.deepEqual(heldNote(loss, true), []);
  });
});
