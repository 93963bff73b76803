// Extra tensor arguments the name table does not settle get what their USE implies (src/trainer/tensorUsage.ts): a
// quantile level where the loss multiplies a residual by it or subtracts an indicator from it, an embedding where it
// pairs it with the prediction, one value per sample beside a per-sample reduction, ids where it indexes, a positive tensor under a
// log or as a divisor, a coefficient where it multiplies the prediction or the target, the model's weight matrices
// where it is iterated as a list. Each is said in the header with its line; an argument no rule reads is still refused
// by name. The numbers the fixtures' terms compute on what the trial gives are PyTorch's (golden:
// scripts/golden/torch_usage_args.py → test/golden/torch-usage-args.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { type ArgLayout, mappedLosses } from '../../../src/trainer/mappedLoss';
import { levels } from '../../../src/trainer/syntheticArgs';
import { hiddenArgs, mappedTensorArgs, refusedTensorArgs } from '../../../src/trainer/tensorArgs';
import { usageOf } from '../../../src/trainer/tensorUsage';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { root, specFor } from './helpers';

interface GoldenCase {
  fixture: string;
  term: string;
  value: number;
  gradH?: number[][];
}
const golden = JSON.parse(readFileSync(join(root, 'test', 'golden', 'torch-usage-args.json'), 'utf8')) as {
  torch: string;
  pred: number[][];
  target: number[][];
  h: number[][];
  cases: GoldenCase[];
  weightList: { kernels: number[][][]; biases: number[][]; l1: number; dataNorm: number };
};

const fixture = (name: string): LossModel => {
  const file = join(root, 'test', 'fixtures', 'real-shapes', name);
  const loss = analyzeSource(readFileSync(file, 'utf8'), 'python', file).models.find((m) => m.terms.some((t) => t.role === 'penalty'));
  assert.ok(loss, `${name}: a loss with a penalty`);
  return loss;
};
const inline = (source: string): LossModel => analyzeSource(source, 'python', 'inline.py').models[0]!;
const fn = (args: string, body: string) => inline(`import torch\n\n\ndef custom_loss(pred, target, ${args}):\n${body}\n`);

before(async () => {
  await cpu();
  await initParsers();
});

describe('the usage rules', () => {
  const cases: { use: string; args: string; body: string; name: string; kind: string; line: number }[] = [
    { use: 'multiplies the residual', args: 'tau', name: 'tau', kind: 'level', line: 6, body: '    err = target - pred\n    return torch.max(tau * err, (tau - 1) * err).mean() + 0.1 * torch.relu(-pred).mean()' },
    { use: 'has an indicator subtracted from it', args: 'q', name: 'q', kind: 'level', line: 6, body: '    e = target - pred\n    return torch.mean((q - (e < 0).float()) * e) + 0.1 * pred.abs().mean()' },
    { use: 'is multiplied with the prediction', args: 'neg', name: 'neg', kind: 'embedding', line: 5, body: '    s = torch.mul(pred, neg).sum(dim=1)\n    return -torch.log(torch.sigmoid((pred * target).sum(dim=1) - s)).mean() + 0.01 * neg.pow(2).sum()' },
    { use: 'multiplies the prediction by without summing (a weight, not an embedding)', args: 'emphasis', name: 'emphasis', kind: 'coefficient', line: 6, body: '    fit = ((pred - target) ** 2).mean()\n    return fit + 0.1 * torch.relu(-pred * emphasis).mean()' },
    { use: 'is under a log', args: 'rate', name: 'rate', kind: 'positive', line: 5, body: '    nll = (pred - target * torch.log(rate)).mean()\n    return nll + 0.1 * pred.pow(2).mean()' },
    { use: 'divides', args: 'scale', name: 'scale', kind: 'positive', line: 5, body: '    z = (pred - target) / scale\n    return (z ** 2).mean() + 0.1 * pred.abs().mean()' },
    { use: 'indexes the prediction with', args: 'neg_ids', name: 'neg_ids', kind: 'ids', line: 5, body: '    neg = pred.gather(1, neg_ids.unsqueeze(1)).squeeze()\n    return torch.relu(neg - pred[:, 0] + 0.5).mean() + 0.1 * pred.pow(2).mean()' },
    { use: 'multiplies the prediction', args: 'importance', name: 'importance', kind: 'coefficient', line: 6, body: '    fit = ((pred - target) ** 2).mean()\n    return fit + 0.1 * torch.relu(importance * pred.abs() - 1).mean()' },
  ];
  for (const c of cases) {
    it(`an argument the loss ${c.use} is ${c.kind}, on its line`, () => {
      const loss = fn(c.args, c.body);
      const usage = usageOf(loss, c.name);
      assert.equal(usage?.kind, c.kind);
      assert.equal(usage?.line, c.line);
      assert.deepEqual(mappedTensorArgs(loss), [{ name: c.name, kind: c.kind }]);
      assert.deepEqual(refusedTensorArgs(loss), []);
      assert.deepEqual(findUnsupported(loss), []);
    });
  }

  it('an argument iterated as a list is the model weight list, not refused', () => {
    const loss = fn('params', '    reg = 0\n    for p in params:\n        reg = reg + p.pow(2).sum()\n    return ((pred - target) ** 2).mean() + 0.01 * reg');
    assert.equal(usageOf(loss, 'params')?.kind, 'weight-list');
    assert.deepEqual(findUnsupported(loss), []);
  });

  it('a scalar added as a term of its own (a KL or codebook loss the model computes) is refused by name', () => {
    const loss = fn('surprise', '    mse = ((pred - target) ** 2).mean()\n    return mse + 0.5 * surprise');
    assert.equal(usageOf(loss, 'surprise'), undefined);
    assert.match(findUnsupported(loss)[0]?.message ?? '', /^`surprise` is a tensor argument the trainer cannot provide/);
  });

  it('an argument no rule reads (under a softmax) is still refused by name, on its line', () => {
    const loss = fn('teacher', '    kd = (torch.softmax(teacher, dim=1) * torch.log_softmax(pred, dim=1)).sum(dim=1).mean()\n    return ((pred - target) ** 2).mean() - 0.5 * kd');
    assert.equal(usageOf(loss, 'teacher'), undefined);
    const refusals = findUnsupported(loss);
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]!.range.startLine + 1, 5);
    assert.match(refusals[0]!.message, /^`teacher` is a tensor argument the trainer cannot provide/);
  });

  it('a name the table settles keeps its kind whatever its use (`mu` dotted with the prediction stays a VAE mean)', () => {
    const loss = fn('mu, logvar', '    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())\n    return ((pred - target) ** 2).mean() + 0.1 * kl + 0.0 * (pred * mu).sum()');
    assert.equal(mappedTensorArgs(loss).find((a) => a.name === 'mu')?.kind, 'vae-mean');
  });
});

describe(`what the trial gives, against torch ${golden.torch}`, () => {
  const layout: ArgLayout = { framework: 'pytorch', units: 16, weightIndex: 0 };
  const termValue = (loss: LossModel, label: string, tensors: Record<string, Tensor>, weights?: Tensor[]) => {
    const term = loss.terms.find((t) => t.label === label);
    assert.ok(term, `a term ${label} (got ${loss.terms.map((t) => t.label).join(', ')})`);
    const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], { ...layout, framework: loss.framework });
    return { term, run: run!, value: () => run!(tf.tensor2d(golden.target), tf.tensor2d(golden.pred), { tensors, ...(weights ? { weights } : {}) }).terms[term.id]!.raw };
  };

  for (const c of golden.cases) {
    it(`${c.fixture}: ${c.term} = torch's value${c.gradH ? ', and its gradient through the hidden activations' : ''}`, () => {
      const loss = fixture(c.fixture);
      const h = tf.tensor2d(golden.h);
      const tensors = Object.fromEntries(hiddenArgs(loss).map((n) => [n, h]));
      const { value } = termValue(loss, c.term, tensors);
      assert.ok(Math.abs(value().dataSync()[0]! - c.value) < 1e-4, `${value().dataSync()[0]} vs ${c.value}`);
      if (c.gradH) {
        const grad = tf.grad((hh: Tensor) => termValue(loss, c.term, Object.fromEntries(hiddenArgs(loss).map((n) => [n, hh]))).value())(h);
        const got = grad.arraySync() as number[][];
        for (const [i, row] of c.gradH.entries()) for (const [j, g] of row.entries()) assert.ok(Math.abs(got[i]![j]! - g) < 1e-5, `∂/∂h[${i}][${j}] ${got[i]![j]} vs ${g}`);
      }
    });
  }

  it("one value per sample where the loss adds it to a per-sample reduction: the mean of the hidden activations per sample", () => {
    const loss = fn('logdet', '    nll = -(-0.5 * (pred ** 2).sum(dim=1) + logdet).mean()\n    return nll + 0.5 * ((pred - target) ** 2).mean()');
    assert.equal(usageOf(loss, 'logdet')?.kind, 'per-sample');
    assert.deepEqual(hiddenArgs(loss), ['logdet']);
    const h = tf.tensor2d(golden.h);
    // the analysis reads the log-density as the term named by its variable (nll, its sign apart): mean over samples of −½‖pred‖² + mean(h)
    const term = loss.terms.find((t) => t.label === 'nll' || t.label.includes('logdet'))!;
    const { value } = termValue(loss, term.label, { logdet: h });
    const rows = golden.pred.map((row, i) => -0.5 * row.reduce((a, v) => a + v * v, 0) + golden.h[i]!.reduce((a, v) => a + v, 0) / golden.h[i]!.length);
    const expected = rows.reduce((a, b) => a + b) / rows.length;
    assert.ok(Math.abs(Math.abs(value().dataSync()[0]!) - Math.abs(expected)) < 1e-4, `${value().dataSync()[0]} vs ${expected}`);
  });

  it('ids index the axis they are read on: sample i picks column (i + 1) mod P of the prediction ([B] ids unsqueezed, or [B, 1])', () => {
    for (const read of ['pred.gather(1, idx.unsqueeze(1)).squeeze()', 'torch.gather(pred, 1, idx.unsqueeze(1)).squeeze()', 'pred.gather(1, idx).squeeze(1)']) {
      const loss = fn('idx', `    picked = ${read}\n    return ((picked - target[:, 0]) ** 2).mean() + 0.1 * pred.abs().mean()`);
      assert.equal(usageOf(loss, 'idx')?.kind, 'ids', read);
      const { value } = termValue(loss, loss.terms.find((t) => t.role === 'base')!.label, {});
      const P = golden.pred[0]!.length;
      const expected = golden.pred.map((row, i) => (row[(i + 1) % P]! - golden.target[i]![0]!) ** 2).reduce((a, b) => a + b) / golden.pred.length;
      assert.ok(Math.abs(value().dataSync()[0]! - expected) < 1e-5, `${read}: ${value().dataSync()[0]} vs ${expected}`);
    }
  });

  it('the synthetic levels are (j + ½) / P, one per output column', () => {
    assert.deepEqual(levels(4), [0.125, 0.375, 0.625, 0.875]);
  });

  it("a list of parameters gets the model's weight matrices in torch's layout (Σ|w| = torch's), read through .data with no gradient", () => {
    const { kernels, biases } = golden.weightList;
    const weights = kernels.flatMap((k, i) => [tf.tensor2d(k), tf.tensor1d(biases[i]!)]);
    const l1 = fixture('torch_fn_l1_generator_over_param_list.py');
    const penalty = l1.terms.find((t) => t.role === 'penalty')!;
    const raw = compileLoss(tf, l1, {})(tf.tensor2d(golden.target), tf.tensor2d(golden.pred), { weights }).terms[penalty.id]!.raw;
    assert.ok(Math.abs(raw.dataSync()[0]! - golden.weightList.l1) < 1e-3, `${raw.dataSync()[0]} vs ${golden.weightList.l1}`);
    // the first kernel's gradient: none through `.data`, some without it
    const kernelGrad = (read: string) => {
      const bpr = fn('params', `    reg = 0\n    for param in params:\n        reg = reg + ${read}.norm(dim=1).pow(2).sum()\n    return ((pred - target) ** 2).mean() + 0.01 * reg`);
      const reg = bpr.terms.find((t) => t.role === 'penalty')!;
      const value = (ws: Tensor[]) => compileLoss(tf, bpr, {})(tf.tensor2d(golden.target), tf.tensor2d(golden.pred), { weights: ws }).terms[reg.id]!.raw;
      if (read === 'param.data') assert.ok(Math.abs(value(weights).dataSync()[0]! - golden.weightList.dataNorm) < 1e-3);
      return tf.sum(tf.abs(tf.grad((k: Tensor) => value([k, ...weights.slice(1)]))(weights[0]!))).dataSync()[0]!;
    };
    assert.equal(kernelGrad('param.data'), 0, '.data cuts the gradient');
    assert.ok(kernelGrad('param') > 0);
  });
});

describe('the header says what each argument is and why, with its line', () => {
  const header = async (name: string) => {
    const loss = fixture(name);
    const messages: TrainerToHost[] = [];
    await runTrial(specFor(loss, { steps: 3 }), { send: (m) => messages.push(m), shouldStop: () => false });
    assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
    const started = messages.find((m) => m.type === 'started');
    assert.ok(started?.type === 'started' && started.trial);
    return started.trial.model;
  };

  it('a quantile level', async () => {
    assert.match(await header('torch_module_quantile_tau_indicator_crossing.py'), /`tau` = synthetic levels in \(0, 1\), one per output column \(\(j \+ ½\) \/ 4: 0\.125, 0\.375, 0\.625, 0\.875\), of the prediction's shape, because the loss subtracts the indicator `diff\.ge\(0\)\.float\(\)` from it \(line 24\)$/);
  });

  it('an embedding', async () => {
    assert.match(await header('torch_module_triplet_cosine_negative_norms.py'), /`negative` = a block of 4 units \(the prediction's width\) of the last hidden layer's activations, because the loss pairs it with the prediction `anchor` as an embedding \(`F\.cosine_similarity\(anchor, negative, dim=1\)`, line 27\)$/);
  });

  it('item ids', async () => {
    assert.match(await header('torch_step_bpr_gather_item_ids_l2.py'), /`neg_items` = synthetic integer ids, one per sample, in range of the axis they index \(.*\), because the loss indexes axis 1 of `scores` with it \(`scores\.gather\(1, neg_items\.unsqueeze\(1\)\)`, line 27\)/);
  });

  it('a list of weights', async () => {
    assert.match(await header('torch_fn_l1_generator_over_param_list.py'), /`params` = the trial model's weight matrices .*, because the loss iterates it as a list of tensors \(`\(p\.abs\(\)\.sum\(\) for p in params\)`, line 16\)/);
  });
});
