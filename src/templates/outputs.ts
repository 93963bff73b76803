// biome-ignore-all lint/suspicious/noTemplateCurlyInString: snippet bodies are VS Code snippet syntax, not template literals
// Constraints on the values of the outputs: bounds, non-negativity, monotone order and sparsity. All penalties are
// averaged over the batch (and the output units) so λ keeps its meaning whatever the batch size.
import { lines } from './lines';
import type { ConstraintTemplate } from './types';
import { violationMetrics } from './violations';

export const bounds: ConstraintTemplate = {
  id: 'bounds',
  title: 'Bounded outputs (squared hinge)',
  description:
    'Keeps every output inside [lower, upper] without clipping it (a clip has zero gradient outside the range). ' +
    'The penalty is the squared hinge max(lower − ŷ, 0)² + max(ŷ − upper, 0)², averaged over the batch: it is 0 ' +
    'inside the range, so the base loss is untouched there, and grows smoothly with the distance outside, so its ' +
    'gradient is defined at the bounds and points back into the range. Set the bounds to the valid range of the ' +
    'target; start with λ = 10 (the violation is squared and small near the bounds) and raise it until the ' +
    'fraction of outputs outside the range is acceptable.',
  constraint: 'bounds',
  violation: violationMetrics.bounds,
  lambdaDefault: '10.0',
  snippets: {
    keras: {
      lambdaName: 'lam',
      body: lines(
        'def make_${1:bounded}_loss(lam=${2:10.0}, lower=${3:0.0}, upper=${4:1.0}):',
        '    """Loss factory: base loss + lam * squared hinge outside [lower, upper], averaged over the batch."""',
        '    def ${1:bounded}_loss(y_true, y_pred):',
        '        base = tf.keras.losses.${5:mean_squared_error}(y_true, y_pred)',
        '        lower_penalty = tf.reduce_mean(tf.square(tf.maximum(lower - y_pred, 0.0)))',
        '        upper_penalty = tf.reduce_mean(tf.square(tf.maximum(y_pred - upper, 0.0)))',
        '        return base + lam * (lower_penalty + upper_penalty)',
        '    return ${1:bounded}_loss',
        '',
        "# model.compile(loss=make_${1:bounded}_loss(lam=${2:10.0}), optimizer='adam')$0",
      ),
    },
    pytorch: {
      lambdaName: 'lam',
      body: lines(
        'def ${1:bounded}_loss(pred, target, lam=${2:10.0}, lower=${3:0.0}, upper=${4:1.0}):',
        '    """Base loss + lam * squared hinge outside [lower, upper], averaged over the batch."""',
        '    base = F.${5:mse_loss}(pred, target)',
        '    lower_penalty = (torch.clamp(lower - pred, min=0.0) ** 2).mean()',
        '    upper_penalty = (torch.clamp(pred - upper, min=0.0) ** 2).mean()',
        '    return base + lam * (lower_penalty + upper_penalty)$0',
      ),
    },
    tfjs: {
      lambdaName: 'lam',
      body: lines(
        'function make${1:Bounded}Loss(lam = ${2:10.0}, lower = ${3:0.0}, upper = ${4:1.0}) {',
        '  // Loss factory: base loss + lam * squared hinge outside [lower, upper], averaged over the batch.',
        '  return (yTrue, yPred) => tf.tidy(() => {',
        '    const base = tf.losses.${5:meanSquaredError}(yTrue, yPred);',
        '    const lowerPenalty = tf.mean(tf.square(tf.maximum(tf.sub(lower, yPred), 0)));',
        '    const upperPenalty = tf.mean(tf.square(tf.maximum(tf.sub(yPred, upper), 0)));',
        '    return tf.add(base, tf.mul(lam, tf.add(lowerPenalty, upperPenalty)));',
        '  });',
        '}',
        '',
        "// model.compile({ optimizer: 'adam', loss: make${1:Bounded}Loss(${2:10.0}) });$0",
      ),
    },
  },
};

export const nonNegative: ConstraintTemplate = {
  id: 'nonneg',
  title: 'Non-negative outputs',
  description:
    'Discourages negative outputs (counts, prices, concentrations) while leaving the output layer linear, so the ' +
    'model can still fit values near zero without the dead gradients of a ReLU head. The penalty is the squared ' +
    'negative part max(−ŷ, 0)² averaged over the batch: zero for every non-negative output, smooth, and growing ' +
    'with how negative an output is. Start with λ = 1; raise it when the fraction of negative outputs stays above ' +
    'what you can accept, or use a softplus output if negatives must be impossible rather than rare.',
  constraint: 'non-negativity',
  violation: violationMetrics['non-negativity'],
  lambdaDefault: '1.0',
  snippets: {
    keras: {
      lambdaName: 'lam',
      body: lines(
        'def make_${1:non_negative}_loss(lam=${2:1.0}):',
        '    """Loss factory: base loss + lam * mean squared negative part of y_pred."""',
        '    def ${1:non_negative}_loss(y_true, y_pred):',
        '        base = tf.keras.losses.${3:mean_squared_error}(y_true, y_pred)',
        '        negative_penalty = tf.reduce_mean(tf.square(tf.maximum(-y_pred, 0.0)))',
        '        return base + lam * negative_penalty',
        '    return ${1:non_negative}_loss',
        '',
        "# model.compile(loss=make_${1:non_negative}_loss(lam=${2:1.0}), optimizer='adam')$0",
      ),
    },
    pytorch: {
      lambdaName: 'lam',
      body: lines(
        'def ${1:non_negative}_loss(pred, target, lam=${2:1.0}):',
        '    """Base loss + lam * mean squared negative part of pred."""',
        '    base = F.${3:mse_loss}(pred, target)',
        '    negative_penalty = (torch.clamp(-pred, min=0.0) ** 2).mean()',
        '    return base + lam * negative_penalty$0',
      ),
    },
    tfjs: {
      lambdaName: 'lam',
      body: lines(
        'function make${1:NonNegative}Loss(lam = ${2:1.0}) {',
        '  // Loss factory: base loss + lam * mean squared negative part of yPred.',
        '  return (yTrue, yPred) => tf.tidy(() => {',
        '    const base = tf.losses.${3:meanSquaredError}(yTrue, yPred);',
        '    const negativePenalty = tf.mean(tf.square(tf.maximum(tf.neg(yPred), 0)));',
        '    return tf.add(base, tf.mul(lam, negativePenalty));',
        '  });',
        '}',
        '',
        "// model.compile({ optimizer: 'adam', loss: make${1:NonNegative}Loss(${2:1.0}) });$0",
      ),
    },
  },
};

export const monotone: ConstraintTemplate = {
  id: 'monotone',
  title: 'Monotone ordered outputs',
  description:
    'Keeps the outputs of each sample in non-decreasing order, ŷ[0] ≤ ŷ[1] ≤ … (quantiles of one target, ' +
    'cumulative probabilities, thresholds of an ordinal model), optionally with a minimum gap (margin). The ' +
    'penalty is the squared hinge on every adjacent drop, max(ŷ[k] − ŷ[k+1] + margin, 0)², averaged over the ' +
    'batch and the pairs: zero when the order holds, smooth, and proportional to how far a pair is crossed. ' +
    'Start with λ = 1 and raise it until the fraction of pairs out of order is near zero; a margin above 0 keeps ' +
    'quantiles from collapsing onto each other.',
  constraint: 'monotone',
  violation: violationMetrics.monotone,
  lambdaDefault: '1.0',
  snippets: {
    keras: {
      lambdaName: 'lam',
      body: lines(
        'def make_${1:monotone}_loss(lam=${2:1.0}, margin=${3:0.0}):',
        '    """Loss factory: base loss + lam * squared hinge on each decreasing adjacent pair of outputs."""',
        '    def ${1:monotone}_loss(y_true, y_pred):',
        '        base = tf.keras.losses.${4:mean_squared_error}(y_true, y_pred)',
        '        drops = tf.maximum(y_pred[:, :-1] - y_pred[:, 1:] + margin, 0.0)',
        '        order_penalty = tf.reduce_mean(tf.square(drops))',
        '        return base + lam * order_penalty',
        '    return ${1:monotone}_loss',
        '',
        "# model.compile(loss=make_${1:monotone}_loss(lam=${2:1.0}), optimizer='adam')$0",
      ),
    },
    pytorch: {
      lambdaName: 'lam',
      body: lines(
        'def ${1:monotone}_loss(pred, target, lam=${2:1.0}, margin=${3:0.0}):',
        '    """Base loss + lam * squared hinge on each decreasing adjacent pair of outputs."""',
        '    base = F.${4:mse_loss}(pred, target)',
        '    drops = torch.clamp(pred[:, :-1] - pred[:, 1:] + margin, min=0.0)',
        '    order_penalty = (drops ** 2).mean()',
        '    return base + lam * order_penalty$0',
      ),
    },
    tfjs: {
      lambdaName: 'lam',
      body: lines(
        'function make${1:Monotone}Loss(lam = ${2:1.0}, margin = ${3:0.0}) {',
        '  // Loss factory: base loss + lam * squared hinge on each decreasing adjacent pair of outputs.',
        '  return (yTrue, yPred) => tf.tidy(() => {',
        '    const base = tf.losses.${4:meanSquaredError}(yTrue, yPred);',
        '    const width = yPred.shape[1];',
        '    const earlier = tf.slice(yPred, [0, 0], [-1, width - 1]);',
        '    const later = tf.slice(yPred, [0, 1], [-1, width - 1]);',
        '    const drops = tf.maximum(tf.add(tf.sub(earlier, later), margin), 0);',
        '    const orderPenalty = tf.mean(tf.square(drops));',
        '    return tf.add(base, tf.mul(lam, orderPenalty));',
        '  });',
        '}',
        '',
        "// model.compile({ optimizer: 'adam', loss: make${1:Monotone}Loss(${2:1.0}) });$0",
      ),
    },
  },
};

export const outputSparsity: ConstraintTemplate = {
  id: 'sparse-out',
  title: 'Output sparsity (L1 on the outputs)',
  description:
    'Drives most output values (activations, also called activity regularisation; not the weights: for weight ' +
    'sparsity use the weight template) to exactly zero, for sparse codes, attributions or mixing coefficients. The penalty is the mean absolute output, an L1 ' +
    'norm: its constant-size gradient keeps pushing small values all the way to zero, which a squared penalty ' +
    'would not (its gradient vanishes near zero). Averaged over the batch so λ does not depend on the batch size. ' +
    'Start small (λ = 0.01) and raise it until the share of non-zero outputs is where you want it; too large and ' +
    'the outputs collapse to zero and the base loss rises.',
  constraint: 'output-sparsity',
  violation: violationMetrics['output-sparsity'],
  lambdaDefault: '0.01',
  snippets: {
    keras: {
      lambdaName: 'lam',
      body: lines(
        'def make_${1:activity}_loss(lam=${2:0.01}):',
        '    """Loss factory: base loss + lam * mean |y_pred| (L1 on the outputs, not on the weights)."""',
        '    def ${1:activity}_loss(y_true, y_pred):',
        '        base = tf.keras.losses.${3:mean_squared_error}(y_true, y_pred)',
        '        activity_penalty = tf.reduce_mean(tf.abs(y_pred))',
        '        return base + lam * activity_penalty',
        '    return ${1:activity}_loss',
        '',
        "# model.compile(loss=make_${1:activity}_loss(lam=${2:0.01}), optimizer='adam')$0",
      ),
    },
    pytorch: {
      lambdaName: 'lam',
      body: lines(
        'def ${1:activity}_loss(pred, target, lam=${2:0.01}):',
        '    """Base loss + lam * mean |pred| (L1 on the outputs, not on the weights)."""',
        '    base = F.${3:mse_loss}(pred, target)',
        '    activity_penalty = torch.abs(pred).mean()',
        '    return base + lam * activity_penalty$0',
      ),
    },
    tfjs: {
      lambdaName: 'lam',
      body: lines(
        'function make${1:Activity}Loss(lam = ${2:0.01}) {',
        '  // Loss factory: base loss + lam * mean |yPred| (L1 on the outputs, not on the weights).',
        '  return (yTrue, yPred) => tf.tidy(() => {',
        '    const base = tf.losses.${3:meanSquaredError}(yTrue, yPred);',
        '    const activityPenalty = tf.mean(tf.abs(yPred));',
        '    return tf.add(base, tf.mul(lam, activityPenalty));',
        '  });',
        '}',
        '',
        "// model.compile({ optimizer: 'adam', loss: make${1:Activity}Loss(${2:0.01}) });$0",
      ),
    },
  },
};
