// LL110: an L1/L2 penalty on y_pred in a loss whose names talk about weights or sparsity. A loss only sees the
// outputs: it penalises activations, not weights, so the model's weights are not made sparse.
import type { Expr, Framework, Term } from '../ir';
import { type CallExpr, collect, dependsOnPred, type MethodExpr, operand, opName, refs } from './expr';
import { code, termLabel } from './format';
import type { Check } from './types';

/** Names that promise weight sparsity or weight regularisation (`weighted_…` and class/sample weights do not). */
const WEIGHT_INTENT = /sparse|sparsity|(^|_|\b)l[12]($|_|\b|[A-Z])|(?<!class_|sample_)weights?(?!ed)|kernel|regulari[sz]/i;
const NORMS = new Set(['abs', 'square', 'norm', 'pow', 'l1_loss', 'l2_loss']);

const WEIGHT_PENALTY: Record<Framework, string> = {
  keras: 'kernel_regularizer=tf.keras.regularizers.l1(…) on the layers',
  pytorch: 'λ · sum(p.abs().sum() for p in model.parameters()) in the training step',
  tfjs: 'kernelRegularizer: tf.regularizers.l1({l1: …}) on the layers',
};

/**
 * Names that say the penalty is on activations (a code, a latent, hidden units): `code_l1`, `latent_sparsity`,
 * `activity_l1`. Sparse activations are then the stated intent, not a misread weight penalty.
 */
const ACTIVATION_NAMED = /code|latent|hidden|activ|encod|embed|feature|(^|_)(z|h|act|acts)($|_)/i;
/** …unless the name says weights after all (`hidden_weight_l1`). */
const SAYS_WEIGHTS = /weights?(?!ed)|kernel/i;

/**
 * The prediction itself (possibly sliced), not a residual against the target. An item unpacked from a tuple the
 * model returns (`recon, code = y_pred`) is not: a model that returns its code beside its output hands the loss a
 * hidden activation to penalise.
 */
const isPrediction = (e: Expr | undefined): boolean =>
  !!e && ((e.kind === 'name' && e.ref === 'yPred') || (e.kind === 'subscript' && !e.unpacked && isPrediction(e.object)));

function penalisesOutputs(t: Term): boolean {
  if (t.constraint?.kind === 'output-sparsity') return true;
  if (!dependsOnPred(t.expr) || refs(t.expr).has('yTrue')) return false;
  return collect(t.expr, (n) => NORMS.has(opName(n) ?? '') && isPrediction(operand(n as CallExpr | MethodExpr))).length > 0
    || collect(t.expr, (n) => n.kind === 'binary' && n.op === '**' && isPrediction(n.left)).length > 0;
}

/** A base with sparse labels (`sparse_categorical_crossentropy`, `sparse_softmax_cross_entropy_with_logits`). */
const SPARSE_LABEL_LOSS = /sparse_(categorical|softmax)|SparseCategorical/;
const sparseLabels = (terms: readonly Term[]): boolean =>
  terms.some((t) => t.role === 'base' && collect(t.expr, (n) => (n.kind === 'call' && SPARSE_LABEL_LOSS.test(n.callee)) || (n.kind === 'method' && SPARSE_LABEL_LOSS.test(n.method))).length > 0);

export const checkOutputSparsity: Check = (ctx) => {
  const { model } = ctx;
  // A kernel_regularizer / bias_regularizer is given the weights themselves: penalising them is what it is for; so is
  // a penalty on a variable the code optimises directly (its "prediction" is the parameter being fitted).
  if ((model.regularizes && model.regularizes.on !== 'activity') || model.optimisedDirectly) return [];
  // The function's name and its penalties' names carry the intent; parameter names (class_weights, …) do not.
  // `sparse_darc1` over `K.sparse_categorical_crossentropy`: "sparse" is Keras's word for integer labels there
  const labels = sparseLabels(model.terms) ? (n: string) => n.replace(/sparse/gi, '') : (n: string) => n;
  const names = [model.name, ...model.terms.filter((t) => t.role === 'penalty').map((t) => t.label)];
  const intent = names.find((n) => WEIGHT_INTENT.test(labels(n)) && (!ACTIVATION_NAMED.test(n) || SAYS_WEIGHTS.test(n)));
  if (!intent) return [];
  return model.terms
    // a penalty named for the activations it is on (`latent_l1`, `code_sparsity`) says what it does
    // an activity regularizer a layer is given (`activityRegularizer: tf.regularizers.l2(…)` on the output layer)
    // penalises its outputs because the code asked for exactly that
    .filter((t) => t.role === 'penalty' && t.regularizes?.on !== 'activity' && !(ACTIVATION_NAMED.test(t.label) && !SAYS_WEIGHTS.test(t.label)) && penalisesOutputs(t))
    .map((t) => ({
      // Anchored where the penalty is written (`tf.abs(y_pred)`), which is what the message is about.
      range: t.expr.range,
      termId: t.id,
      message:
        `Penalty ${termLabel(t)} penalises the outputs ${code(model.yPred)} (activations), not the weights, although ${code(intent)} ` +
        `suggests weight sparsity: the weights are not made sparse. For weight sparsity use ${WEIGHT_PENALTY[model.framework]}.`,
      fixes: [],
    }));
};
