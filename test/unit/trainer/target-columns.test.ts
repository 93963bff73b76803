// One target compared with each prediction column (multi-quantile losses): the synthetic target is one number per
// sample (not the prediction's shape, which made `target - preds[:, i]` fail to broadcast and blamed the user's
// line), the prediction has one column per quantile, and the loss trains with its penalty.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { prepareData } from '../../../src/trainer/data';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const spec = { dataset: { kind: 'synthetic' as const, task: 'auto' as const, samples: 400, features: 6, outputs: 4 }, seed: 5, validationSplit: 0 };
const lossOf = (source: string) => analyzeSource(`import torch\n\n${source}`, 'python', 'loss.py').models[0]!;

const pinball = `def qloss(preds, target, quantiles=(0.1, 0.5, 0.9), w=1.0):
    total = 0.0
    for i, q in enumerate(quantiles):
        err = target - preds[:, i]
        total += torch.max((q - 1) * err, q * err).mean()
    return total + w * torch.relu(preds[:, :-1] - preds[:, 1:]).mean()
`;

before(() => initParsers());

test('`target - preds[:, i]` for each of 3 quantiles: targets are one number per sample, predictions 3 columns', async () => {
  const data = await prepareData(spec, lossOf(pinball));
  assert.deepEqual(data.targetShape, []);
  assert.equal(data.train.targets, 1);
  assert.deepEqual(data.sampleShape, [3]);
  assert.match(data.description, /one target per sample, compared with each prediction column \(`target - preds\[:, i\]`/);
});

test('the unsqueezed forms (`target.unsqueeze(-1) - preds`, `target[:, None] - preds`) and the ellipsis pick too', async () => {
  const forms = [
    'def q(preds, target, w=1.0):\n    e = target.unsqueeze(-1) - preds\n    return torch.max(0.9 * e, -0.1 * e).mean() + w * preds.abs().mean()\n',
    'def q(preds, target, w=1.0):\n    e = target[:, None] - preds\n    return torch.max(0.9 * e, -0.1 * e).mean() + w * preds.abs().mean()\n',
    'def q(preds, target, w=1.0):\n    return (target - preds[..., 1]).abs().mean() + w * preds.abs().mean()\n',
    // `.T` reverses every axis in PyTorch: `preds.T[2].T` is channel 2 of the last axis, the others in order
    'def q(preds, target, w=1.0):\n    return (preds.T[2].T - target).abs().mean() + w * torch.relu(preds.T[1].T - preds.T[0].T).mean()\n',
  ];
  for (const source of forms) {
    const data = await prepareData(spec, lossOf(source));
    assert.deepEqual(data.targetShape, [], source);
  }
});

test('a target read by its own columns (`target[:, 0] - preds[:, i]`) or compared whole keeps the prediction shape', async () => {
  const own = 'def q(preds, target, w=1.0):\n    return (target[:, 0] - preds[:, 1]).abs().mean() + w * preds.abs().mean()\n';
  const whole = 'def q(preds, target, w=1.0):\n    return ((target - preds) ** 2).mean() + w * preds.abs().mean()\n';
  for (const source of [own, whole]) assert.equal((await prepareData(spec, lossOf(source))).targetShape, undefined, source);
});

test('the pinball loss trains with its crossing penalty, and λ = 10 removes the crossing', async () => {
  const loss = lossOf(pinball);
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const runs = [0, 10].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 60, runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!;
  assert.ok(Number.isFinite(last('l0').terms[penalty.id]!.raw));
  assert.ok(last('l10').terms[penalty.id]!.raw <= last('l0').terms[penalty.id]!.raw);
});

const attributes = `import torch.nn.functional as F
LABEL, GROUP = 0, 2

def fair_ce(logits, targets, w=0.5):
    p = F.softmax(logits, dim=1)[:, 1]
    g = targets[:, GROUP]
    gap = (p[g == 1].mean() - p[g == 0].mean()) ** 2
    return F.cross_entropy(logits, targets[:, LABEL]) + w * gap
`;

test('a matrix of labels and attributes (`targets[:, LABEL]` for the cross-entropy, `targets[:, GROUP]`): its columns, the class in the label column, a 0/1 attribute in the others', async () => {
  const data = await prepareData({ ...spec, dataset: { ...spec.dataset, outputs: 3 } }, lossOf(attributes));
  assert.deepEqual(data.targetShape, [3]);
  assert.equal(data.train.targets, 3);
  const rows = Array.from({ length: data.train.samples }, (_, r) => Array.from(data.train.y.subarray(r * 3, r * 3 + 3)));
  assert.ok(rows.every(([label, a, b]) => Number.isInteger(label) && label! >= 0 && label! < 3 && a === b && (a === 0 || a === 1)));
  assert.ok(new Set(rows.map((r) => r[2])).size === 2, 'both groups occur');
  assert.match(data.description, /a target matrix of 3 columns, because the loss reads column 0, column 2: column 2 a 0\/1 attribute/);
});

test('the label-and-attribute loss trains with its parity penalty', async () => {
  const loss = lossOf(attributes);
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 20 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  assert.ok(points.length > 0 && points.every((p) => Number.isFinite(p.terms[penalty.id]!.raw)));
});
