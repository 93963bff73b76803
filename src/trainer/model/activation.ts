// The trial model's output activation when the settings say `auto`, inferred from the loss by a rule table, with
// the reason reported to the user. One principle besides the framework's conventions: never pick an activation
// that satisfies the loss's constraint by construction (a softmax always sums to one, a sigmoid always stays in
// [0, 1]), or the penalty could never be seen working.
import type { Expr, LossModel } from '../../analysis/ir';
import { nodesOf } from '../../analysis/terms/expr';
import { isSumOfYPred } from '../../analysis/terms/shapes';
import type { ModelSpec } from '../../protocol/trainer';

export type OutputActivation = Exclude<ModelSpec['outputActivation'], 'auto'>;

export interface ActivationChoice {
  activation: OutputActivation;
  reason: string;
}

interface Facts {
  callees: string[];
  fromLogits: boolean;
  kinds: Set<string>;
  bounds?: { lower?: number; upper?: number };
}

const last = (callee: string) => callee.split('.').pop() ?? callee;
const anyCallee = (f: Facts, re: RegExp) => f.callees.some((c) => re.test(last(c)));

const LOGIT_LOSSES = /^(cross_entropy|binary_cross_entropy_with_logits|softmaxCrossEntropy|sigmoidCrossEntropy|softmax_cross_entropy_with_logits(_v2)?|sigmoid_cross_entropy_with_logits)$/;
const CATEGORICAL = /^(sparse_)?categorical_?cross_?entropy$|^kl_?div(ergence)?$|^nll_loss$/i;
const BINARY = /^binary_?cross_?entropy$|^log_?loss$/i;

/** First matching rule wins: bounds before sum-to-one, as the sigmoid chosen for the latter meets [0, 1] bounds. */
const rules: ReadonlyArray<{ when: (f: Facts) => boolean; activation: OutputActivation; reason: string }> = [
  {
    when: (f) => f.fromLogits || anyCallee(f, LOGIT_LOSSES),
    activation: 'linear',
    reason: 'linear: the loss takes logits',
  },
  {
    when: (f) => f.kinds.has('bounds') || f.kinds.has('non-negativity'),
    activation: 'linear',
    reason: 'linear: a squashing activation would keep the outputs inside the constraint by construction',
  },
  {
    when: (f) => f.kinds.has('sum-to-one'),
    activation: 'sigmoid',
    reason: 'sigmoid: a softmax sums to one by construction, so the sum-to-one penalty could not be seen working',
  },
  { when: (f) => anyCallee(f, CATEGORICAL), activation: 'softmax', reason: 'softmax: categorical cross-entropy on probabilities' },
  { when: (f) => anyCallee(f, BINARY), activation: 'sigmoid', reason: 'sigmoid: binary cross-entropy on probabilities' },
];

export function chooseOutputActivation(loss: LossModel, requested: ModelSpec['outputActivation']): ActivationChoice {
  if (requested !== 'auto') return { activation: requested, reason: `${requested}: set in the settings` };
  const written = loss.outputActivation?.toLowerCase();
  const fixedSum = written === 'softmax' ? penaltyOnOutputSum(loss) : undefined;
  if (fixedSum) {
    return { activation: 'sigmoid', reason: `sigmoid: your model's last layer has a softmax, which fixes the sum of the outputs that the penalty constrains (\`${fixedSum.text}\`, line ${fixedSum.range.startLine + 1}), so the penalty could not be seen working` };
  }
  if (written && (['linear', 'softmax', 'sigmoid', 'relu', 'tanh'] as const).includes(written as OutputActivation)) {
    return { activation: written as OutputActivation, reason: `${written}: as in your model's last layer` };
  }
  const facts = factsOf(loss);
  const rule = rules.find((r) => r.when(facts));
  // the softmax a categorical loss implies fixes the outputs' sum just as a written one does
  const impliedSum = rule?.activation === 'softmax' ? penaltyOnOutputSum(loss) : undefined;
  if (impliedSum) {
    return { activation: 'sigmoid', reason: `sigmoid: a softmax would fix the sum of the outputs that the penalty constrains (\`${impliedSum.text}\`, line ${impliedSum.range.startLine + 1}), so the penalty could not be seen working` };
  }
  return rule ? { activation: rule.activation, reason: rule.reason } : { activation: 'linear', reason: 'linear: a regression loss' };
}

const axisOf = (e: Expr): Expr | undefined => (e.kind === 'call' ? (e.args[1] ?? e.kwargs['axis'] ?? e.kwargs['dim']) : e.kind === 'method' ? (e.args[0] ?? e.kwargs['axis'] ?? e.kwargs['dim']) : undefined);
const lastAxis = (a: Expr | undefined): boolean =>
  a === undefined || (a.kind === 'number' && a.value === 1) || (a.kind === 'unary' && a.op === '-' && a.operand.kind === 'number' && a.operand.value === 1) || (a.kind === 'number' && a.value === -1);

/**
 * A penalty's sum of the prediction over its outputs (`ops.sum(probs, axis=-1)` in `(Σ p − 5)²`, whatever the
 * target): a softmax output makes it 1 whatever the weights, so the penalty's value could not move.
 */
function penaltyOnOutputSum(loss: LossModel): Expr | undefined {
  for (const t of loss.terms) {
    if (t.role !== 'penalty') continue;
    for (const n of nodesOf(t.expr)) if (isSumOfYPred(n) && lastAxis(axisOf(n))) return n;
  }
  return undefined;
}

function factsOf(loss: LossModel): Facts {
  const callees: string[] = [];
  let fromLogits = false;
  const bases = loss.terms.filter((t) => t.role === 'base');
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'call':
      case 'method': {
        callees.push(e.kind === 'call' ? e.callee : e.method);
        const flag = e.kwargs['from_logits'] ?? e.kwargs['fromLogits'];
        if (flag?.kind === 'bool' && flag.value) fromLogits = true;
        if (e.kind === 'method') visit(e.object);
        for (const a of [...e.args, ...Object.values(e.kwargs)]) visit(a);
        break;
      }
      case 'binary':
        visit(e.left);
        visit(e.right);
        break;
      case 'unary':
        visit(e.operand);
        break;
      case 'conditional':
        visit(e.test);
        visit(e.then);
        visit(e.else);
        break;
      case 'attr':
      case 'subscript':
        visit(e.object);
        break;
      case 'tuple':
        e.items.forEach(visit);
        break;
      case 'loop':
        visit(e.iterable);
        visit(e.body);
        break;
      default:
        break;
    }
  };
  for (const t of bases.length ? bases : loss.terms) visit(t.expr);
  return { callees, fromLogits, kinds: new Set(loss.terms.flatMap((t) => (t.constraint ? [t.constraint.kind] : []))) };
}
