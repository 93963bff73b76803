// LL105 on a penalty that reads the model's tensors only through `.data` (PyTorch's detached view), item by item in a
// loop over them: `for param in params: penalty = penalty + param.data.norm(dim=1).pow(2).sum() * reg`. The loop's
// variable carries what its iterable holds, so the embeddings reach the penalty only through a frozen copy; the
// penalty never moves the model, and LL101 (no λ) leaves it to LL105.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const BPR = `import torch
import torch.nn.functional as F

REG = 1e-4


def bpr_loss(pred, params, reg):
    logprob = F.logsigmoid(pred).sum()
    penalty = torch.tensor(0.0)
    for param in params:
        penalty = penalty + param.data.norm(dim=1).pow(2).sum() * reg
    return -logprob + penalty


def step(model, batch, opt):
    pred, embeddings = model(*batch)
    loss = bpr_loss(pred, embeddings, REG)
    loss.backward()
    opt.step()
`;

const codes = (src: string) => check(src, 'python', 'bpr.py').findings.map((f) => f.code);

describe('LL105 on loop items read through .data', () => {
  before(async () => {
    await initParsers();
  });

  it('reports the frozen copy by name, and no LL101', () => {
    const findings = check(BPR, 'python', 'bpr.py').findings;
    const frozen = findings.filter((f) => f.code === 'LL105');
    assert.equal(frozen.length, 1);
    assert.match(frozen[0]!.message, /only through `param\.data`, a frozen copy \(`\.data` takes no gradient\)/);
    assert.ok(!codes(BPR).includes('LL101'));
  });

  it('is silent on the live items (no .data): the penalty trains the embeddings', () => {
    assert.ok(!codes(BPR.replace('param.data.norm', 'param.norm')).includes('LL105'));
  });
});
