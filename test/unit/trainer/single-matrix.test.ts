// A transform the loss reads as ONE 2-D matrix (`torch.eye(k) - trans @ trans.transpose(0, 1)`, PointNet's
// regulariser written for a single matrix) gets one trainable [k, k] matrix, a block of the kernel that makes the last
// hidden layer, not a [B, k, k] batch cut from the activations (which `transpose(0, 1)` would scramble); the batched
// form (`torch.bmm(trans, trans.transpose(1, 2))`) keeps its per-sample matrices.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { compileLoss } from '../../../src/trainer/interpreter';
import { mappedLosses } from '../../../src/trainer/mappedLoss';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { cpu, tf } from '../interpreter/tf';

const moduleWith = (gram: string) => `import torch
import torch.nn as nn

class OrthoLoss(nn.Module):
    def __init__(self, w=1e-3):
        super().__init__()
        self.w = w
        self.ce = nn.CrossEntropyLoss()

    def forward(self, labels, logits, trans):
        k = trans.shape[0]
        ortho = torch.norm(torch.eye(k) - ${gram})
        return self.ce(logits, labels) + self.w * ortho
`;

const lossOf = (source: string) => analyzeSource(source, 'python', 'f.py').models[0]!;

before(async () => {
  await cpu();
  await initParsers();
});

test('`trans @ trans.transpose(0, 1)`, `trans.t()`, `trans.T`, `torch.mm(trans, …)`: one matrix', () => {
  for (const gram of ['trans @ trans.transpose(0, 1)', 'trans @ trans.t()', 'trans @ trans.T', 'torch.mm(trans, trans.transpose(1, 0))']) {
    assert.deepEqual(mappedTensorArgs(lossOf(moduleWith(gram))), [{ name: 'trans', kind: 'matrix' }], gram);
  }
  assert.deepEqual(mappedTensorArgs(lossOf(moduleWith('torch.bmm(trans, trans.transpose(1, 2))'))), [{ name: 'trans', kind: 'square' }]);
});

test('the matrix is the top-left k×k block of the kernel: ||I - A Aᵀ|| computed by hand', () => {
  const loss = lossOf(moduleWith('trans @ trans.transpose(0, 1)'));
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], { framework: 'pytorch', units: 3, weightIndex: 0 });
  // the trial's kernel [in = 2, out = 3]: its block A = [[1, 0], [0, 2]], A Aᵀ = diag(1, 4), I - A Aᵀ = diag(0, -3)
  const kernel = tf.tensor2d([
    [1, 0, 5],
    [0, 2, 7],
  ]);
  const out = run!(tf.tensor1d([0, 1], 'int32'), tf.zeros([2, 3]), { weights: [kernel] });
  assert.equal(out.terms[penalty.id]!.raw.dataSync()[0], 3);
});
