// Where a loss's λ is written when it is not a default of the loss (issue 9 §2): a command-line flag's default read
// through the parsed namespace (`args.r_so` with `add_argument('--r_so', default=0.05)`), and the number a plain
// call passes to a function loss whose λ has no default (`objective(out, y, 0.8)`).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready, termSummary } from './helpers';

const SCRIPT = `import argparse
import torch
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--r_so", type=float, default=0.05)
args = parser.parse_args()

model = nn.Linear(8, 4)
criterion = nn.MSELoss()
for x, y in loader:
    out = model(x)
    loss = criterion(out, y)
    ortho = torch.sum(out ** 2)
    loss += args.r_so * ortho
    loss.backward()
`;

const PASSED_NAMESPACE = `import argparse
import torch.nn.functional as F

SMOOTH = 0.2


def train(opt, model, loader):
    for x, y in loader:
        out = model(x)
        ce = F.cross_entropy(out, y)
        tv = (out[:, 1:] - out[:, :-1]).abs().mean()
        loss = ce + opt.tv_weight * tv + opt.smooth * out.abs().mean()
        loss.backward()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--tv-weight", type=float, default=1e-4)
    p.add_argument("-s", "--smoothness", dest="smooth", type=float, default=SMOOTH)
    train(p.parse_args(), None, None)
`;

const CALLED = (call: string) => `import torch.nn.functional as F


def objective(logits, target, fair_weight, eps=1e-6):
    ce = F.cross_entropy(logits, target)
    fair = (logits.mean(0) - logits.mean()).pow(2).sum()
    return ce + fair_weight * fair


for x, y in loader:
    loss = ${call}
    loss.backward()
`;

describe('λ written outside the loss: command-line flags and call arguments', () => {
  before(() => ready);

  it('`args.r_so` is the flag default 0.05, written where the default is, and argparse setup is not part of the loss', () => {
    const m = model(analyze(SCRIPT), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:criterion', 'penalty:+:ortho*args.r_so']);
    const ortho = m.terms.find((t) => t.label === 'ortho');
    assert.equal(ortho?.weightParam, 'args.r_so');
    const p = m.params.find((x) => x.name === 'args.r_so');
    assert.deepEqual([p?.role, p?.default, p?.origin], ['hyper', 0.05, 'argparse']);
    assert.equal(codeLambda(m), 0.05);
    assert.deepEqual(findUnsupported(m), [], 'ArgumentParser / parse_args are script setup, not ops of the loss');
    const out = writeLambda(m, SCRIPT, 0.5);
    assert.ok(out.ok && out.text.includes('parser.add_argument("--r_so", type=float, default=0.5)'), JSON.stringify(out));
  });

  it('a namespace passed to the training function: dashes become underscores, dest= renames, a constant default resolves', () => {
    const m = model(analyze(PASSED_NAMESPACE), 'loss');
    const lookup = makeLookup(m, {});
    assert.equal(lookup('opt.tv_weight'), 1e-4);
    assert.equal(lookup('opt.smooth'), 0.2);
    assert.equal(m.params.find((x) => x.name === 'opt.smooth')?.origin, 'argparse');
    assert.deepEqual(m.params.find((x) => x.name === 'opt.smooth')?.defaultRange, { startLine: 3, startCol: 9, endLine: 3, endCol: 12 });
  });

  it("a switch (`action='store_true'`, no default) is False until given, so a branch on it is settled", () => {
    const src = SCRIPT.replace('args = parser.parse_args()', 'parser.add_argument("--l1", action="store_true")\nargs = parser.parse_args()').replace(
      '    ortho = torch.sum(out ** 2)',
      '    if args.l1:\n        ortho = torch.sum(out.abs())\n    else:\n        ortho = torch.sum(out ** 2)',
    );
    const m = model(analyze(src), 'loss');
    assert.equal(makeLookup(m, {})('args.l1'), false);
    assert.deepEqual(findUnsupported(m), [], 'the branch on the switch is the else branch, not an op the trainer lacks');
  });

  it('an attribute of a namespace no flag declares is not read as one', () => {
    const src = PASSED_NAMESPACE.replace('opt.smooth', 'opt.other');
    const m = model(analyze(src), 'loss');
    assert.equal(makeLookup(m, {})('opt.other'), undefined);
  });

  for (const call of ['objective(model(x), y, 0.8)', 'objective(model(x), y, fair_weight=0.8)']) {
    it(`a λ with no default takes the number the call passes: ${call}`, () => {
      const src = CALLED(call);
      const m = model(analyze(src), 'objective');
      assert.equal(m.lambdaParam, 'fair_weight');
      assert.equal(codeLambda(m), 0.8);
      assert.equal(makeLookup(m, {})('fair_weight'), 0.8);
      const out = writeLambda(m, src, 2);
      assert.ok(out.ok && out.text.includes(call.replace('0.8', '2.0')), JSON.stringify(out));
    });
  }

  it('a call through an alias (`criterion = objective`) passes λ the same way, written back at that call', () => {
    const src = CALLED('criterion(model(x), y, fair_weight=0.8)').replace('\n\nfor x, y in loader:', '\n\ncriterion = objective\n\nfor x, y in loader:');
    const m = model(analyze(src), 'objective');
    assert.equal(codeLambda(m), 0.8);
    const out = writeLambda(m, src, 2);
    assert.ok(out.ok && out.text.includes('criterion(model(x), y, fair_weight=2.0)'), JSON.stringify(out));
  });

  it('a call replaces a default only when every call passes the same value (the default never runs)', () => {
    const src = CALLED('objective(model(x), y, 0.8, 1e-3)').replace('fair_weight, eps=1e-6', 'fair_weight=0.5, eps=1e-6');
    const m = model(analyze(src), 'objective');
    assert.equal(codeLambda(m), 0.8);
    assert.equal(makeLookup(m, {})('eps'), 1e-3);
    // another call keeps the defaults: they stand
    const twice = model(analyze(`${src}\nscore = objective(model(x_val), y_val)\n`), 'objective');
    assert.equal(codeLambda(twice), 0.5);
    assert.equal(makeLookup(twice, {})('eps'), 1e-6);
  });
});
