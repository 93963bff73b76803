// A penalty whose value is finite but whose gradient is not (`sqrt` of a hinge that is exactly 0 on most rows) turns
// every weight into NaN at the first update, and then the base term's value first: the divergence must name the
// penalty, the op and its line, not the base.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const source = `import torch
import torch.nn.functional as F


def root_hinge_loss(pred, target, lam=0.5):
    fit = F.mse_loss(pred, target)
    excess = torch.sqrt(torch.relu(pred - 3.0)).mean()
    return fit + lam * excess
`;

test('a non-finite gradient is blamed on its term and op, not on the base term', async () => {
  await initParsers();
  const loss = analyzeSource(source, 'python', 'root.py').models[0]!;
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5, sourceFile: 'root.py' }), { send: (m) => messages.push(m), shouldStop: () => false });
  const errors = messages.filter((m) => m.type === 'error');
  assert.ok(errors.length > 0, 'the runs diverge');
  for (const e of errors) {
    assert.ok(e.type === 'error');
    assert.equal(e.kind, 'non-finite');
    assert.equal(e.term, penalty.id);
    assert.equal(e.location?.line, 7);
    assert.match(e.message, /the gradient of penalty 'excess' \(line 7\) is not finite .*at `torch\.sqrt\(torch\.relu\(pred - 3\.0\)\)` \(line 7\)/);
    assert.doesNotMatch(e.message, /'fit'/);
  }
});
