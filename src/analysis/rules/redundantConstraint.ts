// LL109 (information): a penalty for a property the output activation already guarantees (softmax rows sum to one,
// sigmoid outputs lie in (0, 1), relu outputs are non-negative). The penalty is always ~0: it costs compute and
// makes λ look like it matters when it cannot.
import type { Expr, LossModel, RecognisedConstraint, Term } from '../ir';
import { recogniseConstraint } from '../terms/constraints';
import { type CallExpr, type MethodExpr, collect, opName, operand } from './expr';
import { code, termLabel } from './format';
import type { Check, Report } from './types';

type Implies = (c: RecognisedConstraint) => boolean;

const within = (c: RecognisedConstraint, lo: number, hi: number): boolean =>
  c.kind === 'bounds' && (c.params.lower ?? Number.NEGATIVE_INFINITY) <= lo && (c.params.upper ?? Number.POSITIVE_INFINITY) >= hi;

/** What each activation guarantees about its outputs. */
const GUARANTEES: Record<string, { says: string; implies: Implies }> = {
  softmax: {
    says: 'rows that are non-negative and sum to one',
    implies: (c) => (c.kind === 'sum-to-one' && (c.params.target ?? 1) === 1) || c.kind === 'non-negativity' || within(c, 0, 1),
  },
  sigmoid: { says: 'values in (0, 1)', implies: (c) => c.kind === 'non-negativity' || within(c, 0, 1) },
  relu: { says: 'non-negative values', implies: (c) => c.kind === 'non-negativity' || within(c, 0, Number.POSITIVE_INFINITY) },
  softplus: { says: 'non-negative values', implies: (c) => c.kind === 'non-negativity' || within(c, 0, Number.POSITIVE_INFINITY) },
  tanh: { says: 'values in (-1, 1)', implies: (c) => within(c, -1, 1) },
};

const isPred = (e: Expr | undefined): boolean => e?.kind === 'name' && e.ref === 'yPred';

/** Activations a loss applies to its input itself (`probs = F.softmax(logits, dim=1)`); relu inside a penalty is a hinge. */
const INSIDE = new Set(['softmax', 'sigmoid', 'tanh']);

/** The activation the constrained values pass through: one applied to the prediction inside the loss wins over the model's. */
function activationFor(t: Term, modelActivation: string | undefined): { name: string; where: string } | undefined {
  const inside = collect(t.expr, (n) => INSIDE.has(opName(n) ?? '') && isPred(operand(n as CallExpr | MethodExpr)));
  if (inside.length > 0) return { name: opName(inside[0]) ?? '', where: `the ${code(inside[0].text)} inside it` };
  const act = modelActivation?.toLowerCase();
  if (act && Object.hasOwn(GUARANTEES, act)) return { name: act, where: `the model's ${act} output activation` };
  return undefined;
}

/** The expression with `softmax(y_pred)` (and the other activations) read as `y_pred` itself. */
function throughActivations(e: Expr): Expr {
  const op = opName(e);
  if (op && INSIDE.has(op) && isPred(operand(e as CallExpr | MethodExpr))) {
    return operand(e as CallExpr | MethodExpr) as Expr;
  }
  const clone = { ...e } as Record<string, unknown>;
  for (const [k, v] of Object.entries(clone)) {
    if (k === 'range') continue;
    if (Array.isArray(v)) clone[k] = v.map((x) => (isExpr(x) ? throughActivations(x) : x));
    else if (isExpr(v)) clone[k] = throughActivations(v);
    else if (k === 'kwargs' && v && typeof v === 'object')
      clone[k] = Object.fromEntries(Object.entries(v).map(([n, x]) => [n, throughActivations(x as Expr)]));
  }
  return clone as unknown as Expr;
}
const isExpr = (x: unknown): x is Expr => !!x && typeof x === 'object' && 'kind' in x && 'range' in x;

/** The constraint as the front end recognised it, else as seen through an activation applied inside the loss. */
function constraintOf(t: Term, model: LossModel): RecognisedConstraint | undefined {
  if (t.constraint) return t.constraint;
  const defaults: Record<string, number> = {};
  for (const p of model.params) if (typeof p.default === 'number') defaults[p.name] = p.default;
  return recogniseConstraint(throughActivations(t.expr), defaults);
}

export const checkRedundantConstraint: Check = (ctx) => {
  const out: Report[] = [];
  for (const t of ctx.model.terms) {
    if (t.role !== 'penalty') continue;
    const constraint = constraintOf(t, ctx.model);
    const act = constraint && activationFor(t, ctx.model.outputActivation);
    if (!constraint || !act || !GUARANTEES[act.name].implies(constraint)) continue;
    out.push({
      range: t.range,
      termId: t.id,
      message:
        `Penalty ${termLabel(t)} (${constraint.kind}) is redundant: ${act.where} already gives ${GUARANTEES[act.name].says}, ` +
        'so the penalty is always about zero and λ has no effect. Remove it, or constrain something the activation does not.',
      fixes: [],
    });
  }
  return out;
};
