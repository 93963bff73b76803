// DocumentAnalyzer: edits applied to the previous tree and reparsed give the same analysis as a full parse.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DocumentAnalyzer, type TextEditDelta } from '../../../src/analysis/index';
import { analyze, comparable, fixture, ready } from './helpers';

before(() => ready);

function pointAt(text: string, index: number): { row: number; column: number } {
  const before = text.slice(0, index);
  const row = before.split('\n').length - 1;
  return { row, column: index - (before.lastIndexOf('\n') + 1) };
}

/** Replaces text[start, end) by `insert`; returns the new text and tree-sitter's edit (UTF-16 units). */
function edit(text: string, start: number, end: number, insert: string): { text: string; delta: TextEditDelta } {
  const next = text.slice(0, start) + insert + text.slice(end);
  return {
    text: next,
    delta: {
      startIndex: start,
      oldEndIndex: end,
      newEndIndex: start + insert.length,
      startPosition: pointAt(text, start),
      oldEndPosition: pointAt(text, end),
      newEndPosition: pointAt(next, start + insert.length),
    },
  };
}

describe('incremental analysis', () => {
  it('equals a full parse after each of a series of edits (insert, delete, replace, non-ASCII)', () => {
    let text = `${fixture('seed-1-sum-to-one.py')}\n${fixture('seed-2-bounded.py')}`;
    const doc = new DocumentAnalyzer('python');
    assert.deepEqual(comparable(doc.update(text)), comparable(analyze(text)));
    const steps: [string, string][] = [
      ['lambda_param=1.0', 'lambda_param=0.0'], // change a default
      ['return cross_entropy + lambda_param * sum_penalty', 'return cross_entropy - sum_penalty'], // drop λ and flip
      ['  sum_penalty = ', '  # λ… 😀 comment\n  sum_penalty = '], // insert a line with astral characters before a term
      ['upper_bound=1.0, ', ''], // delete a parameter
      ['mse + lambda_param', 'mse + lambda_param * (1 +'], // break the syntax
      ['mse + lambda_param * (1 +', 'mse + lambda_param'], // and mend it
    ];
    for (const [from, to] of steps) {
      const start = text.indexOf(from);
      assert.ok(start >= 0, from);
      const e = edit(text, start, start + from.length, to);
      text = e.text;
      const inc = doc.update(text, [e.delta]);
      assert.deepEqual(comparable(inc), comparable(analyze(text)), `after replacing '${from}'`);
    }
    const last = doc.update(text, []);
    assert.equal(last.models.length, 2);
    assert.equal(last.models[0].terms[1].sign, -1);
    doc.dispose();
  });

  it('applies several edits given in one update, in order', () => {
    let text = fixture('seed-3-sparse.py');
    const doc = new DocumentAnalyzer('python');
    doc.update(text);
    const deltas: TextEditDelta[] = [];
    for (const [from, to] of [['lambda_param=0.01', 'lambda_param=0.5'], ['tf.abs(y_pred)', 'tf.square(y_pred)']]) {
      const start = text.indexOf(from);
      const e = edit(text, start, start + from.length, to);
      text = e.text;
      deltas.push(e.delta);
    }
    const inc = doc.update(text, deltas);
    assert.deepEqual(comparable(inc), comparable(analyze(text)));
    assert.equal(inc.models[0].params.find((p) => p.name === 'lambda_param')?.default, 0.5);
    doc.dispose();
  });

  it('works for TypeScript documents, also when code above moves a cached loss down', () => {
    let text = `import * as tf from '@tensorflow/tfjs';\nconst LAM = 0.5;\nconst l = (yTrue, yPred, lam = 1) => tf.losses.meanSquaredError(yTrue, yPred).add(yPred.abs().mean().mul(lam));\nfunction g(yTrue, yPred) {\n  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.mul(LAM, tf.relu(tf.neg(yPred)).mean()));\n}\nmodel.compile({ loss: g });\n`;
    const doc = new DocumentAnalyzer('typescript');
    doc.update(text);
    const steps: [string, string][] = [
      ['.mul(lam)', ''], // drop λ in one loss
      ['const LAM', '// a comment line\n// and another\nconst LAM'], // move both losses down two lines
      ['LAM = 0.5', 'LAM = 2'], // change the global λ both read
      ['model.compile', 'const h = (yTrue, yPred) => tf.losses.meanSquaredError(yTrue, yPred);\nmodel.compile'], // add a loss
    ];
    for (const [from, to] of steps) {
      const start = text.indexOf(from);
      const e = edit(text, start, start + from.length, to);
      text = e.text;
      const inc = doc.update(text, [e.delta]);
      assert.deepEqual(comparable(inc), comparable(analyze(text, 'typescript')), `after replacing '${from}'`);
    }
    const final = doc.update(text, []);
    assert.deepEqual(final.models.map((m) => m.id), ['l:5', 'g:6', 'h:9']);
    assert.equal(final.models[0].terms[1].weight, undefined);
    doc.dispose();
  });
});

describe('incremental analysis reuses what did not change', () => {
  const source = `import tensorflow as tf
LAM = 0.5
HI = 1.0
def a(y_true, y_pred):
    return tf.keras.losses.mse(y_true, y_pred) + LAM * tf.reduce_mean(tf.abs(y_pred))
def b(y_true, y_pred, lam=1.0):
    return tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.nn.relu(y_pred - HI))
def c(y_true, y_pred, lam=2.0):
    return tf.keras.losses.mse(y_true, y_pred) + lam * tf.reduce_mean(tf.nn.relu(-y_pred))
`;

  function step(doc: DocumentAnalyzer, text: string, from: string, to: string): string {
    const start = text.indexOf(from);
    const e = edit(text, start, start + from.length, to);
    const inc = doc.update(e.text, [e.delta]);
    assert.deepEqual(comparable(inc), comparable(analyze(e.text)), `after replacing '${from}'`);
    return e.text;
  }

  it('rebuilds only the edited loss, or the losses that read an edited module constant', () => {
    const doc = new DocumentAnalyzer('python');
    doc.update(source);
    assert.equal(doc.rebuiltDefinitions, 3);
    let text = step(doc, source, 'lam=2.0', 'lam=3.0');
    assert.equal(doc.rebuiltDefinitions, 1); // c only
    text = step(doc, text, 'HI = 1.0', 'HI = 2.0');
    assert.equal(doc.rebuiltDefinitions, 1); // b reads HI
    assert.deepEqual(doc.update(text, []).models[1].terms[1].constraint, { kind: 'bounds', params: { upper: 2 } });
    text = step(doc, text, 'import tensorflow as tf\n', 'import tensorflow as tf\n# a note\n');
    assert.equal(doc.rebuiltDefinitions, 0); // all moved one line down, none rebuilt
    text = step(doc, text, '# a note', 'import numpy as np');
    assert.equal(doc.rebuiltDefinitions, 0); // no loss reads `np`
    text = step(doc, text, 'import tensorflow as tf', 'import tensorflow as tf2');
    assert.equal(doc.rebuiltDefinitions, 3); // every loss reads `tf`, which is no longer the import
    doc.dispose();
  });

  it('a training loop reading the settings object its caller passes follows edits of that object', () => {
    const doc = new DocumentAnalyzer('python');
    const script = `import torch
import torch.nn as nn

def train(model, loader, cfg):
    criterion = nn.MSELoss()
    for x, y in loader:
        loss = criterion(model(x), y) + cfg.l1 * sum(p.abs().sum() for p in model.parameters())
        loss.backward()

class Config:
    l1 = 1e-4

if __name__ == "__main__":
    CFG = Config()
    CFG.l1 = 2e-4
    train(nn.Linear(4, 1), [], CFG)
`;
    doc.update(script);
    step(doc, script, 'train(nn.Linear(4, 1), [], CFG)', 'train(nn.Linear(4, 1), [], Config)');
    doc.dispose();
  });

  it('a loss class built with a module list constant (`PinballLoss(quantiles=QUANTILES)`) reads its items, and follows edits of it', () => {
    const doc = new DocumentAnalyzer('python');
    const script = `import torch
QUANTILES = [0.1, 0.5, 0.9]

class PinballLoss(torch.nn.Module):
    def __init__(self, quantiles=None, lam=0.5):
        super().__init__()
        self.quantiles = quantiles
        self.lam = lam

    def forward(self, outputs, target):
        losses = []
        for i, q in enumerate(self.quantiles):
            error = target - outputs[:, i]
            losses.append(torch.max((q - 1) * error, q * error).mean())
        crossing = torch.relu(outputs[:, :-1] - outputs[:, 1:]).mean()
        return sum(losses) + self.lam * crossing

criterion = PinballLoss(quantiles=QUANTILES)
`;
    const items = (text: string) => doc.update(text, []).models[0]?.usages.find((u) => u.kind === 'factory-call')?.boundItems;
    doc.update(script);
    assert.deepEqual(items(script), { quantiles: [0.1, 0.5, 0.9] });
    const next = step(doc, script, 'QUANTILES = [0.1, 0.5, 0.9]', 'QUANTILES = [0.05, 0.95]');
    assert.deepEqual(items(next), { quantiles: [0.05, 0.95] }, 'the cached call site is read again when the constant changes');
    doc.dispose();
  });

  it('a loss function reading the settings dict its callers hand on follows edits of the call', () => {
    const doc = new DocumentAnalyzer('python');
    const script = `import torch
import torch.nn.functional as F

CONFIG = {"loss": {"w": 0.05}}
OTHER = {"loss": {"w": 0.5}}

def sequence_loss(pred, target, cfg):
    return F.mse_loss(pred, target) + cfg["loss"]["w"] * (pred ** 2).mean()

def train(model, loader, config):
    for x, y in loader:
        loss = sequence_loss(model(x), y, config)
        loss.backward()

if __name__ == "__main__":
    train(None, [], CONFIG)
`;
    doc.update(script);
    step(doc, script, 'train(None, [], CONFIG)', 'train(None, [], OTHER)');
    doc.dispose();
  });

  it('reads again only the call sites whose statement changed', () => {
    const doc = new DocumentAnalyzer('python');
    let text = `${source}model.compile(loss=a, optimizer='adam')
model.compile(
    loss=b,
    optimizer='adam',
)
model.fit(x, y)
`;
    doc.update(text);
    assert.equal(doc.rereadCallSites, 3);
    text = step(doc, text, 'lam=2.0', 'lam=3.0');
    assert.equal(doc.rereadCallSites, 0);
    text = step(doc, text, "    optimizer='adam',\n)", "    optimizer='sgd',\n)");
    assert.equal(doc.rereadCallSites, 1); // the multi-line compile of b
    text = step(doc, text, 'loss=a,', 'loss=c,');
    assert.equal(doc.rereadCallSites, 1);
    const models = doc.update(text, []).models;
    assert.deepEqual(models.map((m) => m.usages.map((u) => u.kind)), [[], ['compile', 'fit'], ['compile', 'fit']]);
    doc.dispose();
  });
});
