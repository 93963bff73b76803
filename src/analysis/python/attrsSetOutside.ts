// An attribute a loss class leaves empty in `__init__` (`self.params = None`) and the training code fills on the
// instance it built (`criterion = PenaltyLoss()` … `criterion.params = list(net.parameters())`): while the loss
// runs, the attribute holds what that code assigned. Read from the file's assignments, never by running anything.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { convertExpr } from './expr';
import type { Scope } from './scope';

/** Wrappers that copy an iterable without changing its items (`list(net.parameters())`). */
const COPIES = new Set(['list', 'tuple']);

/** The names the file binds to an instance of `className` (`criterion = PenaltyLoss(...)`). */
function instanceNames(assignments: Node[], className: string): Set<string> {
  const out = new Set<string>();
  for (const a of assignments) {
    const left = a.childForFieldName('left');
    const fn = a.childForFieldName('right')?.childForFieldName('function');
    const callee = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    if (left?.type === 'identifier' && callee === className) out.add(left.text);
  }
  return out;
}

/**
 * What the file assigns to `<instance>.<attr>` for an instance of the class, when exactly one value is assigned
 * (one copy wrapper taken off): the value the loss reads as `self.<attr>`. Undefined when none or several.
 */
export function attrSetOutside(classNode: Node, attr: string, scope: Scope): Expr | undefined {
  const className = classNode.childForFieldName('name')?.text;
  if (!className) return undefined;
  const assignments = classNode.tree.rootNode.descendantsOfType('assignment').filter((a): a is Node => !!a);
  const instances = instanceNames(assignments, className);
  const values = assignments.filter((a) => {
    const left = a.childForFieldName('left');
    const obj = left?.type === 'attribute' ? left.childForFieldName('object') : undefined;
    return obj?.type === 'identifier' && instances.has(obj.text) && left?.childForFieldName('attribute')?.text === attr;
  });
  const right = values.length === 1 ? values[0]?.childForFieldName('right') : undefined;
  if (!right) return undefined;
  const outside: Scope = { ...scope, locals: new Map(), refs: new Map(), instances: new Map() };
  const value = convertExpr(right, outside);
  return value.kind === 'call' && COPIES.has(value.callee) && value.args.length === 1 && value.args[0] ? value.args[0] : value;
}
