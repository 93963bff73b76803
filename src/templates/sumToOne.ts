// biome-ignore-all lint/suspicious/noTemplateCurlyInString: snippet bodies are VS Code snippet syntax, not template literals
// Sum-to-one: the rows of the output must sum to 1 (a probability vector produced without softmax), in two penalty
// shapes: the L1 residual (exact penalty, non-smooth at 0) and the squared residual (smooth, never exactly 0).
import { lines } from './lines';
import type { ConstraintTemplate } from './types';
import { violationMetrics } from './violations';

export const sumToOneL1: ConstraintTemplate = {
  id: 'sum1',
  title: 'Sum-to-one (L1 residual)',
  description:
    'Pushes every row of the predictions to sum to a target (1 for a probability vector) when the output layer ' +
    'does not normalise by itself (sigmoid or linear head, not softmax, where the constraint would be redundant). ' +
    'The penalty is the batch mean of |Σp − target|: an exact penalty, so once λ is larger than the gain the base ' +
    'loss gets from breaking the constraint the optimum satisfies it exactly; the price is a kink at 0 that makes ' +
    'the gradient jump (prefer the squared variant for smooth training). Start with λ = 1, raise it tenfold until ' +
    'the violation metric is small enough, and stop before the base loss degrades.',
  constraint: 'sum-to-one',
  violation: violationMetrics['sum-to-one'],
  lambdaDefault: '1.0',
  snippets: {
    keras: {
      lambdaName: 'lam',
      body: lines(
        'def make_${1:sum_to_one_l1}_loss(lam=${2:1.0}, target=${3:1.0}):',
        '    """Loss factory: base loss + lam * mean |sum(y_pred) - target| over the batch."""',
        '    def ${1:sum_to_one_l1}_loss(y_true, y_pred):',
        '        base = tf.keras.losses.${4:categorical_crossentropy}(y_true, y_pred)',
        '        row_sum = tf.reduce_sum(y_pred, axis=-1)',
        '        sum_penalty = tf.reduce_mean(tf.abs(row_sum - target))',
        '        return base + lam * sum_penalty',
        '    return ${1:sum_to_one_l1}_loss',
        '',
        "# model.compile(loss=make_${1:sum_to_one_l1}_loss(lam=${2:1.0}), optimizer='adam')$0",
      ),
    },
    pytorch: {
      lambdaName: 'lam',
      body: lines(
        'def ${1:sum_to_one_l1}_loss(probs, target, lam=${2:1.0}, total=${3:1.0}):',
        '    """Base loss + lam * mean |sum(probs) - total| over the batch (probs: non-softmax probabilities)."""',
        '    base = F.${4:binary_cross_entropy}(probs, target)',
        '    row_sum = probs.sum(dim=-1)',
        '    sum_penalty = torch.abs(row_sum - total).mean()',
        '    return base + lam * sum_penalty$0',
      ),
    },
    tfjs: {
      lambdaName: 'lam',
      body: lines(
        'function make${1:SumToOneL1}Loss(lam = ${2:1.0}, target = ${3:1.0}) {',
        '  // Loss factory: base loss + lam * mean |sum(yPred) - target| over the batch.',
        '  return (yTrue, yPred) => tf.tidy(() => {',
        '    const base = tf.losses.${4:logLoss}(yTrue, yPred);',
        '    const rowSum = tf.sum(yPred, -1);',
        '    const sumPenalty = tf.mean(tf.abs(tf.sub(rowSum, target)));',
        '    return tf.add(base, tf.mul(lam, sumPenalty));',
        '  });',
        '}',
        '',
        "// model.compile({ optimizer: 'adam', loss: make${1:SumToOneL1}Loss(${2:1.0}) });$0",
      ),
    },
  },
};

export const sumToOneSquared: ConstraintTemplate = {
  id: 'sum1-sq',
  title: 'Sum-to-one (squared residual)',
  description:
    'Pushes every row of the predictions to sum to a target (1 for a probability vector) when the output layer ' +
    'does not normalise by itself (sigmoid or linear head; after softmax the constraint is redundant). The penalty ' +
    'is the batch mean of (Σp − target)²: smooth everywhere, with a gradient that shrinks as the rows approach the ' +
    'target, so training stays stable, but it only reaches the constraint as λ grows (it never forces it exactly). ' +
    'Start with λ = 1 and raise it tenfold while the violation metric still falls faster than the base loss rises.',
  constraint: 'sum-to-one',
  violation: violationMetrics['sum-to-one'],
  lambdaDefault: '1.0',
  snippets: {
    keras: {
      lambdaName: 'lam',
      body: lines(
        'def make_${1:sum_to_one_sq}_loss(lam=${2:1.0}, target=${3:1.0}):',
        '    """Loss factory: base loss + lam * mean (sum(y_pred) - target)^2 over the batch."""',
        '    def ${1:sum_to_one_sq}_loss(y_true, y_pred):',
        '        base = tf.keras.losses.${4:categorical_crossentropy}(y_true, y_pred)',
        '        row_sum = tf.reduce_sum(y_pred, axis=-1)',
        '        sum_penalty = tf.reduce_mean(tf.square(row_sum - target))',
        '        return base + lam * sum_penalty',
        '    return ${1:sum_to_one_sq}_loss',
        '',
        "# model.compile(loss=make_${1:sum_to_one_sq}_loss(lam=${2:1.0}), optimizer='adam')$0",
      ),
    },
    pytorch: {
      lambdaName: 'lam',
      body: lines(
        'def ${1:sum_to_one_sq}_loss(probs, target, lam=${2:1.0}, total=${3:1.0}):',
        '    """Base loss + lam * mean (sum(probs) - total)^2 over the batch (probs: non-softmax probabilities)."""',
        '    base = F.${4:binary_cross_entropy}(probs, target)',
        '    row_sum = probs.sum(dim=-1)',
        '    sum_penalty = ((row_sum - total) ** 2).mean()',
        '    return base + lam * sum_penalty$0',
      ),
    },
    tfjs: {
      lambdaName: 'lam',
      body: lines(
        'function make${1:SumToOneSq}Loss(lam = ${2:1.0}, target = ${3:1.0}) {',
        '  // Loss factory: base loss + lam * mean (sum(yPred) - target)^2 over the batch.',
        '  return (yTrue, yPred) => tf.tidy(() => {',
        '    const base = tf.losses.${4:logLoss}(yTrue, yPred);',
        '    const rowSum = tf.sum(yPred, -1);',
        '    const sumPenalty = tf.mean(tf.square(tf.sub(rowSum, target)));',
        '    return tf.add(base, tf.mul(lam, sumPenalty));',
        '  });',
        '}',
        '',
        "// model.compile({ optimizer: 'adam', loss: make${1:SumToOneSq}Loss(${2:1.0}) });$0",
      ),
    },
  },
};
