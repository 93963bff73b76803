// LL108 on a norm over the whole batch: `torch.norm(outputs - batch_x, p=2)` is the square root of a sum over every
// sample, so beside a batch-averaged MSE its weight changes with the batch size (and the short last batch). A norm
// with a feature axis, or of a Gram of the outputs (no batch axis left), is not.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const DISPLACEMENT = `import torch
import torch.nn.functional as F

def residual_fit_loss(outputs, targets, batch_x, lam=0.02):
    fit = F.mse_loss(outputs, targets)
    displacement = torch.norm(outputs - batch_x, p=2)
    return fit + lam * displacement
`;

const ll108 = (src: string) => check(src, 'python', 'fit.py').findings.filter((f) => f.code === 'LL108');

describe('LL108 on a norm over the whole batch', () => {
  before(async () => {
    await initParsers();
  });

  it('flags the norm of the batch residual, with no sum-to-mean quick fix', () => {
    const found = ll108(DISPLACEMENT);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /one norm over the whole batch \(torch\.norm without a feature axis\)/);
    assert.deepEqual(found[0]!.fixes, []);
  });

  it('flags the method form too', () => {
    assert.equal(ll108(DISPLACEMENT.replace('torch.norm(outputs - batch_x, p=2)', '(outputs - batch_x).norm()')).length, 1);
  });

  it('stays silent on a norm per sample (a feature axis), averaged', () => {
    assert.deepEqual(ll108(DISPLACEMENT.replace('torch.norm(outputs - batch_x, p=2)', 'torch.norm(outputs - batch_x, p=2, dim=1).mean()')), []);
  });

  it('stays silent on the norm of a Gram of the outputs', () => {
    const gram = DISPLACEMENT.replace('torch.norm(outputs - batch_x, p=2)', 'torch.norm(outputs.t() @ outputs - torch.eye(outputs.shape[1]), p="fro")');
    assert.deepEqual(ll108(gram), []);
  });
});
