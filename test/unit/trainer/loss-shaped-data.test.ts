// Data shaped by what the loss reads beside its prediction: a reconstruction pair (`x_hat`, `x`) gets autoencoder
// data whose targets are its inputs; a sensitive attribute (`group`) gets a 0/1 column after the targets, correlated
// with them, and the loop reads the targets as columns (the class indices of a sparse loss come back in the wrapper).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { lossTask, prepareData } from '../../../src/trainer/data';

const spec = { dataset: { kind: 'synthetic' as const, task: 'auto' as const, samples: 400, features: 6, outputs: 3 }, seed: 5, validationSplit: 0 };
const lossOf = (source: string) => analyzeSource(`import torch\nimport torch.nn.functional as F\n\n${source}`, 'python', 'loss.py').models[0]!;

before(() => initParsers());

test('a reconstruction loss gets autoencoder data: target = input, one output per feature, and says why', async () => {
  const data = await prepareData(spec, lossOf('def rec(x_hat, x, lam=0.1):\n    return F.mse_loss(x_hat, x) + lam * x_hat.abs().mean()\n'));
  assert.deepEqual([data.train.features, data.train.targets, data.train.outputs], [6, 6, 6]);
  assert.deepEqual(Array.from(data.train.y), Array.from(data.train.x));
  assert.match(data.description, /^synthetic autoencoder data: target = input \(the loss compares `x_hat` with the input `x`\)/);
});

test('a loss on (pred, target) keeps its regression data', async () => {
  const data = await prepareData(spec, lossOf('def fit(pred, target, lam=0.1):\n    return F.mse_loss(pred, target) + lam * pred.abs().mean()\n'));
  assert.equal(data.train.outputs, 3);
  assert.doesNotMatch(data.description, /autoencoder/);
});

/** Pearson correlation of two columns. */
function correlation(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i]! - mb);
    aa += (x - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

test('a sensitive attribute: a 0/1 group column after the target, correlated with it but not equal to it', async () => {
  const loss = lossOf('def fair(logits, labels, group, w=0.8):\n    p = torch.sigmoid(logits)\n    return F.binary_cross_entropy_with_logits(logits, labels) + w * (p[group == 1].mean() - p[group == 0].mean()) ** 2\n');
  const data = await prepareData({ ...spec, dataset: { ...spec.dataset, outputs: 1 } }, loss);
  const t = data.train.targets;
  assert.equal(t, 2);
  assert.equal(data.groupColumn, 'columns');
  const target = Array.from({ length: data.train.samples }, (_, r) => data.train.y[r * t]!);
  const group = Array.from({ length: data.train.samples }, (_, r) => data.train.y[r * t + 1]!);
  assert.ok(group.every((g) => g === 0 || g === 1));
  const r = correlation(target, group);
  assert.ok(r > 0.4 && r < 0.9, `correlation ${r}`);
});

test('a sparse classification loss with a group: the targets are read as columns, the class indices come back in the loss', async () => {
  const loss = lossOf('def fair_ce(logits, labels, group, w=0.5):\n    p = torch.softmax(logits, dim=1)[:, 1]\n    return F.cross_entropy(logits, labels) + w * (p[group == 1].mean() - p[group == 0].mean()) ** 2\n');
  const data = await prepareData(spec, loss);
  assert.equal(data.encoding, 'onehot');
  assert.equal(data.groupColumn, 'index');
  assert.equal(data.train.targets, 2);
  assert.ok(Number.isInteger(data.train.y[0]) && Number.isInteger(data.train.y[2]));
});

test('the task the spec infers from the loss (as the CLI and the editor build it) still gets autoencoder data', async () => {
  const loss = lossOf('def rec(x_hat, x, lam=0.1):\n    return F.mse_loss(x_hat, x) + lam * x_hat.abs().mean()\n');
  const data = await prepareData({ ...spec, dataset: { ...spec.dataset, task: lossTask(loss).task } }, loss);
  assert.match(data.description, /^synthetic autoencoder data: target = input/);
  assert.deepEqual(Array.from(data.train.y), Array.from(data.train.x));
  // a task chosen otherwise keeps its own data
  const chosen = await prepareData({ ...spec, dataset: { ...spec.dataset, task: 'bounded-regression' as const } }, loss);
  assert.doesNotMatch(chosen.description, /autoencoder/);
});
