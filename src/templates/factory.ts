// biome-ignore-all lint/suspicious/noTemplateCurlyInString: snippet bodies are VS Code snippet syntax, not template literals
// The loss factory: `model.compile(loss=fn)` calls fn with (y_true, y_pred) only, so a λ parameter with a default
// is frozen at that default. A factory captures λ in a closure (a module attribute in PyTorch) so the value given
// at compile time is the one training uses.
import { lines } from './lines';
import type { ConstraintTemplate } from './types';
import { violationMetrics } from './violations';

export const lossFactory: ConstraintTemplate = {
  id: 'factory',
  title: 'Loss factory with λ (compile-ready)',
  description:
    'A constrained loss whose λ really reaches training: Keras calls a compiled loss with (y_true, y_pred) only, ' +
    'so `def loss(y_true, y_pred, lam=1.0)` passed to model.compile always runs with its default λ. The factory ' +
    'make_loss(lam) returns a loss that captures λ (in PyTorch an nn.Module holding self.lam), so ' +
    'model.compile(loss=make_loss(lam=0.5)) trains with 0.5 and a λ sweep is one call per value. The penalty shown ' +
    'is the squared sum-to-one residual (smooth; replace it with your own). Pick λ by a sweep (0, 0.1, 1, 10): take ' +
    'the smallest λ whose violation is acceptable.',
  constraint: 'sum-to-one',
  violation: violationMetrics['sum-to-one'],
  lambdaDefault: '1.0',
  snippets: {
    keras: {
      lambdaName: 'lam',
      body: lines(
        'def ${1:make_loss}(lam=${2:1.0}):',
        '    """Returns a Keras loss (y_true, y_pred) that uses this lam."""',
        '    def constrained_loss(y_true, y_pred):',
        '        base = tf.keras.losses.${3:categorical_crossentropy}(y_true, y_pred)',
        '        penalty = tf.reduce_mean(tf.square(tf.reduce_sum(y_pred, axis=-1) - 1.0))',
        '        return base + lam * penalty',
        '    return constrained_loss',
        '',
        '',
        "${4:model}.compile(loss=${1:make_loss}(lam=${5:0.5}), optimizer='${6:adam}')$0",
      ),
    },
    pytorch: {
      lambdaName: 'lam',
      body: lines(
        'class ${1:ConstrainedLoss}(nn.Module):',
        '    """Base loss + self.lam * mean (sum(probs) - 1)^2; lam is set once, at construction."""',
        '',
        '    def __init__(self, lam=${2:1.0}):',
        '        super().__init__()',
        '        self.lam = lam',
        '',
        '    def forward(self, probs, target):',
        '        base = F.${3:binary_cross_entropy}(probs, target)',
        '        penalty = ((probs.sum(dim=-1) - 1.0) ** 2).mean()',
        '        return base + self.lam * penalty',
        '',
        '',
        '${4:criterion} = ${1:ConstrainedLoss}(lam=${5:0.5})$0',
      ),
    },
    tfjs: {
      lambdaName: 'lam',
      body: lines(
        'function ${1:makeLoss}(lam = ${2:1.0}) {',
        '  // Returns a TF.js loss (yTrue, yPred) that uses this lam.',
        '  return (yTrue, yPred) => tf.tidy(() => {',
        '    const base = tf.losses.${3:logLoss}(yTrue, yPred);',
        '    const penalty = tf.mean(tf.square(tf.sub(tf.sum(yPred, -1), 1)));',
        '    return tf.add(base, tf.mul(lam, penalty));',
        '  });',
        '}',
        '',
        "${4:model}.compile({ optimizer: '${6:adam}', loss: ${1:makeLoss}(${5:0.5}) });$0",
      ),
    },
  },
};
