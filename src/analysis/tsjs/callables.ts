// Functions a TS/JS loss makes in its own body, whatever their form (`const f = (x) => …`, `const f = function (x)
// {…}`, `function f(x) {…}` nested in the loss, an arrow passed to a helper), followed as the file's helpers are
// (helpers.ts), reading the locals and parameters of where they were written (their closure). A function value is an
// Expr (an 'unsupported' node, which is what it is to anything but a call) registered here with its definition.
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import type { ScriptScope } from './scope';

interface ScriptCallable {
  def: Node;
  closure: ScriptScope;
}

const registry = new WeakMap<Expr, ScriptCallable>();

/** The value standing for a function written at `node`, closing over `closure`. */
export function scriptCallableValue(node: Node, def: Node, closure: ScriptScope): Expr {
  const what = def.type === 'arrow_function' ? 'arrow function' : 'function expression';
  const e: Expr = { kind: 'unsupported', what, range: rangeOf(node), text: clipExprText(node.text) };
  registry.set(e, { def, closure });
  return e;
}

export const scriptCallableOf = (e: Expr | undefined): ScriptCallable | undefined => (e ? registry.get(e) : undefined);
