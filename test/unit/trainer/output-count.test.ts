// A loss that sizes a matrix by the prediction's count of outputs (`torch.eye(probs.shape[1])` against `probsᵀ probs`)
// gets several outputs, even where its task would give one (binary targets): one output would make the matrix a
// number, and the constraint between outputs would vanish.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { lossSampleShape } from '../../../src/trainer/data';

const loss = (body: string) =>
  analyzeSource(`import torch
import torch.nn.functional as F


def slot_loss(logits, targets):
    bce = F.binary_cross_entropy_with_logits(logits, targets)
${body}
`, 'python', 'slots.py').models[0]!;

test('`torch.eye(probs.shape[1])` on the sigmoid of the prediction asks for several outputs', async () => {
  await initParsers();
  const model = loss(`    probs = torch.sigmoid(logits)
    overlap = torch.norm(probs.t() @ probs - torch.eye(probs.shape[1]))
    return bce + 0.1 * overlap`);
  const shape = lossSampleShape(model, 1);
  assert.deepEqual(shape.shape, [4]);
  assert.match(shape.why ?? '', /4 outputs because the loss reads the count of outputs `probs\.shape\[1\]` \(line 8\)/);
});

test('`.size(-1)` counts too; a batch size (`shape[0]`) does not', async () => {
  await initParsers();
  assert.deepEqual(lossSampleShape(loss('    return bce + 0.1 * (logits.sum(dim=1) - logits.size(-1) / 2).abs().mean()'), 1).shape, [4]);
  assert.deepEqual(lossSampleShape(loss('    return bce + 0.1 * logits.abs().sum() / logits.shape[0]'), 1).shape, [1]);
});
