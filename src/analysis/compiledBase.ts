// A penalty that lives in a Keras `add_loss`, a `Regularizer` (`kernel_regularizer=`, `activity_regularizer=`) or a
// TF.js regularizer class is added by the framework to the loss the model compiles: `model.compile(loss='mse')`
// trains mse + λ·penalty. That compiled loss is the base term of such a model, read from the file's last
// `compile` (the one that configures training), so the rules and the trainer see base and penalty as for a loss
// function: the trainer trains the sum with the base's own curve.
import type { CompiledBase } from './compileCall';
import type { Expr, Framework, LossModel, Term } from './ir';

export { type CompiledBase, readCompiledBase } from './compileCall';

/** The compiled loss on the model's targets and outputs, reduced as the framework reduces it (a mean over the batch). */
export function baseExpr(base: CompiledBase, framework: Framework, yTrue: string, yPred: string): Expr {
  const at = { range: base.range, text: base.name };
  const args: Expr[] = [
    { kind: 'name', name: yTrue, ref: 'yTrue', ...at, text: yTrue },
    { kind: 'name', name: yPred, ref: 'yPred', ...at, text: yPred },
  ];
  const kwargs: Record<string, Expr> = {};
  for (const [k, v] of Object.entries(base.ctorKwargs ?? {})) {
    kwargs[k] = typeof v === 'number' ? { kind: 'number', value: v, ...at } : typeof v === 'boolean' ? { kind: 'bool', value: v, ...at } : { kind: 'string', value: v, ...at };
  }
  const perSample: Expr = { kind: 'call', callee: framework === 'tfjs' ? `tf.metrics.${base.name}` : `tf.keras.losses.${base.name}`, args, kwargs, ...at };
  return { kind: 'call', callee: framework === 'tfjs' ? 'tf.mean' : 'tf.reduce_mean', args: [perSample], kwargs: {}, ...at };
}

/** Kinds whose terms add to the compiled loss (they hold penalties only). */
const addsToCompiled = new Set<LossModel['kind']>(['add-loss', 'regularizer']);

/**
 * `model` with the compiled loss as its base term, when it is an add_loss / regularizer of a Keras or TF.js model
 * whose file compiles a framework loss; else `model` unchanged.
 */
export function withCompiledBase(model: LossModel, base: CompiledBase | undefined): LossModel {
  if (!base || !addsToCompiled.has(model.kind) || model.framework === 'pytorch') return model;
  if (model.terms.some((t) => t.role === 'base')) return model;
  const yTrue = model.yTrue || (model.framework === 'tfjs' ? 'yTrue' : 'y_true');
  const term: Term = { id: `t${model.terms.length}`, role: 'base', sign: 1, expr: baseExpr(base, model.framework, yTrue, model.yPred), label: base.name, range: base.range };
  return { ...model, terms: [...model.terms, term] };
}

/**
 * `model` with the terms of a loss function of the file the model compiles (`compile(loss=nll)`, its `nll(y_true,
 * y_pred)` read as any loss; TF.js `compile({ loss: (yTrue, yPred) => … })`) as its base, when it is an add_loss or
 * a regularizer of that Keras / TF.js model that has no base of its own:
 * Keras trains the compiled loss, averaged over the batch, plus what is added. The function's own penalties stay
 * penalties. Its names of the target and the prediction are the model's (the terms read them by role).
 */
export function withCompiledFunction(model: LossModel, compiled: LossModel | undefined, options: { anonymous?: boolean } = {}): LossModel {
  if (!compiled || !addsToCompiled.has(model.kind) || model.framework === 'pytorch' || compiled.framework !== model.framework) return model;
  if (model.terms.some((t) => t.role === 'base') || !compiled.terms.some((t) => t.role === 'base')) return model;
  const callee = model.framework === 'tfjs' ? 'tf.mean' : 'tf.reduce_mean';
  const mean = (e: Expr): Expr => ({ kind: 'call', callee, args: [e], kwargs: {}, range: e.range, text: e.text });
  // a function that is all base is named as compile names it (`nll`), as a framework loss's name labels its term; an
  // arrow written in the compile call has no name of its own: its terms keep theirs (`fit`)
  const whole = compiled.terms.length === 1 && !options.anonymous ? { label: compiled.name } : {};
  const added: Term[] = compiled.terms.map((t, i) => ({ ...t, id: `t${model.terms.length + i}`, expr: mean(t.expr), ...whole }));
  const yTrue = model.yTrue || compiled.yTrue;
  const params = [...model.params, ...compiled.params.filter((p) => !model.params.some((q) => q.name === p.name) && p.role !== 'yPred')];
  return { ...model, yTrue, params, terms: [...added, ...model.terms] };
}
