// LL115: a total of the loss and a penalty built but never trained. What the user sees: the warning on the total's
// line, naming the penalty and the line that trains the loss alone; the quick fix trains the total, after which the
// loss Loss Lab reads (and would trial-train) has the penalty as a term.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits } from '../../../src/analysis/fixes/apply';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const loop = `import torch
import torch.nn as nn

lambda_l1 = 1e-3
probe = nn.Linear(64, 10)
criterion = nn.CrossEntropyLoss()
opt = torch.optim.Adam(probe.parameters(), lr=1e-3)

for xb, yb in loader:
    pred = probe(xb)
    loss = criterion(pred, yb)
    l1 = sum(p.abs().sum() for p in probe.parameters())
    total = loss + lambda_l1 * l1
    opt.zero_grad()
    loss.backward()
    opt.step()
    writer.add_scalar("train/total", total.item(), step)
`;

const penaltiesOf = (source: string) => check(source, 'python', 'probe.py').analysis.models.flatMap((m) => m.terms.filter((t) => t.role === 'penalty'));

describe('LL115 penalty built but never trained', () => {
  before(async () => {
    await initParsers();
  });

  it('warns on the total, names the penalty and the line that trains the loss alone', () => {
    const hits = check(loop, 'python', 'probe.py').findings.filter((f) => f.code === 'LL115');
    assert.equal(hits.length, 1);
    assert.equal(hits[0].range.startLine + 1, 13);
    assert.match(hits[0].message, /`total` adds `lambda_l1 \* l1` to `loss`, but line 15 trains `loss` alone/);
    assert.deepEqual(penaltiesOf(loop), [], 'what the code trains has no penalty');
  });

  it('quick fix: trains the total, whose penalty is then read with its λ', () => {
    const hit = check(loop, 'python', 'probe.py').findings.find((f) => f.code === 'LL115');
    const fix = hit?.fixes[0];
    assert.equal(fix?.title, 'Train `total` (with its penalty) at line 15');
    const fixed = applyEdits(loop, fix?.edits ?? []);
    assert.match(fixed, /\n {4}total\.backward\(\)\n/);
    assert.equal(check(fixed, 'python', 'probe.py').findings.filter((f) => f.code === 'LL115').length, 0);
    const penalties = penaltiesOf(fixed);
    assert.equal(penalties.length, 1);
    assert.equal(penalties[0].weightParam, 'lambda_l1');
  });

  it('is silent when the loss itself gets the penalty before it is trained', () => {
    const src = loop.replace('    opt.zero_grad()\n', '    loss = loss + lambda_l1 * l1\n    opt.zero_grad()\n');
    assert.equal(check(src, 'python', 'probe.py').findings.filter((f) => f.code === 'LL115').length, 0);
  });

  it('is silent when the total is printed after a backward of the total (the logged read is not the trained one)', () => {
    const src = loop.replace('    loss.backward()', '    total.backward()').replace('total.item()', 'float(total)');
    assert.equal(check(src, 'python', 'probe.py').findings.filter((f) => f.code === 'LL115').length, 0);
  });
});
