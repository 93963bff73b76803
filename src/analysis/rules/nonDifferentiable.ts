// LL106: a penalty whose every path to y_pred goes through an op with no useful gradient (round, sign, argmax,
// comparisons, integer/bool casts, stop_gradient, detach). A mask times a residual keeps a gradient and is fine.
import type { Expr, LossModel } from '../ir';
import { some } from '../terms/expr';
import { argument, type CallExpr, children, type MethodExpr, opName } from './expr';
import { code, termLabel } from './format';
import { hasNoGradient } from './noGradient';
import type { Check, Report } from './types';

/** Ops whose output has a zero (or no) gradient, with the reason shown to the user. */
const NON_DIFFERENTIABLE: Record<string, string> = {
  round: 'is piecewise constant (zero gradient)',
  rint: 'is piecewise constant (zero gradient)',
  floor: 'is piecewise constant (zero gradient)',
  ceil: 'is piecewise constant (zero gradient)',
  trunc: 'is piecewise constant (zero gradient)',
  sign: 'is piecewise constant (zero gradient)',
  argmax: 'returns indices, which carry no gradient',
  argMax: 'returns indices, which carry no gradient',
  argmin: 'returns indices, which carry no gradient',
  argMin: 'returns indices, which carry no gradient',
  equal: 'is a comparison (boolean, no gradient)',
  not_equal: 'is a comparison (boolean, no gradient)',
  notEqual: 'is a comparison (boolean, no gradient)',
  greater: 'is a comparison (boolean, no gradient)',
  greater_equal: 'is a comparison (boolean, no gradient)',
  greaterEqual: 'is a comparison (boolean, no gradient)',
  less: 'is a comparison (boolean, no gradient)',
  less_equal: 'is a comparison (boolean, no gradient)',
  lessEqual: 'is a comparison (boolean, no gradient)',
  eq: 'is a comparison (boolean, no gradient)',
  ne: 'is a comparison (boolean, no gradient)',
  gt: 'is a comparison (boolean, no gradient)',
  ge: 'is a comparison (boolean, no gradient)',
  lt: 'is a comparison (boolean, no gradient)',
  le: 'is a comparison (boolean, no gradient)',
  stop_gradient: 'blocks the gradient',
  detach: 'detaches the tensor from the graph',
  numpy: 'leaves the graph',
  // values read out of the graph as plain numbers or arrays: PyTorch's `.item()`/`.tolist()`, TF.js's
  // `dataSync()[0]`, `arraySync()`, `await t.data()`; what is computed from them is a constant to the optimiser
  item: 'converts the tensor to a plain number (it leaves the graph)',
  tolist: 'converts the tensor to a plain list (it leaves the graph)',
  dataSync: 'reads the values out as a plain array (it leaves the graph)',
  arraySync: 'reads the values out as a plain array (it leaves the graph)',
  bufferSync: 'reads the values out as a plain buffer (it leaves the graph)',
  data: 'reads the values out as a plain array (it leaves the graph)',
  int: 'casts to an integer type (no gradient)',
  long: 'casts to an integer type (no gradient)',
  bool: 'casts to bool (no gradient)',
};
const CASTS = new Set(['cast', 'to', 'type', 'astype']);
const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);
/** Ops whose first argument is a condition: a comparison there selects, it does not cut the gradient. */
const SELECTS = new Set(['where', 'select', 'masked_fill', 'maskedFill']);

/** Why this node has no gradient, or undefined when it is differentiable. */
function blocker(e: Expr): string | undefined {
  if (e.kind === 'binary' && COMPARISONS.has(e.op)) return 'is a comparison (boolean, no gradient)';
  const op = opName(e);
  if (!op) return undefined;
  if (CASTS.has(op)) {
    const call = e as CallExpr | MethodExpr;
    const dtype = argument(call, ['dtype'], 1);
    if (dtype && /int|bool|long/i.test(dtype.text)) return 'casts to an integer or bool type (no gradient)';
    return undefined;
  }
  return Object.hasOwn(NON_DIFFERENTIABLE, op) ? NON_DIFFERENTIABLE[op] : undefined;
}

/** Children through which a gradient can flow (the condition of a select carries none). */
function gradientChildren(e: Expr): Expr[] {
  if (e.kind === 'conditional') return [e.then, e.else];
  const op = opName(e);
  if (op && SELECTS.has(op) && e.kind === 'call') return e.args.slice(1);
  return children(e);
}

/**
 * Does `e` reach y_pred, or another output of the model (`logits` of `logits, rot_logits = model(x)`: LossParam
 * modelOutput), along a differentiable path? Collects the ops that cut the paths to y_pred.
 */
function differentiable(e: Expr, cut: Expr[], outputs: ReadonlySet<string>, model: ReadonlySet<string> = NONE): boolean {
  if (e.kind === 'name') return e.ref === 'yPred' || outputs.has(e.name) || model.has(e.name);
  if (blocker(e)) {
    if (reachesPred(e, model)) cut.push(e);
    return false;
  }
  let any = false;
  for (const c of gradientChildren(e)) if (differentiable(c, cut, outputs, model)) any = true;
  return any;
}

const NONE: ReadonlySet<string> = new Set();

/** The first of `names` that `e` reads. */
function tensorIn(e: Expr, names: ReadonlySet<string>): string | undefined {
  if (e.kind === 'name') return names.has(e.name) ? e.name : undefined;
  for (const c of children(e)) {
    const found = tensorIn(c, names);
    if (found) return found;
  }
  return undefined;
}

/** Does `e` read the prediction, or one of `model` (tensors of the model the loss is handed)? */
function reachesPred(e: Expr, model: ReadonlySet<string> = NONE): boolean {
  if (e.kind === 'name') return e.ref === 'yPred' || (e.ref === 'param' && model.has(e.name));
  return children(e).some((c) => reachesPred(c, model));
}

/** Tensor arguments that are data handed to the loss (a mask, a group column, the inputs), not the model's own. */
const DATA_TENSORS = /^(?:masks?|groups?|sensitive\w*|protected|sample_weights?|instance_weights|x|xs|x_batch|inputs?|images|t|x_coords)$/i;

/**
 * The model's own tensors the loss is handed beside the prediction (`coords = layer.output` in a layer's add_loss,
 * `mu`, `encoded`): a penalty that reads only those is judged along its paths to them.
 */
const modelTensors = (params: LossModel['params']): Set<string> =>
  new Set(params.filter((p) => p.role === 'tensor' && !p.fixedBeforeTraining && !DATA_TENSORS.test(p.name)).map((p) => p.name));

/** Python's builtins and the loss's own helpers are not models; what else is called by a plain name may be one. */
const NOT_MODELS = new Set(['abs', 'min', 'max', 'sum', 'len', 'float', 'int', 'range', 'zip', 'enumerate', 'pow', 'round', 'list', 'tuple']);

/**
 * `C(fake.detach(), cond)`, `self.critic(mix)`: a network of the user's, called in the penalty. A gradient penalty
 * on a critic reads the generator's output detached on purpose: its gradient is with respect to the critic's weights.
 */
const callsNetwork = (e: Expr): boolean =>
  some(e, (n) =>
    n.kind === 'call'
      ? /^[A-Za-z_]\w*$/.test(n.callee) && !NOT_MODELS.has(n.callee) && n.args.some((a) => reachesPred(a))
      : n.kind === 'method' && n.object.kind === 'name' && (n.object.name === 'self' || n.method === '__call__') && n.args.some((a) => reachesPred(a)),
  );

export const checkNonDifferentiable: Check = (ctx) => {
  const out: Report[] = [];
  // a penalty comparing another output with the prediction detached (`kl(logsigmoid(logits), rot.detach().sigmoid())`,
  // a consistency target) learns through that output
  const outputs = new Set(ctx.model.params.filter((p) => p.modelOutput !== undefined && p.role !== 'yPred').map((p) => p.name));
  const tensors = modelTensors(ctx.model.params);
  for (const t of ctx.model.terms) {
    // a penalty that never reads the prediction is judged along its paths to the model's other tensors
    const model = reachesPred(t.expr) ? NONE : tensors;
    if (t.role !== 'penalty' || !reachesPred(t.expr, model) || callsNetwork(t.expr)) continue;
    // a frozen copy of those (`latent.detach()`) is LL105's: one finding, said once
    if (model !== NONE && hasNoGradient(ctx.model, t)) continue;
    const cut: Expr[] = [];
    if (differentiable(t.expr, cut, outputs, model) || cut.length === 0) continue;
    const first = cut[0];
    out.push({
      range: first.range,
      termId: t.id,
      message:
        `Penalty ${termLabel(t)} reaches ${code(model === NONE ? ctx.model.yPred : (tensorIn(first, model) ?? ctx.model.yPred))} only through ${code(first.text)}, which ${blocker(first)}: ` +
        'the penalty has no gradient and the constraint is never learned. Use a smooth surrogate (e.g. a squared hinge).',
      fixes: [],
    });
  }
  return out;
};
