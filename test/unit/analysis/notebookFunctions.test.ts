// Issue 9 §2: in a notebook the scope is the notebook. A helper function defined in a cell above is followed into
// its body like a helper of the same file (not only the cells' constants count); what is read from its body is
// placed at the call, since its own lines are another cell's. A loss function of a cell above, called by a loop,
// is that loss's use, not a loss of the loop's own.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, DocumentAnalyzer } from '../../../src/analysis/index';
import type { Expr } from '../../../src/analysis/ir';
import { blankMagics } from '../../../src/analysis/notebook';
import { runRules } from '../../../src/analysis/rules/index';
import { childrenOf } from '../../../src/analysis/terms/expr';
import { codeLambda } from '../../../src/trial/spec';
import { model, ready, termSummary } from './helpers';

before(() => ready);

const setup = { number: 1, source: 'import torch\nimport torch.nn as nn\n\nSPREAD = 1e-2\n' };
const helper = {
  number: 2,
  source: `def spread_penalty(net):
    total = 0.0
    for name, w in net.named_parameters():
        total = total + w.pow(2).sum()
    return total
`,
};
const loop = `model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
criterion = nn.CrossEntropyLoss()
for xb, yb in loader:
    loss = criterion(model(xb), yb)
    loss = loss + SPREAD * spread_penalty(model)
    loss.backward()
`;

const ranges = (e: Expr): Expr['range'][] => [e.range, ...childrenOf(e).flatMap(ranges)];

describe('a notebook: functions of the cells above', () => {
  it('a helper from a cell above is followed: the penalty over the weights, weighted by a constant of another cell', () => {
    const m = model(analyzeSource(loop, 'python', 'nb.ipynb', { cellsAbove: [setup, helper] }), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:criterion', 'penalty:+:spread_penalty*SPREAD']);
    assert.ok(!runRules(analyzeSource(loop, 'python', 'nb.ipynb', { cellsAbove: [setup, helper] }), loop).some((f) => f.code === 'LL113'));
  });

  it("what is read from the helper's body is placed in this cell, at the call", () => {
    const m = model(analyzeSource(loop, 'python', 'nb.ipynb', { cellsAbove: [setup, helper] }), 'loss');
    const penalty = m.terms.find((t) => t.role === 'penalty')!;
    assert.ok(JSON.stringify(penalty.expr).includes('"pow"'), 'the body is read');
    const lines = loop.split('\n').length;
    assert.ok(ranges(penalty.expr).every((r) => r.startLine < lines && r.startLine === 4), JSON.stringify(ranges(penalty.expr).map((r) => r.startLine)));
  });

  it('the editor analyzer follows the helper too, and sees it change', () => {
    const analyzer = new DocumentAnalyzer('python', { fileName: 'nb.ipynb' });
    const first = model(analyzer.update(loop, undefined, { cellsAbove: [setup, helper] }), 'loss');
    assert.equal(first.terms.length, 2);
    const changed = { number: 2, source: helper.source.replace('w.pow(2).sum()', 'w.abs().sum()') };
    const second = model(analyzer.update(loop, [], { cellsAbove: [setup, changed] }), 'loss');
    assert.ok(JSON.stringify(second.terms[1]!.expr).includes('"abs"'));
    analyzer.dispose();
  });

  it('a loss function of a cell above that the loop calls is its use, not a second loss', () => {
    const lossCell = { number: 2, source: 'def cdf_loss(logits, target_cdf):\n    return torch.mean((torch.sigmoid(logits) - target_cdf) ** 2) + SPREAD * torch.relu(-logits).mean()\n' };
    const calling = 'for xb, yb in loader:\n    loss = cdf_loss(model(xb), yb)\n    loss.backward()\n';
    assert.deepEqual(analyzeSource(calling, 'python', 'nb.ipynb', { cellsAbove: [setup, lossCell] }).models.map((m) => m.name), []);
  });
});

describe('a notebook: imports of the cells above', () => {
  const imports = { number: 1, source: 'import keras\nfrom keras import ops\n' };
  const loss = `def vae_objective(x, x_hat, mean, log_var, beta=0.5):
    recon = ops.mean(ops.sum((x - x_hat) ** 2, axis=-1))
    kl = ops.mean(-0.5 * ops.sum(1 + log_var - mean ** 2 - ops.exp(log_var), axis=-1))
    return recon + beta * kl
`;

  it('`from keras import ops` in the first cell makes `ops.mean` in a later cell Keras ops, which the trainer has', () => {
    const analysis = analyzeSource(loss, 'python', 'nb.ipynb', { cellsAbove: [imports] });
    assert.equal(analysis.framework, 'keras', 'the framework the cells above import');
    const m = model(analysis, 'vae_objective');
    const callees = JSON.stringify(m.terms.map((t) => t.expr));
    assert.ok(callees.includes('"tf.keras.ops.mean"'), callees.slice(0, 300));
    assert.ok(!runRules(analysis, loss).some((f) => f.code === 'LL113'), 'no op reported as unsupported');
  });

  it("the cell's own import wins over an earlier cell's", () => {
    const own = `import numpy as ops\n${loss}`;
    const m = model(analyzeSource(own, 'python', 'nb.ipynb', { cellsAbove: [imports] }), 'vae_objective');
    assert.ok(JSON.stringify(m.terms.map((t) => t.expr)).includes('"np.mean"'));
  });
});

describe('a notebook: IPython magics', () => {
  const cell = `%matplotlib inline
!pip install -q torch
import torch
import torch.nn.functional as F

def smooth_fit(pred, target, lam=0.1):
    fit = F.mse_loss(pred, target)
    smooth = (pred[1:] - pred[:-1]).abs().mean()
    return fit + lam * smooth
`;

  it('a cell with `%matplotlib inline` and `!pip install` has no syntax error, and its loss is read (the first cell too)', () => {
    const a = analyzeSource(cell, 'python', 'nb.ipynb', { cellsAbove: [] });
    assert.deepEqual(a.syntaxErrors, []);
    assert.deepEqual(model(a, 'smooth_fit').terms.map(termSummary), ['base:+:fit', 'penalty:+:smooth*lam']);
    // the same lines in a .py file are Python's syntax errors, and still reported
    assert.ok(analyzeSource(cell, 'python', 'loss.py').syntaxErrors.length > 0);
  });

  it('in the editor analyzer too; a magic in a cell above does not hide its constants', () => {
    const doc = new DocumentAnalyzer('python');
    const above = [{ number: 1, source: '%load_ext autoreload\n!nvidia-smi\nLAM = 0.3\n' }];
    const first = doc.update(cell.replace('fit + lam * smooth', 'fit + LAM * smooth'), undefined, { cellsAbove: above });
    assert.deepEqual(first.syntaxErrors, []);
    assert.deepEqual(model(first, 'smooth_fit').terms.map(termSummary), ['base:+:fit', 'penalty:+:smooth*LAM']);
    assert.equal(codeLambda(model(first, 'smooth_fit')), 0.3, 'LAM from the cell above');
    doc.dispose();
  });

  it('blankMagics keeps offsets, leaves `!=` and `%` continued on a new line, and blanks a whole %%bash cell', () => {
    assert.equal(blankMagics('%time x = 1\ny = 2\n'), `${' '.repeat(11)}\ny = 2\n`);
    const continued = 'ok = (a\n      != b)\nr = (a\n     % b)\n';
    assert.equal(blankMagics(continued), continued);
    assert.equal(blankMagics('%%bash\nls -la\n'), '      \n      \n');
    assert.equal(blankMagics('%%time\nfit(model)\n'), '      \nfit(model)\n');
  });
});
