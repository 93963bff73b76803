// A criterion a class builds in a setup method rather than in `__init__` (`def _build_loss_function(self): …
// self.criterion_regul = WeightNormPenalty(self.lambda_regul)`), then calls in its loss method
// (`self.criterion_regul(self.model)`): the object that method leaves on `self`, when it builds exactly one.
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { applyInstance, convertExpr } from './expr';
import type { Scope } from './scope';

/** A loss-like class by its name (`WeightNormPenalty`, `nn.BCEWithLogitsLoss`): never a model or an optimizer. */
const lossLikeClass = /(Loss|Penalty|Criterion|Regulari[sz]er|Divergence)$/;

/** `self.<attr> = <value>` statements of a method, however deeply nested in its branches. */
export function selfAssignments(method: Node): { attr: string; value: Node }[] {
  const out: { attr: string; value: Node }[] = [];
  for (const a of method.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const value = a?.childForFieldName('right');
    const attr = left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self' ? left.childForFieldName('attribute')?.text : undefined;
    if (attr && value) out.push({ attr, value });
  }
  return out;
}

/** The value `self.<attr> = …` gives in a branch's block, written directly in it. */
function assignedIn(block: Node | null | undefined, attr: string): Node | undefined {
  for (const st of block?.namedChildren ?? []) {
    const a = st?.type === 'expression_statement' ? st.namedChild(0) : undefined;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
    if (left?.type === 'attribute' && left.text === `self.${attr}`) return a?.childForFieldName('right') ?? undefined;
  }
  return undefined;
}

/** The if statement a value's assignment is a branch of (`if …:`, `elif …:`, `else:`). */
function branchingIf(value: Node): Node | undefined {
  const block = value.parent?.parent?.parent;
  const clause = block?.parent;
  if (clause?.type === 'if_statement') return clause;
  return clause?.type === 'elif_clause' || clause?.type === 'else_clause' ? (clause.parent ?? undefined) : undefined;
}

/**
 * `if self.regression: self.loss = nn.MSELoss() elif …: self.loss = nn.BCEWithLogitsLoss() else: self.loss = …`: the
 * choice between the objects, as a conditional of their constructor calls (every branch, an `else` included, sets
 * one). Undefined for any other shape.
 */
function chosenObject(ifNode: Node, attr: string, scope: Scope): Expr | undefined {
  const branches: { test?: Node; block: Node | null }[] = [{ test: ifNode.childForFieldName('condition') ?? undefined, block: ifNode.childForFieldName('consequence') }];
  for (const alt of ifNode.childrenForFieldName('alternative')) {
    if (alt?.type === 'elif_clause') branches.push({ test: alt.childForFieldName('condition') ?? undefined, block: alt.childForFieldName('consequence') });
    else if (alt?.type === 'else_clause') branches.push({ block: alt.childForFieldName('body') });
  }
  const last = branches.pop();
  const leaf = (block: Node | null | undefined): Expr | undefined => {
    const value = assignedIn(block, attr);
    const built = value?.type === 'call' ? convertExpr(value, scope) : undefined;
    return built?.kind === 'call' && lossLikeClass.test(built.callee) ? built : undefined;
  };
  let out = last && !last.test ? leaf(last.block) : undefined;
  for (const b of branches.reverse()) {
    const then = leaf(b.block);
    if (!out || !then || !b.test) return undefined;
    out = { kind: 'conditional', test: convertExpr(b.test, scope), then, else: out, range: rangeOf(ifNode), text: clipExprText(ifNode.text) };
  }
  return out;
}

/**
 * The criteria the class's other methods build, by attribute: an attribute set to one loss-like constructor call
 * (besides `None`) across those methods, or to one per branch of an if/elif/else (a conditional of the calls, which
 * a call of the attribute reads as the same choice: chosenInstanceCall).
 */
export function setupInstances(methods: Iterable<Node>, scope: Scope): Map<string, Expr> {
  const seen = new Map<string, Node[]>();
  for (const m of methods) {
    for (const { attr, value } of selfAssignments(m)) {
      if (value.type === 'none') continue;
      seen.set(attr, [...(seen.get(attr) ?? []), value]);
    }
  }
  const out = new Map<string, Expr>();
  const asWritten: Scope = { ...scope, locals: new Map(), refs: new Map() };
  for (const [attr, values] of seen) {
    const only = values.length === 1 && values[0]?.type === 'call' ? convertExpr(values[0], asWritten) : undefined;
    if (only?.kind === 'call' && lossLikeClass.test(only.callee)) out.set(attr, only);
    const ifNode = values.length > 1 && values[0] ? branchingIf(values[0]) : undefined;
    const chosen = ifNode && values.every((v) => branchingIf(v)?.equals(ifNode)) ? chosenObject(ifNode, attr, asWritten) : undefined;
    if (chosen) out.set(attr, chosen);
  }
  return out;
}

/** `self.loss(p, y)` of an attribute holding a choice of objects (setupInstances): the same choice of their calls. */
export function chosenInstanceCall(node: Node, held: Expr | undefined, applied: { args: Expr[]; kwargs: Record<string, Expr> }): Expr | undefined {
  if (held?.kind === 'call') return applyInstance(node, held, applied);
  if (held?.kind !== 'conditional') return undefined;
  const then = chosenInstanceCall(node, held.then, applied);
  const otherwise = then ? chosenInstanceCall(node, held.else, applied) : undefined;
  return then && otherwise ? { kind: 'conditional', test: held.test, then, else: otherwise, range: rangeOf(node), text: clipExprText(node.text) } : undefined;
}
