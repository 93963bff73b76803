// Weight decay written inside the sum over the model's variables (`tf.add_n([WD * tf.nn.l2_loss(v) for v in
// model.trainable_variables])`, analysis/terms/innerWeights.ts) trains with WD as its λ: the penalty's curve is
// Σ ½‖v‖² over the trial model's variables, each run's λ replaces WD (λ = 0 trains no decay), and a Keras
// regularizer applied on the spot with its coefficient taken out is Σ v² (not its 0.01 default).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const source = (reg: string) => `import tensorflow as tf
WD = 1e-4

def loss_fn(y_true, y_pred, model):
    ce = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred))
    reg = ${reg}
    return ce + reg
`;

async function lastPoints(reg: string, lambdas: number[]) {
  await initParsers();
  const loss = analyzeSource(source(reg), 'python', 'decay.py').models[0]!;
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const messages: TrainerToHost[] = [];
  const runs = lambdas.map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  await runTrial(specFor(loss, { steps: 60, backend: 'cpu', runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  return { loss, penalty, last: (id: string) => points.filter((p) => p.runId === id).at(-1)!.terms[penalty.id]! };
}

test('tf.add_n over the variables with WD inside: WD is the λ a run replaces', async () => {
  const { loss, penalty, last } = await lastPoints('tf.add_n([WD * tf.nn.l2_loss(v) for v in model.trainable_variables])', [0, 10]);
  assert.equal(loss.lambdaParam, 'WD');
  assert.equal(penalty.weight?.text, 'WD');
  const [off, on] = [last('l0'), last('l10')];
  assert.equal(off.weighted, 0, 'λ = 0 adds no decay: WD inside the sum was replaced, not kept');
  assert.ok(Math.abs(on.weighted - 10 * on.raw) < 1e-4 * Math.max(1, on.raw), `λ·P: ${on.weighted} against 10 × ${on.raw}`);
  assert.ok(on.raw < off.raw / 2, `λ = 10 shrinks Σ½‖v‖²: ${on.raw} against ${off.raw} at λ = 0`);
});

test('a Keras regularizer applied on the spot: its coefficient is the λ, the term is Σ v²', async () => {
  const { penalty, last } = await lastPoints('tf.add_n([tf.keras.regularizers.l2(1e-4)(v) for v in model.trainable_variables])', [1e-4]);
  assert.equal(penalty.weight?.text, '1e-4');
  const p = last('l0.0001');
  // the code's own loss: 1e-4 · Σv², so the weighted term is 1e-4 × the raw one, and the raw one is Σv² (order 10)
  assert.ok(Math.abs(p.weighted - 1e-4 * p.raw) < 1e-9 + 1e-6 * p.raw, `${p.weighted} against 1e-4 × ${p.raw}`);
  assert.ok(p.raw > 1, `Σ v² over a small dense model's weights is not scaled by the 0.01 default: ${p.raw}`);
});
