// LL113 (information): an op that trial training cannot interpret. The loss itself may be fine; "Train with
// constraint" will stop at this op, so the user learns it before starting a trial. The op names come from the
// interpreter's own table (supportedCallees), so the rule and the trainer cannot disagree.
import { evaluatedChildren, supportedCallees, supportedMethods } from '../../trainer/interpreter/index';
import { liveChildrenFor } from '../../trainer/interpreter/staticBranch';
import { withModelCallsAsPrediction } from '../../trainer/modelCall';
import { chooseLoss } from '../choose';
import type { Expr, FileAnalysis, Framework, LossModel } from '../ir';
import { code } from './format';
import type { Check, Report } from './types';

interface Supported {
  calls: ReadonlySet<string>;
  methods: ReadonlySet<string>;
}

/** The op a node calls when the interpreter's tables do not have it (`.sum()` style for methods). */
function unsupportedName(n: Expr, supported: Supported): string | undefined {
  // a call of the file's own loss class runs its forward (ir.ts `forward`), whose ops are visited instead
  if (n.kind === 'call') return n.forward || supported.calls.has(n.callee) ? undefined : n.callee;
  // a model argument called on something the trainer cannot give it (the calls on the loss's input are rewritten)
  if (n.kind === 'method' && n.method === '__call__' && n.object.kind === 'name') return `${n.object.name}(…)`;
  if (n.kind === 'method') return supported.methods.has(n.method) ? undefined : `.${n.method}()`;
  // a helper that returns nothing is LL114's (the loss is broken, not the trainer short of an op)
  if (n.kind === 'unsupported') return n.returnsNothing ? undefined : n.what;
  return undefined;
}

/** The interpreter builds each framework's sets once. */
const supportedFor = (framework: Framework): Supported => ({ calls: supportedCallees(framework), methods: supportedMethods(framework) });

/** The loss "Train with constraint" trains when nothing names another (choose.ts), once per analysis. */
const trained = new WeakMap<FileAnalysis, LossModel | undefined>();
function trainedLoss(analysis: FileAnalysis): LossModel | undefined {
  if (!trained.has(analysis)) {
    const chosen = chooseLoss(analysis);
    trained.set(analysis, chosen.ok ? chosen.model : undefined);
  }
  return trained.get(analysis);
}

export const checkUnsupportedOp: Check = (ctx) => {
  // only the loss a trial trains: another loss of the file (a second phase's objective, a metric, a helper that is
  // inlined where it is used) never reaches the trainer unless it is picked, and is checked then
  if (trainedLoss(ctx.analysis) !== ctx.model) return [];
  const supported = supportedFor(ctx.model.framework);
  const out: Report[] = [];
  const seen = new Set<string>();
  // the loss as the trainer runs it: `model(x)` on the loss's input is the trial model's prediction (trainer/modelCall.ts),
  // and of a branch its settings decide, only the one taken (staticBranch.ts)
  const live = liveChildrenFor(ctx.model);
  const visit = (n: Expr): void => {
    for (const c of live(n, evaluatedChildren)) visit(c);
    const op = unsupportedName(n, supported);
    if (!op || seen.has(op)) return;
    seen.add(op);
    out.push({
      range: n.range,
      message:
        `Trial training does not support ${code(op)} (in ${code(n.text.length > 60 ? `${n.text.slice(0, 57)}…` : n.text)}): ` +
        '"Train with constraint" will stop here. The loss itself may be fine; rewrite this piece with supported ops to try it.',
      fixes: [],
    });
  };
  visit(withModelCallsAsPrediction(ctx.model).body);
  return out;
};
