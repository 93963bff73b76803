// A penalty on the gap between the summed predictions and the summed targets (energy disaggregation: the appliances
// add up to the mains) is not "sum to one": |Σŷ − 1| would report a violation the loss never penalises (it rose with
// λ while the gap fell). Its readable violation is its raw value; a sum compared with a number keeps its metric.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const loss = async (penalty: string) => {
  await initParsers();
  return analyzeSource(`import tensorflow as tf


def split_loss(y_true, y_pred):
    fit = tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)
    gap = ${penalty}
    return fit + 0.3 * gap
`, 'python', 'split.py').models[0]!;
};

async function started(penalty: string) {
  const model = await loss(penalty);
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(model, { steps: 3 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const start = messages.find((m) => m.type === 'started');
  assert.ok(start?.type === 'started');
  const term = start.terms.find((t) => t.label === 'gap')!;
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  return { term, violations: points.map((p) => p.violations?.[term.id]) };
}

test('a sum compared with the summed targets has no "sum to one" metric', async () => {
  const { term, violations } = await started('tf.square(tf.reduce_sum(y_pred, axis=-1) - tf.reduce_sum(y_true, axis=-1))');
  assert.equal(term.constraint, undefined);
  assert.ok(violations.every((v) => v === undefined));
});

test('a sum compared with 1 keeps it', async () => {
  const { term, violations } = await started('tf.square(tf.reduce_sum(y_pred, axis=-1) - 1.0)');
  assert.equal(term.constraint, 'sum-to-one');
  assert.ok(violations.some((v) => typeof v === 'number'));
});
