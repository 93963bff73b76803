// A loss whose body is a conditional has its terms read from one branch; the trainer evaluates those terms alone.
// The branch trained must be the one the code runs, or the user is told (src/trainer/interpreter/termBranch.ts):
// refused when the settings the loss is built with run the other branch, said in the header when a value nobody
// gives, or the data, decides the test.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { branchChoices, branchNote } from '../../../src/trainer/interpreter/termBranch';

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'f.py').models[0]!;

/** The penalty multiplies the base (`base * (1 + p)`), so both branches are one term and the plain one is read. */
const settingsBranch = (built: string) => `import torch
import torch.nn as nn

class OrderedLoss(nn.Module):
    def __init__(self, pairs=None):
        super().__init__()
        self.pairs = pairs
        self.fit = nn.MSELoss()

    def forward(self, pred, target):
        pairs = self.pairs or {}
        if len(pairs) > 0:
            order = torch.relu(pred[:, 0] - pred[:, 1]).mean()
            loss = self.fit(pred, target) * (1 + 5.0 * order)
        else:
            loss = self.fit(pred, target)
        return loss

criterion = ${built}
`;

describe('the branch of a conditional loss the trainer trains', () => {
  before(async () => {
    await initParsers();
  });

  it('a dict passed where the loss is built decides the branch: the other branch than its terms is refused by name', () => {
    const loss = lossOf(settingsBranch('OrderedLoss(pairs={"small": 1, "large": 2})'));
    const refusals = findUnsupported(loss);
    assert.equal(refusals.length, 1, JSON.stringify(refusals));
    assert.match(refusals[0]!.message, /runs the `if len\(pairs\) > 0:` branch \(line 12\)/);
    assert.match(refusals[0]!.message, /read its terms from the other branch/);
  });

  it('built without the dict, the loss runs the plain branch its terms come from: nothing refused, nothing to say', () => {
    const loss = lossOf(settingsBranch('OrderedLoss()'));
    assert.deepEqual(findUnsupported(loss), []);
    assert.deepEqual(branchChoices(loss).map(branchNote), [undefined]);
  });

  it('a setting the building call passes unread (not its None default) decides the test: said, not taken as None', () => {
    const loss = lossOf(settingsBranch('OrderedLoss(pairs=load_pairs("pairs.json"))'));
    assert.deepEqual(findUnsupported(loss), [], 'the branch is not known to be the other one');
    const notes = branchChoices(loss).map(branchNote);
    assert.match(notes[0] ?? '', /trained the `else` branch of `if len\(pairs\) > 0:` \(line 12\): its test reads `self\.pairs`, which the call at line 19 sets to a value Loss Lab does not read/);
  });

  it('a setting nobody gives a value decides the test: the header names the branch trained and the value', () => {
    const loss = lossOf(`import torch
def hinge_fit(pred, target, cfg):
    if cfg.strict:
        return torch.mean((pred - target) ** 2) + 0.5 * torch.relu(-pred).mean()
    return torch.mean((pred - target) ** 2)
`);
    const notes = branchChoices(loss).map(branchNote);
    assert.equal(notes.length, 1);
    assert.match(notes[0] ?? '', /trained the `if cfg\.strict:` branch \(line 3\): its test reads `cfg\.strict`, whose value Loss Lab does not know/);
  });

  it('the data decides the test: the header says only that branch is trained', () => {
    const loss = lossOf(`import torch
def capped(pred, target, lam=0.1):
    if pred.max() > 1:
        return torch.mean((pred - target) ** 2) + lam * torch.relu(pred - 1).mean()
    return torch.mean((pred - target) ** 2)
`);
    const notes = branchChoices(loss).map(branchNote);
    assert.match(notes[0] ?? '', /trained the `if pred\.max\(\) > 1:` branch \(line 3\) only: its test reads/);
  });

  it("a test on the term's λ is the sweep's to move: no note", () => {
    const loss = lossOf(`import torch
def gated(pred, target, lam=0.1):
    if lam > 0:
        return torch.mean((pred - target) ** 2) + lam * torch.relu(-pred).mean()
    return torch.mean((pred - target) ** 2)
`);
    assert.deepEqual(findUnsupported(loss), []);
    assert.deepEqual(branchChoices(loss).map(branchNote), [undefined]);
  });
});
