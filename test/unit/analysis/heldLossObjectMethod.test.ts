// A training object holds the loss object it is given (`self.objective = objective`, built where the script makes
// the trainer: `PairTrainer(model, MarginPairLoss(margin=2.0, strength=0.01))`) and calls its methods
// (`self.objective.margin_loss(p, n)`): each method is followed with the object's state bound from that constructor call.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const src = `import tensorflow as tf


class MarginObjective:
    def __init__(self, margin=1.0, strength=1e-3):
        self.margin = margin
        self.strength = strength

    def margin_loss(self, positive, negative):
        return tf.reduce_mean(tf.nn.relu(self.margin + positive - negative))

    def shrink(self, model):
        kernels = [w for w in model.trainable_variables if len(w.shape) > 1]
        return self.strength * tf.reduce_mean(tf.concat([tf.reshape(tf.square(w), (-1,)) for w in kernels], axis=0))


class Scorer(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = tf.keras.layers.Dense(1)

    def call(self, x):
        return self.dense(x)


class Trainer:
    def __init__(self, model, objective):
        self.model = model
        self.objective = objective
        self.optimizer = tf.keras.optimizers.Adam(1e-3)

    def train_step(self, good_x, bad_x):
        with tf.GradientTape() as tape:
            pos_scores = self.model(good_x)
            neg_scores = self.model(bad_x)
            margin_term = self.objective.margin_loss(pos_scores, neg_scores)
            total = margin_term + self.objective.shrink(self.model)
        grads = tape.gradient(total, self.model.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
        return total


trainer = Trainer(Scorer(), MarginObjective(margin=2.0, strength=0.05))
`;

describe('methods of a loss object a class holds', () => {
  it('are followed with the constructor call\'s values: the base is the method\'s formula, the penalty has λ = strength', () => {
    const m = model(analyze(src), 'train_step');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:margin_term', 'penalty:+:shrink*0.05']);
    assert.ok(JSON.stringify(m.terms[0]!.expr).includes('"callee":"tf.nn.relu"'), 'the method\'s formula is the base');
    assert.ok(JSON.stringify(m.terms[0]!.expr).includes('"value":2'), 'the margin is the value the script passes');
    assert.ok(!runRules(analyze(src), src).some((f) => f.code === 'LL113'), 'no unsupported `.margin_loss`');
  });
});
