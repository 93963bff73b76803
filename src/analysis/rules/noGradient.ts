// LL105: a penalty with no gradient with respect to the model. Either it depends only on y_true, hyper-parameters
// and constants (it shifts the loss value, training never sees it), or it reads the model only through a frozen
// copy (`K.variable(layer.get_weights()[0])`, `w.detach()`, `stop_gradient`): the copy is a constant to the
// optimiser. A penalty that reads the prediction, the model's weights, or another tensor of the model passed to
// the loss (`mu`, `logvar`, `encoded`: role 'tensor') has a gradient. Paths to y_pred cut by detach are LL106's.
import { valueLookup } from '../bound';
import type { Expr, LossModel, Term } from '../ir';
import { some } from '../terms/expr';
import { children, lastSegment, opName } from './expr';
import { code, termLabel } from './format';
import type { Check } from './types';

/** Namespaces whose calls are pure tensor math (anything else might read the model's weights). */
const MATH_NAMESPACES = new Set(['tf', 'K', 'keras', 'torch', 'F', 'np', 'math', 'Math', 'nn']);
const MATH_BUILTINS = new Set(['abs', 'sum', 'min', 'max', 'pow', 'float', 'len', 'round']);

/** Ops whose result is a constant copy of their argument: no gradient flows back through them. */
const FREEZES = new Set(['detach', 'stop_gradient', 'numpy', 'item', 'tolist', 'get_weights', 'get_value', 'eval', 'variable', 'Variable', 'constant', 'array', 'dataSync', 'arraySync', 'bufferSync']);
/** Of FREEZES, the ops that build a new tensor or variable from their argument (a copy only if the argument is live). */
const MAKES_VALUE = new Set(['variable', 'Variable', 'constant', 'array']);
/** Of MAKES_VALUE, those that make a trainable variable. */
const NEW_VARIABLE = new Set(['variable', 'Variable']);
const freezes = (e: Expr): boolean => {
  // PyTorch's `param.data`: the tensor's values, detached from the graph
  if (e.kind === 'attr' && e.name === 'data') return true;
  const op = opName(e);
  if (!op || !FREEZES.has(op)) return false;
  // `tf.constant(0.5)` or `K.variable(1.0)` of a number is just a constant, not a copy of the model
  return e.kind === 'method' || (e.kind === 'call' && e.callee.includes('.')) || op === 'get_weights';
};

interface Reads {
  /** Something with a gradient: the prediction, the model's weights, a tensor argument. */
  live: boolean;
  /** Something whose dependence on the model cannot be seen (a global, a helper, an unknown attribute). */
  opaque: boolean;
  /** Frozen copies of something live or opaque. */
  frozen: Expr[];
}

/**
 * Parameters that are tensors of the model: role 'tensor', or no numeric default and not the λ; not a value
 * computed once before training (LossParam.fixedBeforeTraining), which is a constant unless the loss reaches the
 * model through it (`model.trainable_weights`, `model(x)`: see reads).
 */
function tensorParams(model: LossModel): Set<string> {
  return new Set(model.params.filter((p) => !p.fixedBeforeTraining && (p.role === 'tensor' || (p.role === 'other' && p.default === undefined))).map((p) => p.name));
}

const fixedParams = (model: LossModel): Set<string> => new Set(model.params.filter((p) => p.fixedBeforeTraining).map((p) => p.name));

/** `fixed.weights`, `fixed.parameters()`: an object fixed before training may still hold the model. */
const throughObject = (e: Expr, fixed: ReadonlySet<string>): boolean =>
  (e.kind === 'attr' || e.kind === 'method') && e.object.kind === 'name' && fixed.has(e.object.name);

/** What the node itself reads (its children aside). */
function readsItself(e: Expr, model: LossModel, tensors: Set<string>, out: Reads): void {
  if (e.kind === 'unsupported') out.opaque = true;
  else if (e.kind === 'overWeights') out.live = true;
  // a model's own weight read through self (`self.head.weight`, LossParam.modelWeight) is a tensor of the model
  else if (e.kind === 'attr' && tensors.has(e.text.replace(/\s+/g, ''))) out.live = true;
  else if (e.kind === 'name') {
    if (e.ref === 'yPred' || tensors.has(e.name)) out.live = true;
    else if (e.ref === 'global' && !constantGlobal(e.name, model)) out.opaque = true;
  } else if (e.kind === 'attr' && e.object.kind === 'name' && e.object.ref === 'module') {
    if (!model.params.some((p) => p.name === `self.${e.name}`)) out.opaque = true;
  } else if (e.kind === 'call') {
    // `layer.get_weights()` is written as a call of `layer.get_weights`: a global's method
    const ns = e.callee.split('.')[0];
    if (e.callee.includes('.') ? !MATH_NAMESPACES.has(ns) : !MATH_BUILTINS.has(e.callee)) out.opaque = true;
  }
}

/**
 * A module-level name the optimiser sees as a constant: a math namespace (`tf` of `tf.float32`), a setting with a
 * value (a module constant read as the loss's parameter), or a value built before training (builtBeforeTraining).
 */
function constantGlobal(name: string, model: LossModel): boolean {
  if (MATH_NAMESPACES.has(name)) return true;
  const param = model.params.find((p) => p.name === name);
  if (param && (typeof param.default === 'number' || typeof param.default === 'boolean')) return true;
  return builtBeforeTraining(name, model);
}

/**
 * A module-level value built before training from literals and ops the analysis reads (LossModel.outsideValues:
 * `train_states = np.load("states.npy")`, `EYE = torch.eye(4)`): a constant to the optimiser when nothing in its
 * expression may reach the model (no call of the user's objects, no other opaque name).
 */
function builtBeforeTraining(name: string, model: LossModel): boolean {
  const value = model.outsideValues?.[name];
  if (!value || reading.has(name) || some(value.expr, makesTrainable)) return false;
  const inner: Reads = { live: false, opaque: false, frozen: [] };
  reading.add(name);
  try {
    // read as a penalty is: a trainable variable made there (`tf.variable(…)`) is live, a frozen copy frozen
    reads(value.expr, model, new Set(), inner, new Set());
  } finally {
    reading.delete(name);
  }
  return !inner.live && !inner.opaque && inner.frozen.length === 0;
}

/** Makes a tensor the optimiser may train: `tf.variable(…)`, `nn.Parameter(…)`, `torch.zeros(3, requires_grad=True)`. */
const makesTrainable = (e: Expr): boolean =>
  NEW_VARIABLE.has(opName(e) ?? '') || opName(e) === 'Parameter' || opName(e) === 'requires_grad_' || ((e.kind === 'call' || e.kind === 'method') && e.kwargs.requires_grad !== undefined);

/** The module-level values being read (a value that reads itself is not followed again). */
const reading = new Set<string>();

function reads(e: Expr, model: LossModel, tensors: Set<string>, out: Reads, fixed: ReadonlySet<string> = fixedParams(model)): void {
  if (throughObject(e, fixed)) out.opaque = true;
  // an object's own `nn.Parameter(…)` read in place (a gate layer's `self.scale`, a center loss's centers): a weight
  // the optimiser trains, whatever it starts from
  if (opName(e) === 'Parameter') {
    out.live = true;
    return;
  }
  if (freezes(e) && NEW_VARIABLE.has(opName(e) ?? '') && madeFromSettings(e, model)) {
    // a new variable made from settings (`self.offset = K.variable(offset_init)` in a layer) is a weight it trains
    out.live = true;
    return;
  }
  if (freezes(e)) {
    const inner: Reads = { live: false, opaque: false, frozen: [] };
    // `K.variable(init)` makes a new variable from what it is given: only that argument can be a copy of the model
    // (`K.variable(layer.get_weights()[0])`); `layer.get_weights()` itself reads the model
    if (!MAKES_VALUE.has(opName(e) ?? '')) readsItself(e, model, tensors, inner);
    for (const c of children(e)) reads(c, model, tensors, inner, fixed);
    if (inner.live || inner.opaque || inner.frozen.length > 0) out.frozen.push(e);
    return;
  }
  if (e.kind === 'loop') {
    readsLoop(e, model, tensors, out, fixed);
    return;
  }
  readsItself(e, model, tensors, out);
  for (const c of children(e)) reads(c, model, tensors, out, fixed);
}

/**
 * A loop's variables carry what its iterable holds (`for param in params: … param.data …`): the iterable reaches the
 * penalty through them, so a live iterable read only through frozen copies of its items (`.data`) is frozen.
 */
function readsLoop(e: Extract<Expr, { kind: 'loop' }>, model: LossModel, tensors: Set<string>, out: Reads, fixed: ReadonlySet<string>): void {
  const items: Reads = { live: false, opaque: false, frozen: [] };
  reads(e.iterable, model, tensors, items, fixed);
  out.opaque ||= items.opaque;
  out.frozen.push(...items.frozen);
  const inBody = items.live ? new Set([...tensors, ...e.variables]) : tensors;
  for (const c of [e.body, e.init, e.filter]) if (c) reads(c, model, inBody, out, fixed);
}

/** `K.variable(offset_init)` with `offset_init` a number where the layer is built: every name it reads has a value. */
function madeFromSettings(e: Expr, model: LossModel): boolean {
  const value = valueLookup(model);
  return children(e).every((c) => !some(c, (n) => n.kind === 'name' && n.ref !== 'global' && value(n.name) === undefined) && !some(c, (n) => n.kind === 'call' || n.kind === 'method'));
}

/** Does any path reach y_pred (even through a detach: LL106 reports those)? */
const reachesPred = (e: Expr): boolean => (e.kind === 'name' && e.ref === 'yPred') || children(e).some(reachesPred);

/** What a penalty with no gradient reads (its frozen copies), or undefined when it has one or may have one. */
function gradientFree(model: LossModel, t: Term): Reads | undefined {
  if (t.role !== 'penalty' || reachesPred(t.expr)) return undefined;
  const r: Reads = { live: false, opaque: false, frozen: [] };
  reads(t.expr, model, tensorParams(model), r, fixedParams(model));
  return r.live || r.opaque ? undefined : r;
}

/**
 * Does `e` move with training: it reaches the prediction, or reads the model's weights or another tensor of the model
 * passed to the loss (`mu`, `logvar`, a layer's kernel) other than through a frozen copy?
 */
export function readsModel(model: LossModel, e: Expr): boolean {
  if (reachesPred(e)) return true;
  const r: Reads = { live: false, opaque: false, frozen: [] };
  reads(e, model, tensorParams(model), r, fixedParams(model));
  return r.live;
}

/** A penalty this rule reports: no weight would make it matter, so LL101 leaves it to this rule. */
export const hasNoGradient = (model: LossModel, t: Term): boolean => gradientFree(model, t) !== undefined;

export const checkNoGradient: Check = (ctx) => {
  const fixed = fixedParams(ctx.model);
  return ctx.model.terms.flatMap((t) => {
    const r = gradientFree(ctx.model, t);
    if (!r) return [];
    const frozen = r.frozen[0];
    const builtOnce = Object.keys(ctx.model.outsideValues ?? {});
    const once = [...fixed, ...builtOnce].find((name) => some(t.expr, (n) => n.kind === 'name' && n.name === name));
    const freezer = frozen?.kind === 'attr' ? `.${frozen.name}` : lastSegment(opName(frozen ?? t.expr) ?? '');
    const message = frozen
      ? `Penalty ${termLabel(t)} reads the model only through ${code(frozen.text)}, a frozen copy (${code(freezer)} ` +
        'takes no gradient): the optimiser sees a constant, so the penalty changes the reported loss but never the model. Penalise the live tensor (the layer\'s kernel, the parameter itself).'
      : once
        ? `Penalty ${termLabel(t)} reads ${code(once)}, computed once before training where the loss is built, and never ${code(ctx.model.yPred)}: ` +
          'to the optimiser it is a constant, so the penalty changes the reported loss but never the model. Compute it from the prediction inside the loss.'
        : `Penalty ${termLabel(t)} depends only on ${code(ctx.model.yTrue)} and constants, not on ${code(ctx.model.yPred)}: ` +
          'its gradient is zero, so it changes the reported loss but never the model. Penalise the prediction.';
    return [{ range: frozen?.range ?? t.range, termId: t.id, message, fixes: [] }];
  });
};
