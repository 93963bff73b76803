// Trials shaped by the loss's extra tensor arguments, end to end through runTrial: a VAE loss (`x_hat, x, mu,
// logvar`) trains a VAE on autoencoder data and λ shrinks its KL; a fairness loss (`group`) gets a synthetic group
// column and λ shrinks the parity gap; a sparse-code loss (`decoded, batch, codes`) trains an autoencoder. The
// header says what the model and the data are, and why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { lossFrom, specFor } from './helpers';

async function trial(fixture: string, steps: number) {
  const loss = await lossFrom(`test/fixtures/real-shapes/${fixture}`);
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps, model: { hidden: [32], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started' && started.trial);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const penalty = (label: string, run: string) => {
    const id = loss.terms.find((t) => t.label === label)!.id;
    return Math.abs(points.filter((p) => p.runId === run).at(-1)!.terms[id]!.raw);
  };
  return { started, penalty };
}

test('mu, logvar: a VAE with the reparametrisation on autoencoder data; λ = 10 shrinks the KL', async () => {
  const { started, penalty } = await trial('torch_fn_vae_mu_logvar.py', 150);
  assert.match(started.trial!.model, /^VAE 8 → 32 → \[mu \| logvar\] 2×4 → z = mu \+ exp\(logvar\/2\)·ε \(4\) → 32 → 8/);
  assert.match(started.trial!.model, /`mu` = the VAE head's mean, `logvar` = the VAE head's log-variance, because of their names/);
  assert.match(started.trial!.data, /synthetic autoencoder data: target = input \(the loss compares `x_hat` with the input `x`\)/);
  assert.equal(started.dataset.outputs, started.dataset.features, 'as many outputs as inputs');
  assert.ok(penalty('kl', 'l10') < penalty('kl', 'l0') / 2, `KL ${penalty('kl', 'l10')} at λ = 10 against ${penalty('kl', 'l0')} at λ = 0`);
});

test('group: a synthetic group column correlated with the target; λ = 10 shrinks the parity gap', async () => {
  const { started, penalty } = await trial('torch_module_demographic_parity.py', 150);
  assert.match(started.trial!.model, /`group` = a synthetic 0\/1 group column correlated with the target, because of its name/);
  assert.match(started.trial!.data, /a 0\/1 group column \(\d+ of 512 rows in group 1\) correlated with the target/);
  assert.ok(penalty('gap', 'l10') < penalty('gap', 'l0') / 2, `gap ${penalty('gap', 'l10')} at λ = 10 against ${penalty('gap', 'l0')} at λ = 0`);
});

test('trans: a square matrix per sample cut from the last hidden layer, said in the header', async () => {
  const { started } = await trial('torch_module_transform_regulariser.py', 5);
  assert.match(started.trial!.model, /`trans` = a 5×5 matrix per sample from the last hidden layer's first 25 units, because of its name/);
});

test('decoded, batch, codes: an autoencoder whose hidden layer is the codes', async () => {
  const { started } = await trial('torch_fn_sparse_codes.py', 5);
  assert.match(started.trial!.model, /^MLP 8 → 32 → 8 .*`codes` = the last hidden layer's activations \(32 relu units\)/);
  assert.match(started.trial!.data, /target = input \(the loss compares `decoded` with the input `batch`\)/);
});

test('group with a sparse cross-entropy: the class indices reach the loss past the group column, and it trains', async () => {
  await initParsers();
  const source = 'import torch\nimport torch.nn.functional as F\n\ndef fair_ce(logits, labels, group, w=0.5):\n    p = torch.softmax(logits, dim=1)[:, 1]\n    return F.cross_entropy(logits, labels) + w * (p[group == 1].mean() - p[group == 0].mean()) ** 2\n';
  const loss = analyzeSource(source, 'python', 'fair.py').models[0]!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 30 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const first = points.find((p) => p.runId === 'l0')!;
  const last = points.filter((p) => p.runId === 'l0').at(-1)!;
  assert.ok(last.original < first.original, `cross-entropy ${first.original} → ${last.original}`);
});

test('a VAE needs no hidden layer of the MLP: its head is its own layer', async () => {
  const loss = await lossFrom('test/fixtures/real-shapes/torch_fn_vae_mu_logvar.py');
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5, model: { hidden: [], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /^VAE 8 → \[mu \| logvar\] 2×4 → z = mu \+ exp\(logvar\/2\)·ε \(4\) → 8 → 8/);
});

test('a sweep measures its grid on the same trial model: the VAE head and the group column reach the probe', async () => {
  for (const fixture of ['torch_fn_vae_mu_logvar.py', 'torch_module_demographic_parity.py']) {
    const loss = await lossFrom(`test/fixtures/real-shapes/${fixture}`);
    const messages: TrainerToHost[] = [];
    const runs = [{ id: 'lambda-0', label: 'λ = 0', lambda: 0 }];
    await runTrial(specFor(loss, { steps: 3, runs, sweep: { count: 3, decades: 2, codeLambda: 0.5 } }), { send: (m) => messages.push(m), shouldStop: () => false });
    assert.deepEqual(messages.filter((m) => m.type === 'error'), [], fixture);
    const started = messages.find((m) => m.type === 'started');
    assert.ok(started?.type === 'started' && started.grid, fixture);
    assert.ok(started.grid.base > 0 && started.grid.penalty > 0, `${fixture}: ${JSON.stringify(started.grid)}`);
  }
});

test('mu, logvar, z: a Monte Carlo KL reads the sample the decoder decoded', async () => {
  await initParsers();
  const source = `import torch
import torch.nn.functional as F

def mc_elbo(x_hat, x, mu, logvar, z, beta=1.0):
    recon = F.mse_loss(x_hat, x)
    log_q = -0.5 * (logvar + (z - mu) ** 2 / logvar.exp()).sum(dim=1)
    log_p = -0.5 * (z ** 2).sum(dim=1)
    kl = (log_q - log_p).mean()
    return recon + beta * kl
`;
  const loss = analyzeSource(source, 'python', 'mc.py').models[0]!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /^VAE .*`mu` = the VAE head's mean, `logvar` = the VAE head's log-variance, `z` = the sample z the decoder decodes, because of their names/);
});

test('TF.js camelCase names (`zMean`, `zLogVar`) are the VAE head too', async () => {
  await initParsers();
  const source = `import * as tf from '@tensorflow/tfjs';

export function vaeLoss(yTrue: tf.Tensor, yPred: tf.Tensor, zMean: tf.Tensor, zLogVar: tf.Tensor, beta = 0.5): tf.Scalar {
  const recon = tf.mean(tf.square(tf.sub(yTrue, yPred)));
  const kl = tf.mean(tf.sub(tf.add(tf.exp(zLogVar), tf.square(zMean)), tf.add(zLogVar, 1)));
  return tf.add(recon, tf.mul(beta, kl));
}
`;
  const loss = analyzeSource(source, 'typescript', 'vae.ts').models[0]!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /^VAE .*`zMean` = the VAE head's mean, `zLogVar` = the VAE head's log-variance/);
});

test('a penalty on one kernel (`enc_weight`) with the hidden codes trains: the other weights get a zero gradient, not an error', async () => {
  await initParsers();
  const source = `import torch
import torch.nn.functional as F

def contractive(recon, x, h, enc_weight, lam=1e-4):
    dh = h * (1 - h)
    w_sq = torch.sum(enc_weight ** 2, dim=1)
    return F.mse_loss(recon, x) + lam * torch.mean(torch.sum((dh ** 2) * w_sq, dim=1))
`;
  const loss = analyzeSource(source, 'python', 'cae.py').models[0]!;
  const messages: TrainerToHost[] = [];
  // one run: the loop's per-run tape, whose inputs are all the run's weights and the hidden layer
  await runTrial(specFor(loss, { steps: 5, runs: [{ id: 'l10', label: 'λ = 10', lambda: 10 }] }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const id = loss.terms.find((t) => t.role === 'penalty')!.id;
  assert.ok(points.length > 0 && points.every((p) => Number.isFinite(p.terms[id]!.raw)));
});

test("a loop over a list of weights set from outside the loss: the header says it is the trial model's parameters", async () => {
  const loss = await lossFrom('test/fixtures/real-shapes/torch_module_external_weight_list_clamp.py');
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 3, model: { hidden: [16], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started' && started.trial);
  assert.match(started.trial.model, /`self\.weights` = the trial model's parameters \(each layer's weight, then its bias\), the loss sums over its model's parameters/);
});
