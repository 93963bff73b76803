// Plain JS arrays around TF.js tensors, as losses build masks, ramps and labels with them: `arr.map((v, i) => …)`
// and `Array.from({ length: n }, (_, i) => …)` are loops (ir.ts `loop`) whose value is the list of the body's values,
// `arr.reduce((acc, v) => …, init)` a fold, and `new Array(n)` the call `Array(n)`. The trainer evaluates them on
// numbers (ops/jsArrays.ts); a tensor read back as numbers (`dataSync()`) carries no gradient, as in TF.js.
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { Expr, NameRef } from '../ir';
import { rangeOf } from '../parsing/range';
import { readScriptBody } from './body';
import { convertScript } from './expr';
import type { ScriptScope } from './scope';

const functionLike: ReadonlySet<string> = new Set(['arrow_function', 'function_expression']);

const at = (node: Node): { range: Expr['range']; text: string } => ({ range: rangeOf(node), text: clipExprText(node.text) });

/** The names an arrow's parameters bind, or undefined when one is not a plain name (a destructuring, a default). */
function paramNames(fn: Node): string[] | undefined {
  const single = fn.childForFieldName('parameter');
  if (single) return single.type === 'identifier' ? [single.text] : undefined;
  const params = (fn.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => !!p && p.type !== 'comment');
  const names = params.map((p) => (p.type === 'identifier' ? p.text : p.type === 'required_parameter' ? p.childForFieldName('pattern')?.text : undefined));
  return names.every((n): n is string => !!n && /^[A-Za-z_$][\w$]*$/.test(n)) ? names : undefined;
}

/** An arrow's body read with its parameters as loop variables (ref 'loop'), shadowing the loss's names. */
function callbackBody(fn: Node, names: readonly string[], scope: ScriptScope): Expr | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const refs = new Map<string, NameRef>(scope.refs);
  const locals = new Map(scope.locals);
  for (const n of names) {
    refs.set(n, 'loop');
    locals.delete(n);
  }
  const inner: ScriptScope = { ...scope, refs, locals };
  return body.type === 'statement_block' ? readScriptBody(body, inner)?.value : convertScript(body, inner);
}

/** `items.map((v, i) => body)`: a loop over the items (with their indices when the arrow takes two names). */
function mapLoop(node: Node, items: Expr, fn: Node, scope: ScriptScope): Expr | undefined {
  const names = paramNames(fn);
  if (!names || names.length > 2) return undefined;
  const body = callbackBody(fn, names, scope);
  if (!body) return undefined;
  if (names.length < 2) return { kind: 'loop', variables: names.length === 1 ? names : ['_'], iterable: items, body, ...at(node) };
  const entries: Expr = { kind: 'method', object: items, method: 'entries', args: [], kwargs: {}, ...at(node) };
  return { kind: 'loop', variables: [names[1]!, names[0]!], iterable: entries, body, ...at(node) };
}

/** `items.reduce((acc, v) => body, init)`: a fold from `init` (without one, JS starts from the first item: not read). */
function reduceLoop(node: Node, items: Expr, fn: Node, init: Node | undefined, scope: ScriptScope): Expr | undefined {
  const names = paramNames(fn);
  if (names?.length !== 2 || !init) return undefined;
  const body = callbackBody(fn, names, scope);
  if (!body) return undefined;
  return { kind: 'loop', variables: [names[1]!], iterable: items, accumulator: names[0]!, init: convertScript(init, scope), body, ...at(node) };
}

/** `{ length: n }`: the array-like `Array.from` counts to n. */
function lengthOf(obj: Node | undefined, scope: ScriptScope): Expr | undefined {
  if (obj?.type !== 'object') return undefined;
  const pair = obj.namedChildren.find((p) => p?.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === 'length');
  const value = pair?.childForFieldName('value');
  return value ? convertScript(value, scope) : undefined;
}

/** `Array.from(src)`, `Array.from({ length: n })`, either with a mapping arrow. */
function arrayFrom(node: Node, args: Node[], scope: ScriptScope): Expr | undefined {
  const [src, fn] = args;
  if (!src) return undefined;
  const n = lengthOf(src, scope);
  const items: Expr = n
    ? { kind: 'call', callee: 'Array', args: [n], kwargs: {}, ...at(src) }
    : { kind: 'call', callee: 'Array.from', args: [convertScript(src, scope)], kwargs: {}, ...at(src) };
  if (!fn) return items;
  return functionLike.has(fn.type) ? mapLoop(node, items, fn, scope) : undefined;
}

/**
 * The array constructs of a call, or undefined when it is none of them (or one the reader cannot model, which
 * then converts as any other call and is reported by name).
 */
export function convertArrayCall(node: Node, fn: Node, args: Node[], scope: ScriptScope): Expr | undefined {
  if (fn.type !== 'member_expression') return undefined;
  const obj = fn.childForFieldName('object');
  const method = fn.childForFieldName('property')?.text;
  if (!obj) return undefined;
  if (obj.text === 'Array' && method === 'from' && !scope.locals.has('Array')) return arrayFrom(node, args, scope);
  const callback = args[0];
  if (!callback || !functionLike.has(callback.type)) return undefined;
  if (method === 'map') return mapLoop(node, convertScript(obj, scope), callback, scope);
  if (method === 'reduce') return reduceLoop(node, convertScript(obj, scope), callback, args[1], scope);
  return undefined;
}

/** `new Array(n)` / `new Array(a, b)`: the same as `Array(…)`; undefined for any other constructor. */
export function convertNewArray(node: Node, scope: ScriptScope): Expr | undefined {
  const ctor = node.childForFieldName('constructor');
  if (ctor?.text !== 'Array') return undefined;
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
  return { kind: 'call', callee: 'Array', args: args.map((a) => convertScript(a, scope)), kwargs: {}, ...at(node) };
}
