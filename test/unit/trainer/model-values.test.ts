// A loss that reads the model itself gets the trial model's weights (src/trainer/interpreter/modelValues.ts), and
// computes PyTorch's numbers on them (golden: scripts/golden/torch_model_values.py →
// test/golden/torch-model-values.json): `next(iter(model.parameters()))` is the first nn.Linear weight ([out, in]),
// a helper walking `net.named_parameters()` sums the weights, and `K.variable(layer.get_weights()[0])` is a frozen
// copy of the first kernel (its value, no gradient).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { chooseLoss } from '../../../src/analysis/choose';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported, readsModelWeights } from '../../../src/trainer/interpreter';
import { cpu, tf } from '../interpreter/tf';
import { root } from './helpers';

interface Case {
  fixture?: string;
  source?: string;
  term: string;
  value: number;
  kernelGrads: number[][][];
}

const golden = JSON.parse(readFileSync(join(root, 'test', 'golden', 'torch-model-values.json'), 'utf8')) as {
  torch: string;
  kernels: number[][][];
  biases: number[][];
  cases: Case[];
};

function lossOf(c: Case): LossModel {
  const file = c.fixture ? join(root, 'test', 'fixtures', 'real-shapes', c.fixture) : 'inline.py';
  const analysis = analyzeSource(c.source ?? readFileSync(file, 'utf8'), 'python', file);
  const chosen = chooseLoss(analysis, {});
  const loss = (chosen as { model?: LossModel }).model ?? analysis.models[0];
  assert.ok(loss, `${c.fixture ?? 'inline source'}: a loss`);
  return loss;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));

describe(`the model as a value: the trial model's weights, against torch ${golden.torch}`, () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  for (const c of golden.cases) {
    it(`${c.fixture ?? 'next(iter(model.parameters()))'}: ${c.term} and its gradient = torch's`, () => {
      const loss = lossOf(c);
      assert.deepEqual(findUnsupported(loss), [], 'nothing refused');
      assert.ok(readsModelWeights(loss), 'the trainer passes the weights');
      const term = loss.terms.find((t) => t.label === c.term);
      assert.ok(term, `a term named ${c.term} (got ${loss.terms.map((t) => t.label).join(', ')})`);
      const params = golden.kernels.flatMap((k, i) => [tf.tensor2d(k), tf.tensor1d(golden.biases[i]!)]);
      const run = compileLoss(tf, loss, {});
      const y = tf.zeros([2, 3]);
      const raw = run(y, tf.zeros([2, 3]), { weights: params }).terms[term.id]!.raw.dataSync()[0]!;
      assert.ok(close(raw, c.value), `${c.term}: ${raw} vs torch ${c.value}`);
      // d term / d kernel, each kernel in the trainer's layout; tf.grads needs every input used: join by a zero
      const grads = tf.grads((...ws: Tensor[]) => {
        const v = run(y, tf.zeros([2, 3]), { weights: ws }).terms[term.id]!.raw;
        return tf.add(v, tf.mul(0, tf.addN(ws.map((w) => tf.sum(w))))) as Scalar;
      })(params);
      for (const [i, want] of c.kernelGrads.entries()) {
        const got = grads[2 * i]!.arraySync() as number[][];
        for (const [r, row] of want.entries()) {
          for (const [k, g] of row.entries()) assert.ok(close(got[r]![k]!, g), `kernel ${i} [${r}, ${k}]: ${got[r]![k]} vs torch ${g}`);
        }
      }
    });
  }
});

describe('the model as a value: only its weights', () => {
  before(() => initParsers());

  const refusals = (body: string, args = 'model') => {
    const src = `import torch\nimport torch.nn.functional as F\n\ndef loss(pred, target, ${args}, x_in, lam=0.1):\n    return F.mse_loss(pred, target) + lam * ${body}\n`;
    return findUnsupported(analyzeSource(src, 'python', 'f.py').models[0]!).map((u) => u.op);
  };

  it('a model read for its weights or named members is given; one called on an input is still refused by name', () => {
    assert.deepEqual(refusals('next(iter(model.parameters())).abs().sum()'), []);
    assert.deepEqual(refusals('model.fc.weight.abs().sum()'), []);
    assert.deepEqual(refusals('(model.fc.weight.abs().sum() + model.encoder.bias.pow(2).sum())'), []);
    assert.deepEqual(refusals('model.layers[0].weight.norm(2)'), []);
    assert.equal(refusals('model(x_in).abs().mean()').length, 1);
    assert.equal(refusals('(model.fc.weight.abs().sum() + model(x_in).mean())').length, 1, 'a model also run on an input');
  });

  it("a parameter not named as a model is a model only where the loss reads a weight of it (`aux.weight`), not any attribute (`batch.x`)", () => {
    assert.deepEqual(refusals('aux.weight.abs().sum()', 'aux'), []);
    assert.deepEqual(refusals('batch.x.abs().mean()', 'batch'), ['batch']);
  });
});

describe('the model as a value: parameters picked by their name', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  // nn.Sequential names its parameters `0.weight`, `0.bias`, `1.weight`, …: a filter on a part of the name picks those
  const penaltyOn = (test: string): number => {
    const src = `import torch\nimport torch.nn.functional as F\n\ndef by_name(model):\n    total = 0\n    for name, p in model.named_parameters():\n        if ${test}:\n            total += (p ** 2).sum()\n    return total\n\ndef loss(pred, target, model, lam=0.1):\n    return F.mse_loss(pred, target) + lam * by_name(model)\n`;
    const loss = analyzeSource(src, 'python', 'f.py').models.find((m) => m.name === 'loss')!;
    assert.deepEqual(findUnsupported(loss), [], 'nothing refused');
    const term = loss.terms.find((t) => t.role === 'penalty')!;
    const params = [tf.tensor2d([[1, 2]]), tf.tensor1d([3]), tf.tensor2d([[4], [5]]), tf.tensor1d([6, 7])];
    return compileLoss(tf, loss, {})(tf.zeros([1, 2]), tf.zeros([1, 2]), { weights: params }).terms[term.id]!.raw.dataSync()[0]!;
  };

  it('name.split(".")[-1] is the last dotted part, as Python splits it', () => {
    assert.equal(penaltyOn('name.split(".")[-1] == "bias"'), 3 ** 2 + 6 ** 2 + 7 ** 2);
    assert.equal(penaltyOn('name.split(".", 1)[0] == "1"'), 4 ** 2 + 5 ** 2 + 6 ** 2 + 7 ** 2);
    assert.equal(penaltyOn('name.split(".")[-1] == "thresh"'), 0);
  });

  it('a summed comprehension with `if` clauses adds the parameters they keep (one-line L1/L2 over weights only)', () => {
    const sumOf = (comprehension: string): number => {
      const src = `import torch\nimport torch.nn.functional as F\n\ndef loss(pred, target, model, lam=0.1):\n    return F.mse_loss(pred, target) + lam * sum(${comprehension})\n`;
      const loss = analyzeSource(src, 'python', 'f.py').models[0]!;
      assert.deepEqual(findUnsupported(loss), [], 'nothing refused');
      const term = loss.terms.find((t) => t.role === 'penalty')!;
      const params = [tf.tensor2d([[1, 2]]), tf.tensor1d([3]), tf.tensor2d([[4], [5]]), tf.tensor1d([6, 7])];
      return compileLoss(tf, loss, {})(tf.zeros([1, 2]), tf.zeros([1, 2]), { weights: params }).terms[term.id]!.raw.dataSync()[0]!;
    };
    assert.equal(sumOf("(p ** 2).sum() for n, p in model.named_parameters() if 'bias' not in n"), 1 + 4 + 16 + 25);
    assert.equal(sumOf('[p.abs().sum() for p in model.parameters() if p.requires_grad if p.ndim > 1]'), 1 + 2 + 4 + 5);
  });
});

describe("the model's named members: which trial layer each takes", () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  const params = [tf.tensor2d([[1, 2]]), tf.tensor1d([3, 4]), tf.tensor2d([[5], [6]]), tf.tensor1d([7]), tf.tensor2d([[8, 9]]), tf.tensor1d([10])];
  const penalty = (body: string, framework = 'torch'): number => {
    const src = framework === 'torch'
      ? `import torch\nimport torch.nn.functional as F\n\ndef loss(pred, target, model, lam=0.1):\n    return F.mse_loss(pred, target) + lam * ${body}\n`
      : `import tensorflow as tf\n\ndef loss(y_true, y_pred, model, lam=0.1):\n    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * ${body}\n`;
    const loss = analyzeSource(src, 'python', 'f.py').models[0]!;
    assert.deepEqual(findUnsupported(loss), [], 'nothing refused');
    assert.ok(readsModelWeights(loss), 'the trainer passes the weights');
    const term = loss.terms.find((t) => t.role === 'penalty')!;
    return compileLoss(tf, loss, {})(tf.zeros([1, 1]), tf.zeros([1, 1]), { weights: params }).terms[term.id]!.raw.dataSync()[0]!;
  };

  it('members take the layers in the order the loss first reads them; .bias is the bias, a bare member the weight', () => {
    assert.equal(penalty('model.fc1.weight.sum()'), 3);
    assert.equal(penalty('(model.fc1.bias.sum() + model.fc2.bias.sum())'), 3 + 4 + 7);
    assert.equal(penalty('(model.fc2.weight.sum() * 0 + model.fc1.weight.sum())'), 11, 'the first read takes the first layer, whatever its name');
    assert.equal(penalty('(model.lora_A.sum() + 10 * model.lora_B.sum())'), 3 + 10 * 11);
  });

  it('a member named as the output layer takes the last layer; the same member read twice is one layer', () => {
    assert.equal(penalty('model.classifier.weight.sum()'), 17);
    assert.equal(penalty('(model.encoder.weight.sum() + model.head.bias.sum() + model.encoder.weight.sum())'), 3 + 10 + 3);
    assert.equal(penalty('model[-1].weight.sum()'), 17);
    assert.equal(penalty('model[0].weight.sum()'), 3);
  });

  it("a member whose parameters the loss reads is its layer; the weight's rows are PyTorch's [out, in]", () => {
    assert.equal(penalty('sum(p.sum() for p in model.fc1.parameters())'), 3 + 3 + 4);
    assert.equal(penalty('model.fc1.weight[1].sum()'), 2, 'row 1 of the [out, in] weight [[1], [2]]: output unit 1');
  });
});
