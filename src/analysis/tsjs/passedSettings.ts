// A loss inline in a TS/JS function that is handed its settings object (`async function optimizeChannel(layer,
// channel, settings) { … tf.variableGrads(() => … l2Penalty(x).mul(settings.l2Weight) …) }`), the file calling that
// function with a module-level object of literals every time (`optimizeChannel('mixed3', 42, DEFAULT_SETTINGS)`):
// inside, the parameter IS that object, so `settings.l2Weight` reads the constant `DEFAULT_SETTINGS.l2Weight` (its
// value and the place λ write-back edits), as Python's training functions do (python/enclosingCalls.ts).
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');

/** The top-level function declaration `node` is inside, if any. */
function topFunction(node: Node): Node | undefined {
  let found: Node | undefined;
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_declaration' && (p.parent?.type === 'program' || p.parent?.type === 'export_statement')) found = p;
  return found;
}

/** The parameter names of a function, in order (`settings`, `opts = {}` as `opts`). */
function paramNames(fn: Node): (string | undefined)[] {
  return named(fn.childForFieldName('parameters')).map((p) => {
    const id = p.type === 'identifier' ? p : (p.childForFieldName('pattern') ?? p.childForFieldName('left'));
    return id?.type === 'identifier' ? id.text : undefined;
  });
}

/** True when `fn` reads `param` only as `param.key` (never calls it, passes it on, or changes it). */
function readAsSettings(fn: Node, param: string): boolean {
  const uses = (fn.childForFieldName('body')?.descendantsOfType('identifier') ?? []).filter((id): id is Node => id?.text === param);
  return uses.length > 0 && uses.every((id) => {
    const parent = id.parent;
    if (parent?.type !== 'member_expression' || parent.childForFieldName('object')?.id !== id.id) return false;
    const use = parent.parent;
    return !(use?.type === 'call_expression' && use.childForFieldName('function')?.id === parent.id) && !(use?.type === 'assignment_expression' && use.childForFieldName('left')?.id === parent.id);
  });
}

/**
 * The enclosing function's parameters every call of it in the file passes the same module object of literals (one
 * with constants `NAME.key` in `constants`), each as the local the loss reads in its place: that object's name.
 */
export function passedSettingsObjects(lossNode: Node, constants: Readonly<Record<string, number>>): Map<string, Expr> {
  const out = new Map<string, Expr>();
  const fn = topFunction(lossNode);
  const name = fn?.childForFieldName('name')?.text;
  if (!fn || !name) return out;
  let root: Node = fn;
  while (root.parent) root = root.parent;
  const calls = root.descendantsOfType('call_expression').filter((c): c is Node => !!c && c.childForFieldName('function')?.text === name && !(c.startIndex >= fn.startIndex && c.endIndex <= fn.endIndex));
  if (calls.length === 0) return out;
  paramNames(fn).forEach((param, i) => {
    if (!param) return;
    const args = calls.map((c) => named(c.childForFieldName('arguments'))[i]);
    const first = args[0];
    const isObject = first?.type === 'identifier' && Object.keys(constants).some((k) => k.startsWith(`${first.text}.`));
    if (!first || !isObject || args.some((a) => a?.text !== first.text) || first.text === param || !readAsSettings(fn, param)) return;
    out.set(param, { kind: 'name', name: first.text, ref: 'global', range: rangeOf(first), text: first.text });
  });
  return out;
}
