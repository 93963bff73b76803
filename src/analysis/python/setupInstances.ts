// A criterion a class builds in a setup method rather than in `__init__` (`def _build_loss_function(self): …
// self.criterion_regul = WeightNormPenalty(self.lambda_regul)`), then calls in its loss method
// (`self.criterion_regul(self.model)`): the object that method leaves on `self`, when it builds exactly one.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { convertExpr } from './expr';
import type { Scope } from './scope';

type Call = Extract<Expr, { kind: 'call' }>;

/** A loss-like class by its name (`WeightNormPenalty`, `nn.BCEWithLogitsLoss`): never a model or an optimizer. */
const lossLikeClass = /(Loss|Penalty|Criterion|Regulari[sz]er|Divergence)$/;

/** `self.<attr> = <value>` statements of a method, however deeply nested in its branches. */
function selfAssignments(method: Node): { attr: string; value: Node }[] {
  const out: { attr: string; value: Node }[] = [];
  for (const a of method.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const value = a?.childForFieldName('right');
    const attr = left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self' ? left.childForFieldName('attribute')?.text : undefined;
    if (attr && value) out.push({ attr, value });
  }
  return out;
}

/**
 * The criteria the class's other methods build, by attribute: an attribute set to one loss-like constructor call
 * (besides `None`) across those methods. One set to several (`self.loss = nn.MSELoss()` in one branch,
 * `nn.BCEWithLogitsLoss()` in another) is left out: which one runs is the caller's choice, not read here.
 */
export function setupInstances(methods: Iterable<Node>, scope: Scope): Map<string, Call> {
  const seen = new Map<string, Node[]>();
  for (const m of methods) {
    for (const { attr, value } of selfAssignments(m)) {
      if (value.type === 'none') continue;
      seen.set(attr, [...(seen.get(attr) ?? []), value]);
    }
  }
  const out = new Map<string, Call>();
  const asWritten: Scope = { ...scope, locals: new Map(), refs: new Map() };
  for (const [attr, values] of seen) {
    const only = values.length === 1 && values[0]?.type === 'call' ? convertExpr(values[0], asWritten) : undefined;
    if (only?.kind === 'call' && lossLikeClass.test(only.callee)) out.set(attr, only);
  }
  return out;
}
