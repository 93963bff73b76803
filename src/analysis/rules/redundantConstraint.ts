// LL109 (information): a penalty for a property the output activation already guarantees (softmax rows sum to one,
// sigmoid outputs lie in (0, 1), relu outputs are non-negative). The penalty is always ~0: it costs compute and
// makes λ look like it matters when it cannot.
import type { LossModel, RecognisedConstraint, Term } from '../ir';
import { activationOfPred, throughActivations } from '../terms/activations';
import { recogniseConstraint } from '../terms/constraints';
import { collect, opName } from './expr';
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

/** The activation the constrained values pass through: one applied to the prediction inside the loss wins over the model's. */
function activationFor(t: Term, modelActivation: string | undefined): { name: string; where: string } | undefined {
  // Activations a loss applies to its input itself (`probs = F.softmax(logits, dim=1)`); relu inside a penalty is a hinge.
  const inside = collect(t.expr, (n) => activationOfPred(n) !== undefined);
  if (inside.length > 0) return { name: opName(inside[0]) ?? '', where: `the ${code(inside[0].text)} inside it` };
  const act = modelActivation?.toLowerCase();
  if (act && Object.hasOwn(GUARANTEES, act)) return { name: act, where: `the model's ${act} output activation` };
  return undefined;
}

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
