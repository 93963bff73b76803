// Extra tensor arguments get the view of the trial model the table names (src/trainer/mappedLoss.ts), and the
// penalties real losses compute on them are PyTorch's numbers (golden: scripts/golden/torch_trial_model.py →
// test/golden/torch-trial-model.json): `trans` is a [B, k, k] matrix of the hidden layer's first k² units, two
// feature arguments are two blocks of it, mu/logvar the VAE head's halves, `enc_weight` the kernel as nn.Linear
// holds it ([out, in]), `group` the targets' last column (the targets the loss sees lose it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss } from '../../../src/trainer/interpreter';
import { type ArgLayout, mappedLosses } from '../../../src/trainer/mappedLoss';
import { hiddenArgs, mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { cpu, tf } from '../interpreter/tf';
import { root } from './helpers';

interface ViewCase {
  fixture?: string;
  source?: string;
  term: string;
  units: number;
  latent?: number;
  h?: number[][];
  kernel?: number[][];
  pred?: number[][];
  targets?: number[][];
  value: number;
}

const golden = JSON.parse(readFileSync(join(root, 'test', 'golden', 'torch-trial-model.json'), 'utf8')) as { torch: string; views: ViewCase[] };

function lossOf(c: ViewCase): LossModel {
  const file = c.fixture ? join(root, 'test', 'fixtures', 'real-shapes', c.fixture) : 'inline.py';
  const source = c.source ?? readFileSync(file, 'utf8');
  const loss = analyzeSource(source, 'python', file).models[0];
  assert.ok(loss, `${c.fixture ?? 'inline source'}: a loss`);
  return loss;
}

/** Targets and predictions the base term can read: zeros, class 0, or the case's own. */
function baseInputs(c: ViewCase, batch: number): { y: Tensor; pred: Tensor } {
  if (c.pred && c.targets) return { y: tf.tensor2d(c.targets), pred: tf.tensor2d(c.pred) };
  const classes = /nll|ce\(|cross_entropy|CrossEntropy|NLLLoss/.test(readFileSync(join(root, 'test', 'fixtures', 'real-shapes', c.fixture ?? 'README.md'), 'utf8'));
  if (c.fixture && classes) return { y: tf.zeros([batch], 'int32'), pred: tf.logSoftmax(tf.zeros([batch, 3])) };
  return { y: tf.zeros([batch, 4]), pred: tf.zeros([batch, 4]) };
}

describe(`extra tensor arguments: the trial model's views, against torch ${golden.torch}`, () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  for (const c of golden.views) {
    it(`${c.fixture ?? 'an nn.Linear-shaped weight argument'}: ${c.term} = torch's value`, () => {
      const loss = lossOf(c);
      const term = loss.terms.find((t) => t.label === c.term);
      assert.ok(term, `a term named ${c.term} (got ${loss.terms.map((t) => t.label).join(', ')})`);
      const layout: ArgLayout = {
        framework: loss.framework,
        units: c.units,
        ...(c.latent ? { latent: c.latent } : {}),
        weightIndex: 0,
        ...(c.targets ? { groupColumn: 'columns' as const } : {}),
      };
      const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], layout);
      const batch = c.h?.length ?? c.targets?.length ?? 4;
      const { y, pred } = baseInputs(c, batch);
      const h = c.h ? tf.tensor2d(c.h) : undefined;
      const tensors = h ? Object.fromEntries(hiddenArgs(loss).map((n) => [n, h])) : undefined;
      const weights = c.kernel ? [tf.tensor2d(c.kernel), tf.zeros([c.kernel[0]!.length])] : undefined;
      const out = run!(y, pred, { ...(tensors ? { tensors } : {}), ...(weights ? { weights } : {}) });
      const raw = out.terms[term.id]!.raw.dataSync()[0]!;
      // The term is the positive penalty the code computes (a KL written under -0.5 is normalised to its sign).
      assert.ok(Math.abs(Math.abs(raw) - c.value) <= 1e-4 * Math.max(1, Math.abs(c.value)), `${c.term}: ${raw} vs torch ${c.value}`);
    });
  }

  it('the group column is taken off the targets the loss sees (its base term is the same as without it)', () => {
    const c = golden.views.find((v) => v.targets)!;
    const loss = lossOf(c);
    const layout: ArgLayout = { framework: 'pytorch', units: 32, weightIndex: 0, groupColumn: 'columns' };
    const [withGroup] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], layout);
    const plain = compileLoss(tf, loss, {});
    const targets = tf.tensor2d(c.targets!);
    const labels = tf.slice(targets, [0, 0], [-1, 1]);
    const base = loss.terms.find((t) => t.role === 'base')!.id;
    const a = withGroup!(targets, tf.tensor2d(c.pred!)).terms[base]!.raw.dataSync()[0]!;
    const group = tf.reshape(tf.slice(targets, [0, 1], [-1, 1]), [-1]);
    const b = plain(labels, tf.tensor2d(c.pred!), { tensors: { group } }).terms[base]!.raw.dataSync()[0]!;
    assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
  });
});

describe('extra tensor arguments: which are mapped, by name', () => {
  before(() => initParsers());

  const mapped = (source: string) => mappedTensorArgs(analyzeSource(source, 'python', 'loss.py').models[0]!);

  it('names the analysis does not mark as tensors (`trans`, `common_feats`) are mapped by the table, with their kinds', () => {
    const source = 'import torch\n\ndef loss(pred, target, trans, common_feats, specific_feats, lam=0.1):\n    return torch.mean((pred - target) ** 2) + lam * (trans.sum() + (common_feats * specific_feats).sum())\n';
    assert.deepEqual(mapped(source), [
      { name: 'trans', kind: 'square' },
      { name: 'common_feats', kind: 'hidden' },
      { name: 'specific_feats', kind: 'hidden' },
    ]);
  });

  it('Keras VAE names (`z_mean`, `z_log_var`) are the VAE head; `codes` the hidden layer; `enc_weight` a kernel; `group` the sensitive column', () => {
    const source = 'import tensorflow as tf\n\ndef loss(y_true, y_pred, z_mean, z_log_var, codes, enc_weight, group, beta=0.5):\n    return tf.reduce_mean(tf.square(y_true - y_pred)) + beta * tf.reduce_mean(z_mean + z_log_var + codes + group) + tf.reduce_sum(enc_weight)\n';
    assert.deepEqual(
      mapped(source).map((a) => `${a.name}:${a.kind}`),
      ['z_mean:vae-mean', 'z_log_var:vae-logvar', 'codes:hidden', 'enc_weight:weights', 'group:sensitive'],
    );
  });

  it('attention weights (`attn`, `attention_weights`) are the softmax of the hidden layer: one distribution per sample', async () => {
    await cpu();
    const source = 'import torch\nfrom torch import nn\n\nclass AttnLoss(nn.Module):\n    def forward(self, attn, logits, labels):\n        return nn.functional.cross_entropy(logits, labels) + 0.8 * attn.pow(2).sum(dim=1).mean()\n';
    const loss = analyzeSource(source, 'python', 'loss.py').models[0]!;
    assert.deepEqual(mappedTensorArgs(loss), [{ name: 'attn', kind: 'attention' }]);
    const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], { framework: 'pytorch', units: 2, weightIndex: 0 });
    // softmax([0, ln 3]) = [0.25, 0.75]: Σ p² = 0.625 per sample
    const h = tf.tensor2d([[0, Math.log(3)], [0, Math.log(3)]]);
    const out = run!(tf.zeros([2], 'int32'), tf.logSoftmax(tf.zeros([2, 3])), { tensors: { attn: h } });
    const penalty = loss.terms.find((t) => t.role === 'penalty')!;
    assert.ok(Math.abs(out.terms[penalty.id]!.raw.dataSync()[0]! - 0.625) < 1e-5, `${out.terms[penalty.id]!.raw.dataSync()[0]}`);
  });
});
