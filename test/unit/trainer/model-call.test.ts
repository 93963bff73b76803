// A loss that takes the model and runs it itself (`pred = model(x)`, Keras custom loops' `loss_fn(model, x, y,
// training)`): the call on the loss's input is the trial model's prediction, said in the header; `model.parameters()`
// beside it is the trial model's weights. A model run on anything else is refused in one sentence, by the trainer
// and by LL113 alike.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { findUnsupported, readsModelWeights } from '../../../src/trainer/interpreter';
import { modelCalledOnInput, withModelCallsAsPrediction } from '../../../src/trainer/modelCall';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const lossOf = (body: string) => analyzeSource(`import torch\nimport torch.nn.functional as F\n\n${body}`, 'python', 'loss.py').models[0]!;

const runsModel = `def compute_loss(model, x, y, training=False, lam=1e-3):
    pred = model(x, training=training)
    mse = F.mse_loss(pred, y)
    l2 = sum((p ** 2).sum() for p in model.parameters())
    return mse + lam * l2
`;

before(() => initParsers());

test('`model(x)` on the loss input is the prediction: nothing refused, and the model argument still gives its weights', () => {
  const loss = lossOf(runsModel);
  assert.deepEqual(modelCalledOnInput(loss), { model: 'model', input: 'x' });
  const rewritten = withModelCallsAsPrediction(loss);
  assert.deepEqual(findUnsupported(rewritten), []);
  assert.match(JSON.stringify(rewritten.terms[0]!.expr), /"name":"x","ref":"yPred"/);
  assert.doesNotMatch(JSON.stringify(rewritten.body), /__call__/);
  // the sum over model.parameters() is the trial model's weights (an overWeights node): the argument itself goes
  assert.ok(readsModelWeights(rewritten));
  assert.ok(!rewritten.params.some((p) => p.name === 'model'));
});

test('the loss that runs its model trains, says so in the header, and λ shrinks the weights', async () => {
  const loss = lossOf(runsModel);
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const runs = [0, 10].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 40, runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`model\(x\)` = this model's prediction \(the loss runs its model argument on its input\)/);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!.terms[penalty.id]!.raw;
  assert.ok(last('l10') < last('l0') / 2, `λ = 10: ${last('l10')} against ${last('l0')}`);
});

test('a model run on another tensor, or an input read beside the call, is refused once, naming the call', () => {
  const other = lossOf('def compute_loss(model, x, y, x_other, lam=1e-3):\n    return F.mse_loss(model(x), y) + lam * model(x_other).abs().mean()\n');
  const refusals = findUnsupported(withModelCallsAsPrediction(other));
  assert.equal(refusals.length, 1, JSON.stringify(refusals));
  assert.match(refusals[0]!.message, /^`model\(x_other\)`: the loss runs its model argument on a tensor the trainer cannot give it/);
  const beside = lossOf('def compute_loss(model, x, y, lam=1e-3):\n    return F.mse_loss(model(x), y) + lam * (x ** 2).mean()\n');
  assert.equal(modelCalledOnInput(beside), undefined);
  assert.match(findUnsupported(withModelCallsAsPrediction(beside))[0]!.message, /^`model\(x\)`: the loss runs its model argument/);
});

test("a loss method that runs its class's own model (TF.js this.model.predict(x), PyTorch self.net(x)) reads the prediction", () => {
  const ts = analyzeSource(`import * as tf from '@tensorflow/tfjs';
export class Policy {
  model!: tf.LayersModel;
  coef = 0.01;
  computeLoss(states: tf.Tensor, targets: tf.Tensor): tf.Scalar {
    const out = this.model.predict(states) as tf.Tensor;
    const fit = tf.losses.meanSquaredError(targets, out);
    return fit.add(tf.mean(tf.square(out)).mul(this.coef)) as tf.Scalar;
  }
}
`, 'typescript', 'policy.ts').models[0]!;
  const py = lossOf(`class Wrapper:
    def loss(self, x, y, lam=0.1):
        out = self.net(x)
        return F.mse_loss(out, y) + lam * (out ** 2).mean()
`);
  for (const [loss, model, input] of [[ts, 'this.model', 'states'], [py, 'self.net', 'x']] as const) {
    assert.deepEqual(modelCalledOnInput(loss), { model, input });
    assert.deepEqual(findUnsupported(withModelCallsAsPrediction(loss)), []);
  }
  // an attribute that is not named as a model is not taken for one
  const other = analyzeSource(`import * as tf from '@tensorflow/tfjs';
export class P {
  scaler: any;
  computeLoss(states: tf.Tensor, targets: tf.Tensor) {
    const out = this.scaler.predict(states) as tf.Tensor;
    return tf.losses.meanSquaredError(targets, out).add(tf.mean(out).mul(0.1));
  }
}
`, 'typescript', 'p.ts').models[0]!;
  assert.equal(modelCalledOnInput(other), undefined);
});

test('a feature network the loss class holds, run on the prediction and the target, is not the trial model', () => {
  const perceptual = lossOf(`class Perceptual:
    def loss(self, pred, target, lam=0.1):
        return F.mse_loss(self.feature_net(pred), self.feature_net(target)) + lam * self.feature_net(pred).abs().mean()
`);
  assert.equal(modelCalledOnInput(perceptual), undefined);
});
