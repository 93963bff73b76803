// Accumulators over the model's parameters as training loops write them (issue 10 §1): started from a zero tensor
// (`torch.tensor(0., device=d)`, `torch.zeros(1).to(device)`, `tf.constant(0.)`), tuple-unpacked, in a function or
// at module level in a script. The loop is the penalty (an `overWeights` sum); the zero it starts from is no term.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const kinds = (e: Expr): string => e.kind;

const loopIn = (setup: string, start: string) => `import torch
import torch.nn.functional as F
${setup}
    logits = net(xb)
    ce = F.cross_entropy(logits, yb)
    ${start}
    for w in net.parameters():
        l2_sum += torch.norm(w, 2) ** 2
    loss = ce + 1e-4 * l2_sum
    loss.backward()
`;

describe('accumulators started from a zero tensor', () => {
  for (const start of ['l2_sum = torch.tensor(0.)', 'l2_sum = torch.tensor(0.0, device=xb.device, requires_grad=True)', 'l2_sum = torch.zeros(1).to(xb.device)', 'l2_sum = torch.tensor(0.).cuda()', 'l1_sum, l2_sum = torch.tensor(0.), torch.tensor(0.)']) {
    it(`\`${start}\`: the sum over the parameters is the penalty, the zero is no term`, () => {
      const m = model(analyze(loopIn('def fit(net, loader):\n  for xb, yb in loader:', start).replace(/\n {4}/g, '\n    ')), 'loss');
      assert.deepEqual(m.terms.map(termSummary), ['base:+:ce', 'penalty:+:l2_sum*1e-4']);
      assert.deepEqual(m.terms.map((t) => kinds(t.expr)), ['call', 'overWeights']);
    });
  }

  it('a script at module level keeps its loop over the model that it calls (the loop is no part of making the model)', () => {
    const m = model(analyze(loopIn('net = Net()\nfor step in range(10):\n    xb, yb = next(batches)', 'l2_sum = torch.tensor(0.)')), 'loss');
    assert.deepEqual(m.terms.map((t) => `${t.label}:${kinds(t.expr)}`), ['ce:call', 'l2_sum:overWeights']);
  });

  it('a start that is not zero is kept in the penalty', () => {
    const m = model(analyze(loopIn('def fit(net, loader):\n  for xb, yb in loader:', 'l2_sum = torch.tensor(1.)')), 'loss');
    assert.ok(JSON.stringify(m.terms.filter((t) => t.role === 'penalty')).includes('torch.tensor(1.)'));
  });
});
