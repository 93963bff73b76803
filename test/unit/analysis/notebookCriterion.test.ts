// A notebook builds its criteria in one cell (`mlp_criterion = nn.CrossEntropyLoss(label_smoothing=0.1)`, an own
// loss class in another) and calls them in the training cell: the call is the criterion's loss with its keywords,
// placed in the training cell (where the call is), and an object of a loss class of a cell above is a loss too
// (both fits are the base), so the trainer refuses nothing that names the criterion variable.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, DocumentAnalyzer } from '../../../src/analysis';
import { runRules } from '../../../src/analysis/rules/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { ready, termSummary } from './helpers';

before(() => ready);

const imports = { number: 1, source: 'import torch\nimport torch.nn as nn\n' };
const lossClass = {
  number: 2,
  source: `class WeightedReconLoss(nn.Module):
    def __init__(self, scale=2.0):
        super().__init__()
        self.scale = scale

    def forward(self, recon, data):
        return self.scale * torch.mean(torch.square(recon - data))
`,
};
const build = { number: 3, source: 'mlp_criterion = nn.CrossEntropyLoss(label_smoothing=0.1)\nrecon_criterion = WeightedReconLoss()\n' };
const training = `for x, y in loader:
    recon, logits = model(x)
    cls_loss = mlp_criterion(logits, y)
    total_loss = cls_loss + 0.01 * torch.mean(logits ** 2)
    optimizer.zero_grad()
    total_loss.backward()
    optimizer.step()
`;

describe('criteria built in a notebook cell above the training cell', () => {
  it('a torch criterion of a cell above is its loss with the constructor\'s keywords, placed at the call', () => {
    const a = analyzeSource(training, 'python', 'nb.ipynb', { cellsAbove: [imports, lossClass, build] });
    const m = a.models.find((x) => x.name === 'total_loss')!;
    assert.deepEqual(m.terms.map(termSummary), ['base:+:cls_loss', 'penalty:+:logits ** 2*0.01']);
    const base = m.terms[0]!.expr;
    assert.ok(base.kind === 'call' && base.callee === 'nn.CrossEntropyLoss', JSON.stringify(base).slice(0, 200));
    assert.equal(base.kwargs.label_smoothing?.range.startLine, 2, 'the keyword is placed at the call, in this cell');
    assert.deepEqual(findUnsupported(m).map((u) => u.op), []);
  });

  it('an object of a cell above\'s loss class joins the base beside the criterion (no penalty without λ)', () => {
    const src = training.replace('total_loss = cls_loss + 0.01 * torch.mean(logits ** 2)', 'total_loss = recon_criterion(recon, x) + cls_loss');
    const a = analyzeSource(src, 'python', 'nb.ipynb', { cellsAbove: [imports, lossClass, build] });
    const m = a.models.find((x) => x.name === 'total_loss')!;
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'base']);
  });
});

// The object built in the training cell itself (`custom_loss = WeightedReconLoss(…)` above its loop): the loss class
// of the cell above is still one term, and the trainer runs its forward, read from that cell and placed at the call.
describe('an object of a class of a cell above, built in the training cell', () => {
  const inCell = `recon_criterion = WeightedReconLoss(scale=3.0)
for x, y in loader:
    recon, logits = model(x)
    total_loss = recon_criterion(recon, y) + 0.01 * torch.mean(logits ** 2)
    total_loss.backward()
`;

  it('is one base term the trainer reads through (its forward, with the constructor value), no LL113', () => {
    const a = analyzeSource(inCell, 'python', 'nb.ipynb', { cellsAbove: [imports, lossClass] });
    const m = a.models.find((x) => x.name === 'total_loss')!;
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty']);
    const base = m.terms[0]!.expr;
    assert.ok(base.kind === 'call' && base.forward, JSON.stringify(base).slice(0, 200));
    assert.ok(JSON.stringify(base.forward).includes('"value":3'), 'self.scale is the 3.0 the cell passes');
    assert.equal(base.forward.range.startLine, 3, 'what the forward computes is placed at the call, in this cell');
    assert.deepEqual(findUnsupported(m).map((u) => u.op), []);
    assert.deepEqual(runRules(a, inCell).filter((f) => f.code === 'LL113'), []);
  });

  it('the editor analyzer reads the class anew when its cell changes', () => {
    const analyzer = new DocumentAnalyzer('python', { fileName: 'nb.ipynb' });
    const forwardOf = (a: ReturnType<typeof analyzer.update>) => {
      const base = a.models.find((x) => x.name === 'total_loss')?.terms[0]?.expr;
      return JSON.stringify(base?.kind === 'call' ? base.forward : undefined);
    };
    assert.ok(forwardOf(analyzer.update(inCell, undefined, { cellsAbove: [imports, lossClass] })).includes('torch.square'));
    const changed = { number: 2, source: lossClass.source.replace('torch.square(recon - data)', 'torch.abs(recon - data)') };
    assert.ok(forwardOf(analyzer.update(inCell, [], { cellsAbove: [imports, changed] })).includes('torch.abs'));
    analyzer.dispose();
  });

  it('a weightless Keras layer of a cell above, called on the output, is read through its call (its rules apply)', () => {
    const kerasImports = { number: 1, source: 'import tensorflow as tf\nfrom keras.layers import Layer\nfrom keras import backend as K\n' };
    const layer = {
      number: 2,
      source: `class OverflowCount(Layer):
    def __init__(self, limit, **kwargs):
        super().__init__(**kwargs)
        self.limit = limit

    def call(self, inputs):
        return tf.reduce_sum(tf.cast(inputs > self.limit, tf.float32))
`,
    };
    const graph = `inputs = tf.keras.Input(shape=(8,))
outputs = tf.keras.layers.Dense(8)(inputs)
vae = tf.keras.Model(inputs, outputs)
counter = OverflowCount(2.0)
penalty = counter(outputs)
vae.add_loss(K.mean(K.square(inputs - outputs)) + 10.0 * penalty)
`;
    const a = analyzeSource(graph, 'python', 'nb.ipynb', { cellsAbove: [kerasImports, layer] });
    const codes = runRules(a, graph).map((f) => f.code);
    assert.ok(!codes.includes('LL113'), codes.join(','));
    assert.ok(codes.includes('LL106'), `the count has no gradient: ${codes.join(',')}`);
  });
});
