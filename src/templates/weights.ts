// biome-ignore-all lint/suspicious/noTemplateCurlyInString: snippet bodies are VS Code snippet syntax, not template literals
// Weight sparsity, done the way each framework expects: a Keras loss never sees the weights, so the penalty goes on
// the layers (`kernel_regularizer`, collected in `model.losses` and added by `fit`); PyTorch sums |w| over
// `model.parameters()` next to the loss; TF.js takes a `kernelRegularizer` per layer.
import { lines } from './lines';
import type { ConstraintTemplate } from './types';
import { violationMetrics } from './violations';

export const weightSparsity: ConstraintTemplate = {
  id: 'sparse-weights',
  title: 'Weight sparsity (L1 on the weights)',
  description:
    'Drives most weights of the model to exactly zero (a smaller, more interpretable network). It must act on the ' +
    'weights, not on the outputs: in Keras and TF.js an L1 kernel regularizer on each layer, which the framework ' +
    'adds to the training loss itself (Keras collects it in model.losses); in PyTorch the sum of |w| over ' +
    'model.parameters() added to the loss (weight_decay in an optimizer is L2 and does not make weights sparse). ' +
    'L1 because its constant-size gradient pushes small weights all the way to zero. The penalty is a sum over ' +
    'the weights, so λ is small: start around 1e-4 and raise it tenfold until the share of non-zero weights ' +
    'drops without the base loss rising much.',
  constraint: 'weight-sparsity',
  violation: violationMetrics['weight-sparsity'],
  lambdaDefault: '1e-4',
  snippets: {
    keras: {
      lambdaName: 'weight_lam',
      body: lines(
        'weight_lam = ${1:1e-4}  # λ of the L1 penalty on every kernel',
        'kernel_l1 = tf.keras.regularizers.L1(l1=weight_lam)',
        '${2:model} = tf.keras.Sequential([',
        "    tf.keras.layers.Dense(${3:64}, activation='relu', kernel_regularizer=kernel_l1),",
        "    tf.keras.layers.Dense(${4:10}, activation='${5:softmax}', kernel_regularizer=kernel_l1),",
        '])',
        '# fit() adds sum(model.losses) = weight_lam * sum |w| to the loss; in a custom loop add tf.add_n(model.losses).',
        "${2:model}.compile(loss='${6:categorical_crossentropy}', optimizer='adam')$0",
      ),
    },
    pytorch: {
      lambdaName: 'lam',
      body: lines(
        'def ${1:weight_sparse}_loss(pred, target, model, lam=${2:1e-4}):',
        '    """Base loss + lam * sum |w| over model.parameters() (L1 on the weights, not on the outputs)."""',
        '    base = F.${3:mse_loss}(pred, target)',
        '    weight_l1 = sum(p.abs().sum() for p in model.parameters())',
        '    return base + lam * weight_l1$0',
      ),
    },
    tfjs: {
      lambdaName: 'weightLam',
      body: lines(
        'const weightLam = ${1:1e-4}; // λ of the L1 penalty on every kernel',
        'const ${2:model} = tf.sequential({',
        '  layers: [',
        "    tf.layers.dense({ inputShape: [${3:8}], units: ${4:64}, activation: 'relu', kernelRegularizer: tf.regularizers.l1({ l1: weightLam }) }),",
        "    tf.layers.dense({ units: ${5:10}, activation: '${6:softmax}', kernelRegularizer: tf.regularizers.l1({ l1: weightLam }) }),",
        '  ],',
        '});',
        '// fit() adds weightLam * sum |w| of every kernelRegularizer to the loss it minimises.',
        "${2:model}.compile({ optimizer: 'adam', loss: '${7:categoricalCrossentropy}' });$0",
      ),
    },
  },
};
