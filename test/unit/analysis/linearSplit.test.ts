// Issue 9 §3: a reduction over a sum is split by linearity into the base loss and each penalty, with the same
// axis, and λ is read however the product is written. Labels name the variable, or a short rendering of the
// expression, never the reduction around it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { check } from '../rules/corpus';
import { analyze, model, ready, termSummary } from './helpers';

before(async () => {
  await ready;
});

const keras = (body: string): string => `import tensorflow as tf\nfrom tensorflow.keras import backend as K\n\n${body}`;
const torch = (body: string): string => `import torch\nimport torch.nn.functional as F\n\n${body}`;

describe('splitting a reduction over a sum', () => {
  it('tf.reduce_mean(se + hinge): base se, penalty hinge, each reduced the same way', () => {
    const m = model(
      analyze(keras(`def hinge_mse(y_true, y_pred):
    se = tf.square(y_true - y_pred)
    hinge = tf.nn.relu(-y_pred)
    return tf.reduce_mean(se + hinge)
`)),
      'hinge_mse',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:se', 'penalty:+:hinge']);
    assert.equal(m.terms[1].expr.kind, 'call');
    assert.equal(m.terms[1].expr.kind === 'call' && m.terms[1].expr.callee, 'tf.reduce_mean');
    assert.deepEqual(m.terms[1].constraint, { kind: 'non-negativity', params: {} });
    // the penalty's range is the piece inside the reduction (inlined: where `hinge` is defined), not the reduction
    assert.deepEqual([m.terms[1].range.startLine, m.terms[1].range.startCol], [5, 12]);
  });

  it('a total the code names and averages after (total = mse + 0.1 * pen; total.mean()) keeps its terms, even a penalty on the target alone', () => {
    const source = torch(`def averaged_total(pred, target):
    mse = ((pred - target) ** 2).mean()
    pen = torch.relu(target - 1).mean()
    total = mse + 0.1 * pen
    return total.mean()
`);
    const { analysis, findings } = check(source, 'python', 'loss.py');
    assert.deepEqual(model(analysis, 'averaged_total').terms.map(termSummary), ['base:+:mse', 'penalty:+:pen*0.1']);
    // the defect it was hiding: a penalty with no gradient (LL105), seen once the term is
    assert.ok(findings.some((f) => f.code === 'LL105'), findings.map((f) => f.code).join(', '));
  });

  it('a penalty whose reduction sums two unweighted sides of one bound stays one term, named by its variable', () => {
    const m = model(
      analyze(keras(`def simplex_box(y_true, y_pred, lam_sum=0.1, lam_box=1.0):
    mse = tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)
    sum_penalty = tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0)
    box_penalty = tf.reduce_mean(tf.square(tf.nn.relu(y_pred - 1.0)) + tf.square(tf.nn.relu(0.0 - y_pred)), axis=-1)
    return mse + lam_sum * sum_penalty + lam_box * box_penalty
`)),
      'simplex_box',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse', 'penalty:+:sum_penalty*lam_sum', 'penalty:+:box_penalty*lam_box']);
    assert.deepEqual(m.terms[2].constraint?.kind, 'bounds');
  });

  it('K.mean(se + lam * act, axis=-1): the axis goes with every piece and lam is the λ', () => {
    const m = model(
      analyze(keras(`def act_reg(y_true, y_pred, lam=0.01):
    se = K.square(y_true - y_pred)
    act = K.abs(y_pred)
    return K.mean(se + lam * act, axis=-1)
`)),
      'act_reg',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:se', 'penalty:+:act*lam']);
    assert.equal(m.lambdaParam, 'lam');
    assert.equal(m.terms[1].expr.text, 'K.mean(K.abs(y_pred), axis=-1)');
    assert.ok(m.terms.every((t) => t.expr.kind === 'call' && t.expr.kwargs.axis?.text === '-1'));
  });

  it('torch.sum(err + balance) and (a + lam*b).mean() when the pieces have one shape', () => {
    const a = analyze(torch(`def summed(pred, target, lam=0.5):
    err = (pred - target) ** 2
    balance = lam * torch.relu(pred - 1.0)
    return torch.sum(err + balance)

def meaned(pred, target, lam=0.5):
    a = (pred - target) ** 2
    b = torch.relu(-pred)
    return (a + lam*b).mean()
`));
    assert.deepEqual(model(a, 'summed').terms.map(termSummary), ['base:+:err', 'penalty:+:balance*lam']);
    assert.deepEqual(model(a, 'meaned').terms.map(termSummary), ['base:+:a', 'penalty:+:b*lam']);
    assert.equal(model(a, 'meaned').terms[1].expr.text, 'torch.relu(-pred).mean()');
  });

  it('a constant factor outside passes through to every piece; a scalar piece is not reduced again', () => {
    const m = model(
      analyze(keras(`def make(encoded, beta):
    def loss(y_true, y_pred):
        return 0.5 * K.mean(K.square(y_pred - y_true) + beta * K.sum(K.abs(encoded)))
    return loss
`)),
      'make',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:square(y_pred - y_true)*0.5', 'penalty:+:abs(encoded)*0.5 * beta']);
    assert.equal(m.terms[1].weightParam, 'beta');
    assert.equal(m.terms[1].expr.text, 'K.sum(K.abs(encoded))');
  });

  it('nested reductions split all the way: mean over samples of a per-sample sum', () => {
    const m = model(
      analyze(torch(`def nested(pred, target, lam=0.1):
    return torch.mean(torch.sum((pred - target) ** 2 + lam * torch.relu(pred - 1.0), dim=1))
`)),
      'nested',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:(pred - target) ** 2', 'penalty:+:relu(pred - 1.0)*lam']);
    assert.equal(m.terms[1].expr.text, 'torch.mean(torch.sum(torch.relu(pred - 1.0), dim=1))');
  });

  it('a sum normalised by a count: the count divides every piece and is not a λ', () => {
    const m = model(
      analyze(torch(`def per_row(pred, target, w=0.2):
    err = ((pred - target) ** 2).sum(dim=1)
    balance = (pred.sum(dim=1) - 1.0) ** 2
    return torch.sum(err + w * balance) / pred.shape[0]
`)),
      'per_row',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:err', 'penalty:+:balance*w']);
    assert.equal(m.terms[1].expr.text, 'torch.sum((pred.sum(dim=1) - 1.0) ** 2) / pred.shape[0]');
  });

  it('an accumulator\'s start (0.0) is not a term, and the accumulator names what it sums', () => {
    const m = model(
      analyze(torch(`def acc(pred, target, lam=0.1):
    fit = 0.0
    fit = fit + torch.mean((pred - target) ** 2)
    reg = 0.0
    reg = reg + torch.relu(-pred).mean()
    return fit + lam * reg
`)),
      'acc',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:reg*lam']);
  });

  it('a subtracted piece inside a reduction keeps its sign', () => {
    const m = model(
      analyze(keras(`def sub(y_true, y_pred, lam=0.1):
    return tf.reduce_mean(tf.square(y_true - y_pred) - lam * tf.nn.relu(y_pred - 1.0))
`)),
      'sub',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:square(y_true - y_pred)', 'penalty:-:relu(y_pred - 1.0)*lam']);
  });

  it('does not split through non-linear ops, across shapes that broadcast, or a hand-written cross-entropy', () => {
    const a = analyze(torch(`def rooted(pred, target, lam=0.1):
    return torch.sqrt(torch.mean((pred - target) ** 2 + lam * torch.relu(-pred)))

def per_output(pred, target, lam=0.1):
    err = (pred - target) ** 2
    balance = (pred.mean(dim=0) - 0.5) ** 2
    return torch.sum(err + lam * balance)

def bce_by_hand(pred, target, w=2.0):
    return -torch.mean(w * target * torch.log(pred) + (1 - target) * torch.log(1 - pred))
`));
    assert.equal(model(a, 'rooted').terms.length, 1);
    assert.equal(model(a, 'per_output').terms.length, 1, 'sum(err + balance) with balance per output counts it once per sample');
    assert.equal(model(a, 'bce_by_hand').terms.length, 1);
  });

  it('TF.js: tf.mean(se.add(hinge.mul(lam)))', () => {
    const m = model(
      analyze(
        `import * as tf from '@tensorflow/tfjs';
export function hingeLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lam = 0.1): tf.Tensor {
  const se = tf.square(tf.sub(yTrue, yPred));
  const hinge = tf.relu(tf.neg(yPred));
  return tf.mean(se.add(hinge.mul(lam)));
}
`,
        'typescript',
      ),
      'hingeLoss',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:se', 'penalty:+:hinge*lam']);
  });
});

describe('λ however it is written', () => {
  it('p * self.weight, torch.mul(C, p), p.mul(lam), torch.tensor(C) * p', () => {
    const a = analyze(torch(`C = 0.3

class Reg(torch.nn.Module):
    def __init__(self, weight=0.2):
        super().__init__()
        self.weight = weight

    def forward(self, pred, target):
        p = torch.relu(-pred).mean()
        return F.mse_loss(pred, target) + p * self.weight

def muls(pred, target, lam=0.5):
    p = torch.relu(-pred).mean()
    q = torch.relu(pred - 1).mean()
    r = (pred.sum(dim=1) - 1).pow(2).mean()
    return F.mse_loss(pred, target) + torch.mul(C, p) + q.mul(lam) + torch.tensor(C) * r
`));
    assert.deepEqual(model(a, 'Reg').terms.map(termSummary), ['base:+:mse_loss', 'penalty:+:p*self.weight']);
    assert.equal(model(a, 'Reg').lambdaParam, 'self.weight');
    const m = model(a, 'muls');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:mse_loss', 'penalty:+:p*C', 'penalty:+:q*lam', 'penalty:+:r*torch.tensor(C)']);
    assert.deepEqual(m.terms.map((t) => t.weightParam), [undefined, 'C', 'lam', 'C']);
  });

  it('TF.js: tf.scalar(C).mul(p) and p.mul(lam)', () => {
    const m = model(
      analyze(
        `import * as tf from '@tensorflow/tfjs';
const C = 0.5;
export const scaled = (yTrue: tf.Tensor, yPred: tf.Tensor, lam = 0.1): tf.Tensor => {
  const p = tf.mean(tf.relu(tf.neg(yPred)));
  const q = tf.mean(tf.relu(yPred.sub(1)));
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.scalar(C).mul(p)).add(q.mul(lam));
};
`,
        'typescript',
      ),
      'scaled',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:meanSquaredError', 'penalty:+:p*tf.scalar(C)', 'penalty:+:q*lam']);
    assert.deepEqual(m.terms.map((t) => t.weightParam), [undefined, 'C', 'lam']);
  });

  it('Keras: tf.convert_to_tensor(W, dtype=…) * p weights p by W, as tf.constant(W) does', () => {
    const m = model(
      analyze(keras(`W = 0.3

def converted(y_true, y_pred):
    se = tf.reduce_mean(tf.square(y_true - y_pred))
    p = tf.reduce_mean(tf.nn.relu(-y_pred))
    return se + tf.convert_to_tensor(W, dtype=tf.float32) * p
`)),
      'converted',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:se', 'penalty:+:p*tf.convert_to_tensor(W, dtype=tf.float32)']);
    assert.equal(m.lambdaParam, 'W');
  });

  it('a division by a hyper-parameter is a weight 1/x, whose name is not the λ', () => {
    const m = model(
      analyze(keras(`def tempered(y_true, y_pred, temperature=2.0, lam=0.1):
    se = tf.reduce_mean(tf.square(y_true - y_pred))
    p = tf.reduce_mean(tf.nn.relu(-y_pred))
    q = tf.reduce_mean(tf.nn.relu(y_pred - 1.0))
    return se + p / temperature + lam * q / 2
`)),
      'tempered',
    );
    assert.deepEqual(m.terms.map(termSummary), ['base:+:se', 'penalty:+:p*1 / temperature', 'penalty:+:q*lam * 1 / 2']);
    assert.deepEqual(m.terms.map((t) => t.weightParam), [undefined, undefined, 'lam']);
  });

  it('a hinge written with two negations is a positive penalty weighted by c; c is not a λ to sweep (it is the margin too)', () => {
    const a = analyze(keras(`def margin(y_true, y_pred, c=1.0):
    se = tf.reduce_mean(tf.square(y_true - y_pred))
    return se + tf.reduce_mean(-c * tf.minimum(c - y_pred, 0))

def margin_sub(y_true, y_pred, c=1.0):
    se = tf.reduce_mean(tf.square(y_true - y_pred))
    return se - c * tf.reduce_mean(tf.minimum(c - y_pred, 0.0))
`));
    for (const name of ['margin', 'margin_sub']) {
      const t = model(a, name).terms[1];
      assert.equal(t.sign, 1, name);
      assert.equal(t.weight?.text, 'c', name);
      assert.equal(t.weightParam, undefined, name);
      assert.match(t.label, /^-minimum\(c - y_pred, 0(\.0)?\)$/, name);
    }
  });

  it('the same hinge selected by a where and summed in a loop over unstacked columns keeps its positive λ and raises no LL103', () => {
    const src = keras(`def binned(y_true, y_pred):
    se = K.mean(K.square(y_true - y_pred), axis=-1)
    push = 0
    for t, p in zip(tf.unstack(y_true, axis=-1), tf.unstack(y_pred, axis=-1)):
        push += tf.where(tf.math.less(t * 10, 1), tf.math.minimum(0.1 - p, 0), 0) * (-0.1)
    return se + push
`);
    const t = model(analyze(src), 'binned').terms[1];
    assert.equal(t.sign, 1);
    assert.equal(t.weight?.text, '0.1', 'a never-positive minimum times -0.1 is a positive hinge with λ 0.1');
    assert.ok(!check(src, 'python', 'f.py').findings.some((f) => f.code === 'LL103' || f.code === 'LL104'));
  });
});

describe('a setting over a batch size', () => {
  before(() => ready);

  it('-lam / batch_size * sum(minimum(e - t, 0)): λ is lam, positive (two negations), the batch size stays in the term; no LL101, LL103, LL104', () => {
    const src = keras(`def floor_loss(y_true, y_pred, lam=0.05, t=4.0):
    se = tf.reduce_mean(tf.square(y_true - y_pred))
    evidence = tf.reduce_sum(tf.maximum(y_pred, 0.0), axis=0)
    batch_size = tf.cast(tf.shape(y_pred)[0], dtype=tf.float32)
    return se + -lam / batch_size * tf.reduce_sum(tf.minimum(evidence - t, 0.0))
`);
    const t = model(analyze(src), 'floor_loss').terms[1]!;
    assert.equal(t.sign, 1);
    assert.equal(t.weight?.text, 'lam');
    assert.match(t.expr.text, /batch_size|shape/, 'the division by the batch size stays in the penalty');
    const codes = check(src, 'python', 'f.py').findings.map((f) => f.code);
    assert.ok(!codes.some((c) => c === 'LL101' || c === 'LL103' || c === 'LL104'), codes.join(', '));
  });
});

describe('a weight never depends on the model', () => {
  it('a factor computed from a tensor argument (dh = h * (1 - h)) stays in the penalty; a hyper-parameter named w stays λ', () => {
    const a = analyze(torch(`def contractive(recon, x, h, enc_weight, lam=1e-4):
    mse = F.mse_loss(recon, x)
    dh = h * (1 - h)
    w_sq = torch.sum(enc_weight ** 2, dim=1)
    contractive = torch.mean(torch.sum((dh ** 2) * w_sq, dim=1))
    return mse + lam * contractive

def masked(pred, target, mask, w=0.5):
    return F.mse_loss(pred, target) + w * mask * torch.relu(-pred).mean()
`));
    const c = model(a, 'contractive');
    assert.deepEqual(c.terms.map(termSummary), ['base:+:mse', 'penalty:+:contractive*lam']);
    assert.equal(c.params.find((p) => p.name === 'h')?.role, 'tensor');
    // `mask` is a tensor (a per-sample weight), `w` a hyper-parameter with a number default
    const m = model(a, 'masked');
    assert.deepEqual(m.terms.map((t) => t.weight?.text), [undefined, 'w']);
    assert.equal(m.terms[1].weightParam, 'w');
  });
});

describe('the λ is the weight where a variable is added', () => {
  it('self.beta * kld with kld = -0.5 * mean(…): λ is self.beta, the -0.5 stays in kld; an unweighted variable still gives up its numbers', () => {
    const a = analyze(torch(`class BetaLoss(torch.nn.Module):
    def __init__(self, beta=2.0):
        super().__init__()
        self.beta = beta

    def forward(self, x_rec, x, mu, logvar):
        rec = F.mse_loss(x_rec, x)
        kld = -0.5 * torch.mean(torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1))
        total = rec + self.beta * kld
        return total, rec, kld

def ridge(pred, target, weights):
    reg = 0.01 * torch.sum(weights ** 2)
    return F.mse_loss(pred, target) + reg
`));
    const kld = model(a, 'BetaLoss').terms[1];
    assert.equal(kld.label, 'kld');
    assert.equal(kld.weight?.text, 'self.beta');
    assert.equal(kld.weightParam, 'self.beta');
    assert.match(kld.expr.text, /^-0\.5 \* torch\.mean/);
    assert.deepEqual(model(a, 'ridge').terms.map(termSummary), ['base:+:mse_loss', 'penalty:+:reg*0.01']);
  });
});

describe('the Gaussian KL written with -0.5', () => {
  it('kld = -0.5 * sum(1 + logvar - mu² - exp(logvar)) added as is has no λ: the ½ is the formula\'s; beta beside it still is one', () => {
    const a = analyze(torch(`def plain(recon_x, x, mu, logvar):
    rec = torch.sum((recon_x - x) ** 2)
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return rec + kld

def weighted(recon_x, x, mu, logvar, beta=4.0):
    rec = torch.sum((recon_x - x) ** 2)
    return rec + -0.5 * beta * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
`));
    const kld = model(a, 'plain').terms[1];
    assert.equal(kld.role, 'penalty');
    assert.equal(kld.label, 'kld');
    assert.equal(kld.weight, undefined);
    assert.equal(kld.sign, 1);
    const beta = model(a, 'weighted').terms[1];
    assert.equal(beta.weightParam, 'beta');
    assert.equal(beta.weight?.text, 'beta');
  });
});

describe('a product of names', () => {
  it('self.λ * codebook: the argument with no value is the term, the attribute with one its λ', () => {
    const a = analyze(torch(`class CodebookLoss(torch.nn.Module):
    def __init__(self, λ=0.25):
        super().__init__()
        self.λ = λ
        self.rec_fn = torch.nn.MSELoss()

    def forward(self, decoded, codebook, target):
        rec = self.rec_fn(decoded, target)
        return rec + self.λ * codebook

def two_unknowns(pred, target, lam, reg):
    return F.mse_loss(pred, target) + lam * reg
`));
    const m = model(a, 'CodebookLoss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:codebook*self.λ']);
    assert.equal(m.lambdaParam, 'self.λ');
    // two arguments with no value: which one weights the other is not known, so the product stays one term
    assert.equal(model(a, 'two_unknowns').terms[1]!.weight, undefined);
  });
});

describe('a reduction over folds of the model outputs (an ensemble)', () => {
  const ensemble = (total: string) =>
    torch(`class Ensemble(torch.nn.Module):
    def __init__(self, members, lamb=0.9):
        super().__init__()
        self.members = torch.nn.ModuleList(members)
        self.count = len(members)
        self.lamb = lamb

    def spread_loss(self, y, predictions, centre):
        fit = 0
        spread = 0
        for p in predictions:
            p = p.squeeze(0)
            fit += (p - y) ** 2
            spread += (p - centre) ** 2
        return ${total}
`);
  const terms = (total: string) => model(analyze(ensemble(total)), 'spread_loss').terms.map(termSummary);

  it('torch.sum(fit - lamb * spread): two folds of one shape over the members are split exactly, each named by its accumulator', () => {
    assert.deepEqual(terms('torch.sum(fit - self.lamb * spread)'), ['base:+:fit', 'penalty:-:spread*self.lamb']);
  });

  it('a count scaling both folds (1 / self.count) stays in each term and does not rename it', () => {
    assert.deepEqual(terms('torch.sum((1 / self.count) * fit - self.lamb * (1 / self.count) * spread)'), ['base:+:fit', 'penalty:-:spread*self.lamb']);
  });
});
