// A method of an object a training class holds (`self.objective.weight_norm_penalty(self.model)`), the object an
// instance of the file's own class built in `__init__` or passed to the constructor by the file's call
// (`PairTrainer(net, MarginPairLoss(strength=0.01))`): the method is followed with the object's state bound from that
// construction, so the strength it multiplies in is the λ, written where the object is built (issue 9 §2).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const TRAINER = (init: string, build: string, objectClass = 'MarginPairLoss') => `import tensorflow as tf


class ${objectClass}:
    def __init__(self, margin=1.0, strength=1e-3):
        self.margin = margin
        self.strength = strength

    def pair_loss(self, pos, neg):
        return tf.reduce_mean(tf.nn.relu(self.margin + pos - neg))

    def weight_norm_penalty(self, model):
        return self.strength * tf.add_n([tf.reduce_sum(tf.square(w)) for w in model.trainable_variables])


class PairTrainer:
    def __init__(self, model, objective):
        self.model = model
${init}

    def train_step(self, pos_x, neg_x):
        with tf.GradientTape() as tape:
            pos = self.model(pos_x)
            neg = self.model(neg_x)
            margin_term = self.objective.pair_loss(pos, neg)
            total = margin_term + self.objective.weight_norm_penalty(self.model)
        grads = tape.gradient(total, self.model.trainable_variables)
        return total


if __name__ == "__main__":
${build}
`;

const step = (source: string) => model(analyze(source), 'train_step');

describe("a method of an object the training class holds", () => {
  it('passed to the constructor by the file: the strength the call passes is the penalty λ', () => {
    const m = step(TRAINER('        self.objective = objective', '    trainer = PairTrainer(net, MarginPairLoss(margin=2.0, strength=0.01))'));
    assert.deepEqual(m.terms.map(termSummary), ['base:+:margin_term', 'penalty:+:weight_norm_penalty*0.01']);
    assert.equal(codeLambda(m), 0.01);
  });

  it('built in __init__: its default', () => {
    const m = step(TRAINER('        self.objective = MarginPairLoss(margin=2.0)', '    trainer = PairTrainer(net, None)'));
    assert.equal(codeLambda(m), 1e-3);
  });

  it('write-back edits the strength where the object is built', () => {
    const source = TRAINER('        self.objective = objective', '    trainer = PairTrainer(net, MarginPairLoss(margin=2.0, strength=0.01))');
    const out = writeLambda(step(source), source, 0.05);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.match(out.text, /MarginPairLoss\(margin=2\.0, strength=0\.05\)/);
  });

  it('an object of a class the file does not define is not followed', () => {
    const m = step(TRAINER('        self.objective = objective', '    trainer = PairTrainer(net, losses.MarginPairLoss(strength=0.01))', 'LocalCopy'));
    assert.equal(m.terms.find((t) => t.role === 'penalty')?.weight, undefined);
  });
});
