// A sum the code names whose pieces are like terms (unweighted, same op, none reading the target) is one term:
// `boundary = square(y[0] - a) + square(y[-1] - b)` is one boundary penalty, not two penalties each wanting a λ.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

describe('a named sum of like terms', () => {
  before(() => ready);

  it("a helper's returned sum, assigned to a variable, is one penalty named by it", () => {
    const src = `import tensorflow as tf

def boundary_error(y_pred):
    left = tf.square(y_pred[0] - 1.0)
    right = tf.square(y_pred[-1] - 2.0)
    return left + right

def cost(y_true, y_pred):
    fit = tf.reduce_mean(tf.square(y_true - y_pred))
    boundary = boundary_error(y_pred)
    return fit + boundary
`;
    assert.deepEqual(model(analyze(src), 'cost').terms.map(termSummary), ['base:+:fit', 'penalty:+:boundary']);
  });

  it('PyTorch: a local sum of two means is one term, weighted as a whole', () => {
    const src = `import torch

def pinn_loss(pred, target, lam=0.1):
    data = torch.mean((pred - target) ** 2)
    bc = torch.mean(pred[:, 0] ** 2) + torch.mean(pred[:, -1] ** 2)
    return data + lam * bc
`;
    assert.deepEqual(model(analyze(src), 'pinn_loss').terms.map(termSummary), ['base:+:data', 'penalty:+:bc*lam']);
  });

  it('unlike terms (a KL and an L1) stay two penalties, and so do weighted ones', () => {
    const src = `import torch

def vae_loss(recon, x, mu, logvar, w):
    rec = torch.mean((recon - x) ** 2)
    reg = -0.5 * torch.mean(1 + logvar - mu ** 2 - logvar.exp()) + torch.abs(w).sum()
    return rec + reg
`;
    assert.equal(model(analyze(src), 'vae_loss').terms.length, 3);
  });
});
