// A custom Keras regularizer (`class Ortho(Regularizer)` with `__call__(self, x)`, or a function given as
// `kernel_regularizer=`/`activity_regularizer=`) is read by the analysis with its argument as the prediction, beside
// the compiled loss (the base). Keras calls it on what the layer argument names: `kernel_regularizer` on the layer's
// kernel, `bias_regularizer` on its bias, `activity_regularizer` on the layer's output. So the trainer passes the
// penalty that tensor of its trial model, as for the built-in l1/l2 regularizers (python/builtinRegularizerModel.ts):
// the kernel of a hidden layer, its bias, or the last hidden layer's activations; only an activity regularizer on the
// model's output layer (Regularizes.output) reads the prediction. The compiled base keeps the prediction.
import type { Expr, LossModel, Regularizes, Term } from '../analysis/ir';
import { mentionsRef } from '../analysis/terms/expr';

/** The tensor argument each kind of regularizer gets, by a name the tensor-argument table maps (tensorArgs.ts). */
const tensorFor: Readonly<Record<Regularizes['on'], string>> = { kernel: 'kernel', bias: 'bias', activity: 'activations' };

/** The name the regularizer's argument is passed under, when it is a tensor of the trial model other than its output. */
export function regularizedTensor(loss: LossModel): string | undefined {
  const on = loss.kind === 'regularizer' ? loss.regularizes : undefined;
  if (!on || (on.on === 'activity' && on.output)) return undefined;
  // the built-in l1/l2 read their layer's tensor already (python/builtinRegularizerModel.ts): only a penalty that
  // reads its argument as the prediction is the custom regularizer's
  const readsArgument = loss.terms.some((t) => t.role === 'penalty' && mentionsRef(t.expr, 'yPred'));
  return readsArgument ? tensorFor[on.on] : undefined;
}

/** A copy of `e` reading the tensor `name` where it read the prediction. */
function rewrite(e: Expr, name: string): Expr {
  if (e.kind === 'name' && e.ref === 'yPred') return { ...e, name, ref: 'param' };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (Array.isArray(v)) out[k] = v.map((x) => (isExpr(x) ? rewrite(x, name) : isIndex(x) ? rewriteIndex(x, name) : x));
    else if (isExpr(v)) out[k] = rewrite(v, name);
    else if (k === 'kwargs' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v).map(([a, x]) => [a, rewrite(x as Expr, name)]));
    else out[k] = v;
  }
  return out as Expr;
}

const isExpr = (v: unknown): v is Expr => typeof v === 'object' && v !== null && 'kind' in v && 'text' in v;
const isIndex = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && 'kind' in v && !('text' in v);

function rewriteIndex(it: Record<string, unknown>, name: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(it).map(([k, v]) => [k, isExpr(v) ? rewrite(v, name) : v]));
}

/**
 * The regularizer as Keras runs it: its penalty terms read the trial layer's tensor (regularizedTensor) passed as a
 * tensor argument; the compiled base still reads the prediction. The loss unchanged for anything else.
 */
export function withRegularizedTensor(loss: LossModel): LossModel {
  const name = regularizedTensor(loss);
  const on = loss.regularizes;
  if (!name || !on) return loss;
  const terms = loss.terms.map((t): Term => (t.role === 'penalty' ? { ...t, expr: rewrite(t.expr, name), ...(t.weight ? { weight: rewrite(t.weight, name) } : {}) } : t));
  const range = on.range ?? loss.range;
  const param = { name, role: 'tensor' as const, range, ...(on.on === 'kernel' ? { modelWeight: true as const } : {}) };
  return { ...loss, terms, params: [...loss.params.filter((p) => p.name !== name || p.role === 'yPred'), param] };
}
