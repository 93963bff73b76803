// A loss may fit the data with several terms beside its penalties (issue 9 §3): a convex mix of two measures, terms
// named as data fits beside a data-fit base, the base's own loss function applied twice. Each joins the base; a
// weighted term that only reads the prediction stays a penalty.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready } from './helpers';

const split = (src: string, name: string) => {
  const m = model(analyze(src), name);
  return { base: m.terms.filter((t) => t.role === 'base').map((t) => t.label), penalties: m.terms.filter((t) => t.role === 'penalty').map((t) => t.label), lambda: m.lambdaParam };
};

describe('several base terms', () => {
  before(() => ready);

  it('a convex mix `mix * a + (1 - mix) * b` is all base; the hyper-weighted term beside it is the penalty', () => {
    const src = `import tensorflow as tf

def mixed(y_true, y_pred, mix=0.7, lam=0.05):
    kl = tf.reduce_sum(y_true * tf.math.log((y_true + 1e-7) / (y_pred + 1e-7)), axis=1)
    abs_err = tf.reduce_mean(tf.abs(y_true - y_pred), axis=1)
    spread = tf.reduce_sum(tf.square(y_pred), axis=1)
    return mix * kl + (1.0 - mix) * abs_err + lam * spread
`;
    assert.deepEqual(split(src, 'mixed'), { base: ['kl', 'abs_err'], penalties: ['spread'], lambda: 'lam' });
  });

  it('a distillation mix keeps the teacher term a penalty: it does not compare the prediction with the target', () => {
    const src = `import torch.nn.functional as F

def kd_loss(student, labels, teacher, alpha=0.3, T=4.0):
    soft = F.kl_div(F.log_softmax(student / T, dim=1), F.softmax(teacher / T, dim=1), reduction="batchmean") * T * T
    hard = F.cross_entropy(student, labels)
    return alpha * soft + (1.0 - alpha) * hard
`;
    assert.deepEqual(split(src, 'kd_loss').base, ['hard']);
  });

  it('without the complement, a hyper-weighted second term stays a penalty', () => {
    const src = `import tensorflow as tf

def weighted(y_true, y_pred, mix=0.7, lam=0.05):
    fit = tf.reduce_mean(tf.square(y_true - y_pred))
    spread = tf.reduce_mean(tf.square(y_pred))
    return fit + lam * spread + (1.0 - mix) * tf.reduce_mean(tf.abs(y_pred))
`;
    assert.deepEqual(split(src, 'weighted').base, ['fit']);
  });

  it('reconstructions named so are base beside a reconstruction base; the KLs are penalties', () => {
    const src = `import torch
import torch.nn.functional as F


def two_view_loss(recon, x, mu, logvar, beta=0.01):
    a_rec = F.mse_loss(recon[:, :8], x[:, :8])
    b_rec = F.binary_cross_entropy(recon[:, 8:], x[:, 8:])
    cross_rec = (recon[:, :8] - x[:, 8:]).abs().mean()
    a_kl = -0.5 * torch.mean(1 + logvar - mu ** 2 - logvar.exp())
    b_kl = torch.mean(mu ** 2)
    return 0.5 * a_rec + b_rec + 0.2 * cross_rec + beta * a_kl + b_kl
`;
    assert.deepEqual(split(src, 'two_view_loss'), { base: ['a_rec', 'b_rec', 'cross_rec'], penalties: ['a_kl', 'b_kl'], lambda: 'beta' });
  });

  it('the base loss function applied twice to prediction and target is base twice; a penalty on the prediction is not', () => {
    const src = `import torch
import torch.nn.functional as F

def multi_horizon(pred, target, w_short=1.0, w_long=0.3, lam=0.1):
    short = F.mse_loss(pred[:, :4], target[:, :4])
    long = F.mse_loss(pred[:, 4:], target[:, 4:])
    smooth = F.mse_loss(pred[:, 1:], pred[:, :-1])
    return w_short * short + w_long * long + lam * smooth
`;
    assert.deepEqual(split(src, 'multi_horizon'), { base: ['short', 'long'], penalties: ['smooth'], lambda: 'lam' });
  });

  it("a penalty's name: the variable holding a helper's weighted value, and the residual a square measures", () => {
    const src = `import tensorflow as tf

def gap(pred):
    return tf.reduce_mean(tf.abs(tf.reduce_sum(pred, axis=-1) - 1.0))

def step_loss(y_true, y_pred, w=4.0, beta=0.1):
    fit = tf.reduce_mean(tf.square(y_true - y_pred))
    gap_loss = gap(y_pred) * w
    excess = tf.reduce_sum(y_pred, axis=1) - 2.0
    return fit + gap_loss + beta * tf.reduce_mean(tf.square(excess))
`;
    assert.deepEqual(split(src, 'step_loss').penalties, ['gap_loss', 'excess']);
  });

  it('a training function whose batch is converted to tensors: the converted target is the target', () => {
    const src = `import tensorflow as tf

def fit_step(model, batch, optimizer, lam=0.5):
    x = tf.convert_to_tensor(batch["inputs"], dtype=tf.float32)
    target = tf.convert_to_tensor(batch["target"], dtype=tf.float32)
    with tf.GradientTape() as tape:
        pred = model(x, training=True)
        loss = tf.reduce_mean(tf.square(target - pred)) + lam * tf.reduce_mean(tf.nn.relu(-pred))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
`;
    const m = analyze(src).models[0];
    assert.ok(m);
    assert.deepEqual([m.yTrue, m.yPred], ['target', 'pred']);
  });
  it("a Gaussian likelihood's normaliser (`0.5 * log_var` beside `exp(-log_var) * err`, `log(sigma)` beside `err / sigma²`) is base, not a penalty", () => {
    const logVar = `import torch

def gaussian_nll_smooth(pred, target, smooth_weight=0.1):
    mean, log_var = pred[:, 0], pred[:, 1]
    residual = (target[:, 0] - mean) ** 2
    nll = 0.5 * torch.exp(-log_var) * residual + 0.5 * log_var
    smooth = (mean[1:] - mean[:-1]).abs().mean()
    return nll.mean() + smooth_weight * smooth
`;
    const bySigma = `import tensorflow as tf

def sigma_nll(y_true, y_pred, lam=0.01):
    mu, sigma = y_pred[:, 0], tf.nn.softplus(y_pred[:, 1])
    fit = tf.reduce_mean((y_true[:, 0] - mu) ** 2 / (2.0 * sigma ** 2))
    spread = tf.reduce_mean(tf.math.log(sigma))
    width = tf.reduce_mean(tf.square(sigma))
    return fit + spread + lam * width
`;
    for (const [src, name, penalty] of [[logVar, 'gaussian_nll_smooth', 'smooth'], [bySigma, 'sigma_nll', 'width']] as const) {
      const s = split(src, name);
      assert.deepEqual(s.penalties, [penalty], `${name}: ${JSON.stringify(s)}`);
    }
    // a log-variance that no fit term is weighted by stays a penalty
    const alone = `import torch

def fit_and_spread(pred, target, lam=0.1):
    mse = torch.mean((pred[:, 0] - target[:, 0]) ** 2)
    return mse + 0.5 * pred[:, 1].mean()
`;
    assert.equal(split(alone, 'fit_and_spread').penalties.length, 1);
  });

  it('the same criterion on features, weighted beside an unweighted base, is a penalty (a perceptual loss)', () => {
    const src = `import torch
from torch import nn


class PerceptualLoss(nn.Module):
    def __init__(self, extractor):
        super().__init__()
        self.extractor = extractor
        self.mse = nn.MSELoss()

    def forward(self, generated, reference):
        feature_term = self.mse(self.extractor(generated), self.extractor(reference))
        pixel_term = self.mse(generated, reference)
        return pixel_term + 0.004 * feature_term
`;
    assert.deepEqual(split(src, 'PerceptualLoss'), { base: ['pixel_term'], penalties: ['feature_term'], lambda: undefined });
    // both weighted: two measures of one fit, as before
    const both = src.replace('pixel_term + 0.004 * feature_term', '0.5 * pixel_term + 0.5 * feature_term');
    assert.deepEqual(split(both, 'PerceptualLoss').base, ['pixel_term', 'feature_term']);
  });

  it('a multi-task objective: each unweighted loss function comparing a model output with the data is one more fit, not a penalty without λ', () => {
    const src = `import torch
import torch.nn.functional as F
MASS_WEIGHT = 0.1

def mass_gap(node_pred, volume):
    return (node_pred.sum() - volume).abs()

def train(model, batches, opt, head_criterion):
    for batch in batches:
        node_pred, edge_pred, cls_out = model(batch["x"])
        node_loss = F.mse_loss(node_pred, batch["y_node"])
        edge_loss = F.mse_loss(edge_pred, batch["y_edge"])
        cls_loss = head_criterion(cls_out, batch["label"])
        kl = F.kl_div(F.log_softmax(cls_out, dim=1), batch["teacher"], reduction="batchmean")
        loss = node_loss + edge_loss + cls_loss + kl + MASS_WEIGHT * mass_gap(node_pred, batch["volume"])
        opt.zero_grad()
        loss.backward()
`;
    const s = split(src, 'loss');
    assert.deepEqual(s.base, ['node_loss', 'edge_loss'], 'two heads, each fitted to its own target');
    assert.deepEqual(s.penalties, ['cls_loss', 'kl', 'mass_gap'], 'a handed criterion is not known to be a fit; a KL is a divergence; the weighted mass gap is the constraint');
    // a criterion the file builds is one: `crit = nn.CrossEntropyLoss()` then `crit(out, y)`
    const built = src.replace('def train(model, batches, opt, head_criterion):', 'head_criterion = torch.nn.CrossEntropyLoss()\n\ndef train(model, batches, opt):');
    assert.deepEqual(split(built, 'loss').base, ['node_loss', 'edge_loss', 'cls_loss']);
    // beside a weighted base the unweighted second fit stays what it was (`0.5 * node + edge`: the code weighs them)
    const weighted = src.replace('loss = node_loss + edge_loss', 'loss = 0.5 * node_loss + edge_loss');
    assert.ok(split(weighted, 'loss').base.length === 1);
    // a loss function named as a penalty stays a penalty (`smooth_loss(pred, y)` unweighted: LL101 is right)
    const smooth = src.replace('edge_loss = F.mse_loss(edge_pred, batch["y_edge"])', 'edge_loss = F.smooth_loss(edge_pred, batch["y_edge"])');
    assert.ok(split(smooth, 'loss').penalties.includes('edge_loss'));
  });

  it('a log-likelihood the code names (`log_L = -log(2π·var)/2 - (m - y)²/(2·var)`), averaged after, is one base term', () => {
    const src = `from tensorflow.keras import backend as k
from numpy import pi

def gaussian_loss(y_true, y_pred):
    mean = y_pred[:, 0]
    var = k.square(y_pred[:, 1])
    log_L = -k.log(2 * pi * var) / 2 - k.square(mean - y_true) / (2 * var)
    return -(10 ** 3) * k.mean(log_L)
`;
    assert.deepEqual(split(src, 'gaussian_loss'), { base: ['log_L'], penalties: [], lambda: undefined });
    // a named difference that subtracts a violation of the prediction alone is still split: LL104 must see it
    const subtracted = `from tensorflow.keras import backend as k

def fit_loss(y_true, y_pred):
    fit = k.square(y_pred - y_true) - k.relu(y_pred - 1.0)
    return k.mean(fit)
`;
    assert.equal(split(subtracted, 'fit_loss').penalties.length, 1);
    // a helper's difference weighted by numbers its call passes is two terms, each with its λ (the numbers are not
    // written in the difference itself: they are settings)
    const helper = `import torch

def gate_reg(w, lam_a=0.1, lam_b=0.1):
    a = -(w * torch.log(w + 1e-8)).sum(-1).mean()
    b = -(w.mean(0) * torch.log(w.mean(0) + 1e-8)).sum()
    return lam_a * a - lam_b * b

def fit(model, loader, opt):
    for x, y in loader:
        out, w = model(x)
        mse = ((out - y) ** 2).mean()
        reg = gate_reg(w, lam_a=0.2, lam_b=0.05)
        loss = mse + reg
        loss.backward()
`;
    assert.deepEqual(split(helper, 'loss').penalties, ['a', 'b']);
  });

  it("another head's fit to its own target (`td_loss(q_values, target_q)` with SmoothL1Loss) is one more base, not a penalty", () => {
    const src = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.td_loss = nn.SmoothL1Loss()

    def loss_function(self, recon_x, x, mu, logvar, target_q, q_values):
        recon = F.binary_cross_entropy(recon_x, x, reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        td = self.td_loss(q_values, target_q)
        return recon + kld + td
`;
    const got = split(src, 'loss_function');
    assert.deepEqual(got.base, ['recon', 'td']);
    assert.deepEqual(got.penalties, ['kld']);
  });

  it("a helper's unweighted total the caller names (`graph_loss = graph_terms(H, A)`, `return smooth + density`) is one penalty", () => {
    const src = `import torch
import torch.nn.functional as F


def graph_terms(H, A, smooth_weight=0.05, sparsity_weight=1e-3):
    degree = torch.diag(A.sum(dim=1))
    smooth = torch.trace(H.t() @ (degree - A) @ H)
    density = torch.norm(A, p="fro")
    return smooth + density


def train(model, x, y, opt):
    H, A, logits = model(x)
    fit = F.cross_entropy(logits, y)
    graph_loss = graph_terms(H, A, smooth_weight=0.01, sparsity_weight=1e-4)
    loss = fit + graph_loss
    loss.backward()
`;
    const got = split(src, 'loss');
    assert.deepEqual(got.base, ['fit']);
    assert.deepEqual(got.penalties, ['graph_loss']);
  });
});

describe('several base terms: fits each with its own weight, one formula twice', () => {
  before(() => ready);

  it('data-fit-named terms each weighted by a hyper-parameter are all base; the hinge beside them is the penalty', () => {
    const src = `import tensorflow as tf

def seg_loss(y_true, y_pred, w_focal=2.0, w_dice=1.0, w_size=0.5):
    p = tf.clip_by_value(y_pred, 1e-6, 1.0)
    focal_term = tf.reduce_mean(-y_true * tf.square(1.0 - p) * tf.math.log(p))
    dice_term = 1.0 - tf.reduce_mean((2.0 * y_true * p + 1.0) / (y_true + p + 1.0))
    size_term = tf.reduce_mean(tf.nn.relu(tf.reduce_mean(p, axis=0) - 0.3))
    return w_focal * focal_term + w_dice * dice_term + w_size * size_term
`;
    assert.deepEqual(split(src, 'seg_loss').base, ['focal_term', 'dice_term']);
  });

  it("the base's formula written out again on another pair of the data is base; a term on the prediction alone is not", () => {
    const src = `import tensorflow as tf

def two_scale(y_true, y_pred):
    coarse_true = tf.nn.avg_pool2d(y_true, 2, 2, "VALID")
    coarse_pred = tf.nn.avg_pool2d(y_pred, 2, 2, "VALID")
    full = tf.reduce_mean(tf.abs(y_true - y_pred), axis=[1, 2])
    half = tf.reduce_mean(tf.abs(coarse_true - coarse_pred), axis=[1, 2])
    jitter = tf.reduce_mean(tf.abs(y_pred[:, 1:] - y_pred[:, :-1]), axis=[1, 2])
    return full + half + 0.1 * jitter
`;
    assert.deepEqual(split(src, 'two_scale'), { base: ['full', 'half'], penalties: ['jitter'], lambda: undefined });
  });
});
