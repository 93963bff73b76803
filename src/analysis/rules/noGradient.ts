// LL105: a penalty that depends only on y_true, hyper-parameters and constants. Its gradient with respect to
// the model is zero: it shifts the loss value, training never sees it.
import type { Expr, LossModel } from '../ir';
import { walk } from './expr';
import { code, termLabel } from './format';
import type { Check } from './types';

/** Namespaces whose calls are pure tensor math (anything else might read the model's weights). */
const MATH_NAMESPACES = new Set(['tf', 'K', 'keras', 'torch', 'F', 'np', 'math', 'Math', 'nn']);
const MATH_BUILTINS = new Set(['abs', 'sum', 'min', 'max', 'pow', 'float', 'len', 'round']);

/** True when the expression reads something whose dependence on the model we cannot see (a weight, a helper). */
function opaque(e: Expr, model: LossModel): boolean {
  let found = false;
  walk(e, (n) => {
    if (n.kind === 'unsupported') found = true;
    else if (n.kind === 'name' && n.ref === 'global') found = true;
    else if (n.kind === 'attr' && n.object.kind === 'name' && n.object.ref === 'module') {
      if (!model.params.some((p) => p.name === `self.${n.name}`)) found = true;
    } else if (n.kind === 'call') {
      const ns = n.callee.split('.')[0];
      if (n.callee.includes('.') ? !MATH_NAMESPACES.has(ns) : !MATH_BUILTINS.has(n.callee)) found = true;
    }
  });
  return found;
}

/** Reads the prediction, or the model's parameters (`sum(… for p in model.parameters())`): either has a gradient. */
function readsPrediction(e: Expr): boolean {
  let found = false;
  walk(e, (n) => {
    if ((n.kind === 'name' && n.ref === 'yPred') || n.kind === 'overWeights') found = true;
  });
  return found;
}

export const checkNoGradient: Check = (ctx) =>
  ctx.model.terms
    .filter((t) => t.role === 'penalty' && !readsPrediction(t.expr) && !opaque(t.expr, ctx.model))
    .map((t) => ({
      range: t.range,
      termId: t.id,
      message:
        `Penalty ${termLabel(t)} depends only on ${code(ctx.model.yTrue)} and constants, not on ${code(ctx.model.yPred)}: ` +
        'its gradient is zero, so it changes the reported loss but never the model. Penalise the prediction.',
      fixes: [],
    }));
