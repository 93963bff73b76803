// biome-ignore-all lint/suspicious/noTemplateCurlyInString: snippet bodies are VS Code snippet syntax, not template literals
// Demographic parity between two groups: the mean prediction of group A should equal that of group B. A Keras or
// TF.js loss only receives (y_true, y_pred), so the group indicator travels as the last column of y_true.
import { lines } from './lines';
import type { ConstraintTemplate } from './types';
import { violationMetrics } from './violations';

export const parity: ConstraintTemplate = {
  id: 'parity',
  title: 'Demographic parity gap (two groups)',
  description:
    'Narrows the gap between the mean prediction for group A and for group B (a protected attribute), a ' +
    'demographic-parity constraint for a binary classifier. Keras and TF.js losses only receive (y_true, y_pred), ' +
    'so the 0/1 group indicator is appended as the last column of y_true; PyTorch takes it as an argument. Each ' +
    'group rate is a ratio of batch means with an epsilon in the denominator (a batch may miss a group), and the ' +
    'penalty is the squared gap: smooth, and gentle once the gap is small. Use large batches so both groups appear. ' +
    'Start with λ = 1 and raise it until the gap metric is acceptable, watching the base loss: parity usually costs ' +
    'some accuracy, and the λ sweep shows the trade-off.',
  constraint: 'parity',
  violation: violationMetrics.parity,
  lambdaDefault: '1.0',
  snippets: {
    keras: {
      lambdaName: 'lam',
      body: lines(
        'def make_${1:parity}_loss(lam=${2:1.0}, eps=${3:1e-7}):',
        '    """Loss factory: base loss + lam * (demographic-parity gap)^2. y_true = [labels..., group (1 = A, 0 = B)]."""',
        '    def ${1:parity}_loss(y_true, y_pred):',
        '        labels = y_true[:, :-1]',
        '        group = y_true[:, -1:]',
        '        base = tf.keras.losses.${4:binary_crossentropy}(labels, y_pred)',
        '        rate_a = tf.reduce_mean(group * y_pred) / (tf.reduce_mean(group) + eps)',
        '        rate_b = tf.reduce_mean((1.0 - group) * y_pred) / (tf.reduce_mean(1.0 - group) + eps)',
        '        parity_gap = tf.square(rate_a - rate_b)',
        '        return base + lam * parity_gap',
        '    return ${1:parity}_loss',
        '',
        "# model.compile(loss=make_${1:parity}_loss(lam=${2:1.0}), optimizer='adam')$0",
      ),
    },
    pytorch: {
      lambdaName: 'lam',
      body: lines(
        'def ${1:parity}_loss(pred, target, group, lam=${2:1.0}, eps=${3:1e-7}):',
        '    """Base loss + lam * (demographic-parity gap)^2; group: float 0/1 tensor shaped like pred (1 = A)."""',
        '    base = F.${4:binary_cross_entropy}(pred, target)',
        '    rate_a = (group * pred).mean() / (group.mean() + eps)',
        '    rate_b = ((1.0 - group) * pred).mean() / ((1.0 - group).mean() + eps)',
        '    parity_gap = (rate_a - rate_b) ** 2',
        '    return base + lam * parity_gap$0',
      ),
    },
    tfjs: {
      lambdaName: 'lam',
      body: lines(
        'function make${1:Parity}Loss(lam = ${2:1.0}, eps = ${3:1e-7}) {',
        '  // Loss factory: base loss + lam * (demographic-parity gap)^2. yTrue = [label, group (1 = A, 0 = B)].',
        '  return (yTrue, yPred) => tf.tidy(() => {',
        '    const labels = tf.slice(yTrue, [0, 0], [-1, 1]);',
        '    const group = tf.slice(yTrue, [0, 1], [-1, 1]);',
        '    const base = tf.losses.${4:logLoss}(labels, yPred);',
        '    const rateA = tf.div(tf.mean(tf.mul(group, yPred)), tf.add(tf.mean(group), eps));',
        '    const rest = tf.sub(1, group);',
        '    const rateB = tf.div(tf.mean(tf.mul(rest, yPred)), tf.add(tf.mean(rest), eps));',
        '    const parityGap = tf.square(tf.sub(rateA, rateB));',
        '    return tf.add(base, tf.mul(lam, parityGap));',
        '  });',
        '}',
        '',
        "// model.compile({ optimizer: 'adam', loss: make${1:Parity}Loss(${2:1.0}) });$0",
      ),
    },
  },
};
