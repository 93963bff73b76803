// Same-file helpers of a TS/JS loss: a call `reconstruction(yTrue, recon)` of a function visible from the loss (declared
// at the top level or in a function enclosing the loss), or `this.klTerm(mu, logVar)` of a method of the loss's own
// class, is read through: the helper's body with its parameters bound to the call's arguments (or their defaults).
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { readScriptParams } from './params';
import type { ScriptScope } from './scope';

const MAX_HELPER_DEPTH = 8;
const functionValues: ReadonlySet<string> = new Set(['arrow_function', 'function_expression', 'function']);

/** The functions a block declares by name: `function f(…) {…}` and `const f = (…) => …`. */
function declaredFunctions(block: Node, out: Map<string, Node>): void {
  for (const s of block.namedChildren) {
    const stmt = s?.type === 'export_statement' ? s.childForFieldName('declaration') : s;
    if (stmt?.type === 'function_declaration') {
      const name = stmt.childForFieldName('name')?.text;
      if (name && !out.has(name)) out.set(name, stmt);
    } else if (stmt?.type === 'lexical_declaration' || stmt?.type === 'variable_declaration') {
      for (const d of stmt.namedChildren) {
        const name = d?.childForFieldName('name');
        let value = d?.childForFieldName('value');
        while (value?.type === 'parenthesized_expression') value = value.namedChild(0);
        if (name?.type === 'identifier' && value && functionValues.has(value.type) && !out.has(name.text)) out.set(name.text, value);
      }
    }
  }
}

/** Functions visible from `fn`: those of each enclosing block, the nearest first (it shadows the outer ones). */
export function visibleFunctions(fn: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (let cur = fn.parent; cur; cur = cur.parent) if (cur.type === 'statement_block' || cur.type === 'program') declaredFunctions(cur, out);
  return out;
}

/** The methods of the class `member` belongs to, by name (the constructor left out). */
export function classMethods(member: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const body = member.parent?.type === 'class_body' ? member.parent : undefined;
  for (const m of body?.namedChildren ?? []) {
    const name = m?.childForFieldName('name')?.text;
    if (m?.type === 'method_definition' && name && name !== 'constructor') out.set(name, m);
  }
  return out;
}

/** The helper a call names, if the loss can see it: `f(…)` not shadowed by a local or parameter, or `this.m(…)`. */
export function helperOf(fn: Node, scope: ScriptScope): { name: string; def: Node } | undefined {
  if (fn.type === 'identifier') {
    const def = scope.refs.has(fn.text) || scope.locals.has(fn.text) ? undefined : scope.functions?.get(fn.text);
    return def ? { name: fn.text, def } : undefined;
  }
  const method = fn.type === 'member_expression' && fn.childForFieldName('object')?.type === 'this' ? fn.childForFieldName('property')?.text : undefined;
  const def = method ? scope.methods?.get(method) : undefined;
  return def && method ? { name: method, def } : undefined;
}

type Read = (body: Node, scope: ScriptScope) => Expr | undefined;

/**
 * A number the call passes (`smoothness(yPred, 0.05)`) or the parameter's default (`function smoothness(x, weight =
 * 0.02)`): the user's setting, not the helper's formula, so where the helper multiplies it in it is the term's weight
 * (ir.ts `boundTo`), as in Python (python/helperCalls.ts).
 */
function chosenSetting(value: Expr, helper: string, param: string): Expr {
  return value.kind === 'number' && value.boundTo === undefined ? { ...value, boundTo: `${helper}(${param})` } : value;
}

/** The helper's returned value with its parameters bound to `args`, or why it cannot be followed. */
export function inlineScriptHelper(name: string, def: Node, args: Expr[], scope: ScriptScope, read: Read, closure?: ScriptScope): Expr | string {
  const inlining = scope.inlining ?? [];
  if (inlining.includes(name)) return `recursive call of ${name}`;
  if (inlining.length >= MAX_HELPER_DEPTH) return `call of ${name} nested ${MAX_HELPER_DEPTH} helpers deep`;
  // a function written in the loss reads the locals and parameters around it (its closure); a file's helper, none
  const inner: ScriptScope = closure
    ? { ...closure, locals: new Map(closure.locals), labels: scope.labels, inlining: [...inlining, name] }
    : { ...scope, locals: new Map(), refs: new Map(), inlining: [...inlining, name] };
  if (!closure) delete inner.skipped;
  if (!closure) delete inner.forwardCalls;
  const params = readScriptParams(def);
  for (const [i, p] of params.entries()) {
    if (p.variadic) return `call of ${name}, which takes rest parameters`;
    const given = args[i] ?? (p.defaultNode ? read(p.defaultNode, inner) : undefined);
    if (!given) return `call of ${name} without its argument ${p.name}`;
    const value = chosenSetting(given, name, p.name);
    // `encode(tf, x)` into `function encode(tf, x)`: a global passed under its own name is that global
    if (value.kind === 'name' && value.ref === 'global' && value.name === p.name) continue;
    inner.locals.set(p.name, value);
  }
  const body = def.childForFieldName('body');
  const returned = body ? read(body, inner) : undefined;
  if (!returned) return `call of ${name}, which returns no value`;
  if (!scope.labels.has(returned)) {
    scope.labels.set(returned, name);
    scope.weakLabels?.add(returned);
  }
  scope.inlined?.set(returned, name);
  return returned;
}

/** The name a method or function is called by (`optimize` in `async optimize(objective, …) {…}`). */
function calledName(fn: Node): string | undefined {
  if (fn.type === 'method_definition' || fn.type === 'function_declaration') return fn.childForFieldName('name')?.text;
  const declarator = fn.parent?.type === 'variable_declarator' ? fn.parent : undefined;
  return declarator?.childForFieldName('name')?.text;
}

/** The calls of `name` among the file's calls: `name(…)`, `obj.name(…)`. */
function callsNamed(calls: readonly (Node | null)[], name: string): Node[] {
  return calls.filter((c): c is Node => {
    const f = c?.childForFieldName('function');
    return !!f && (f.type === 'identifier' ? f.text === name : f.type === 'member_expression' && f.childForFieldName('property')?.text === name);
  });
}

/**
 * Functions handed in as parameters of a function enclosing the loss (`optimize(objective, …)` called as
 * `opt.optimize(portfolioVariance, 'minimize')`): when every call of it in the file passes the same function of the
 * file at that place, the parameter is that function, followed into as a helper is.
 */
export function handedFunctions(fn: Node): Map<string, Node> {
  let root: Node = fn;
  while (root.parent) root = root.parent;
  // the file's calls and functions, read once for all the enclosing functions (and only when one is called)
  const fileCalls = root.descendantsOfType('call_expression');
  let fileFunctions: Map<string, Node> | undefined;
  const out = new Map<string, Node>();
  for (let cur = fn.parent; cur; cur = cur.parent) {
    const name = functionValues.has(cur.type) || cur.type === 'method_definition' || cur.type === 'function_declaration' ? calledName(cur) : undefined;
    const calls = name ? callsNamed(fileCalls, name) : [];
    if (calls.length === 0) continue;
    if (!fileFunctions) {
      fileFunctions = new Map();
      declaredFunctions(root, fileFunctions);
      objectFunctions(root, fileFunctions);
    }
    for (const [i, p] of readScriptParams(cur).entries()) {
      const passed = new Set(calls.map((c) => c.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment')[i]?.text));
      const only = passed.size === 1 ? [...passed][0] : undefined;
      const def = only ? fileFunctions.get(only) : undefined;
      if (def && !out.has(p.name)) out.set(p.name, def);
    }
  }
  return out;
}

/** Wrappers that keep a function value: `(… => …) as ObjectiveFn`, parentheses. */
const keptValue = (n: Node | null | undefined): Node | undefined => {
  let cur = n ?? undefined;
  while (cur && ['parenthesized_expression', 'as_expression', 'satisfies_expression'].includes(cur.type)) cur = cur.namedChild(0) ?? undefined;
  return cur;
};

/** `const objectives = { portfolioVariance: (w, mu, cov) => … }` at the top level: `objectives.portfolioVariance`. */
function objectFunctions(root: Node, out: Map<string, Node>): void {
  for (const s of root.namedChildren) {
    const stmt = s?.type === 'export_statement' ? s.childForFieldName('declaration') : s;
    if (stmt?.type !== 'lexical_declaration' && stmt?.type !== 'variable_declaration') continue;
    for (const d of stmt.namedChildren) {
      const name = d?.childForFieldName('name');
      const value = keptValue(d?.childForFieldName('value'));
      if (name?.type !== 'identifier' || value?.type !== 'object') continue;
      for (const pair of value.namedChildren) {
        const key = pair?.type === 'pair' ? pair.childForFieldName('key') : undefined;
        const fn = keptValue(pair?.childForFieldName('value'));
        if (key?.type === 'property_identifier' && fn && functionValues.has(fn.type)) out.set(`${name.text}.${key.text}`, fn);
      }
    }
  }
}
