// TS/JS syntax nodes → IR expressions. TF.js arithmetic (`a.add(b)`, `tf.mul(lam, p)`) becomes `binary` nodes so
// terms split as in Python; `tf.tidy(() => …)` is read through to the expression it returns.
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { BinaryOp, Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { convertArrayCall, convertNewArray } from './arrays';
import { readScriptBody } from './body';
import { scriptCallableOf, scriptCallableValue } from './callables';
import { helperOf, inlineScriptHelper } from './helpers';
import { resolveScriptCallee } from './imports';
import { assignedObject, objectEntries, objectLiteral, withObjectEntries } from './mergedOptions';
import { forkScriptScope, type ScriptScope } from './scope';

type Base<K extends Expr['kind']> = Omit<Extract<Expr, { kind: K }>, 'range' | 'text'>;

const binaryOps: Readonly<Record<string, BinaryOp>> = {
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '**': '**', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  '==': '==', '===': '==', '!=': '!=', '!==': '!=', '&&': 'and', '||': 'or',
};

/**
 * Methods that give back the same values (`loss.asScalar()` on the total a minimize arrow returns, `x.clone()`), and
 * `tf.keep(x)`: read as their operand, so a sum they wrap still splits into its terms.
 */
const sameValueMethods: ReadonlySet<string> = new Set(['asScalar', 'clone']);

/** TF.js arithmetic by function/method name: `tf.add(a, b)` and `a.add(b)` are `a + b` (and `x.neg()` is `-x`). */
const arithmetic: Readonly<Record<string, BinaryOp>> = { add: '+', sub: '-', mul: '*', div: '/', realDiv: '/' };

/** Wrappers that do not change the value: TypeScript casts, `await`, `!`. */
const transparent: ReadonlySet<string> = new Set(['as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion', 'await_expression', 'parenthesized_expression']);

function make<K extends Expr['kind']>(node: Node, value: Base<K>): Expr {
  return { ...value, range: rangeOf(node), text: clipExprText(node.text) } as Expr;
}

const unsupported = (node: Node, what: string): Expr => make<'unsupported'>(node, { kind: 'unsupported', what });

export function scriptDottedName(node: Node): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type !== 'member_expression') return undefined;
  const obj = node.childForFieldName('object');
  const prop = node.childForFieldName('property');
  const head = obj ? scriptDottedName(obj) : undefined;
  return head && prop?.type === 'property_identifier' ? `${head}.${prop.text}` : undefined;
}

/**
 * `CONFIG.KL_WEIGHT || 0.01` (or `?? 0.01`) with `CONFIG.KL_WEIGHT` a module constant: the fallback is never taken
 * when the constant is set (non-zero for `||`), so the expression is the constant, a λ with its value and place.
 */
function staticFallback(node: Node, left: Node, scope: ScriptScope): Expr | undefined {
  const op = node.childForFieldName('operator')?.type;
  const name = op === '||' || op === '??' ? scriptDottedName(left) : undefined;
  const value = name !== undefined && !scope.locals.has(name.split('.')[0]!) && !scope.refs.has(name.split('.')[0]!) ? scope.constants?.[name] : undefined;
  if (value === undefined || (op === '||' && value === 0)) return undefined;
  return convertScript(left, scope);
}

/** `this.config`: a member chain on the class's own object, dotted; else undefined. */
function ownDottedName(node: Node): string | undefined {
  if (node.type === 'this') return 'this';
  const obj = node.type === 'member_expression' ? node.childForFieldName('object') : null;
  const prop = node.childForFieldName('property');
  const head = obj ? ownDottedName(obj) : undefined;
  return head && prop?.type === 'property_identifier' ? `${head}.${prop.text}` : undefined;
}

/**
 * `this.config['beta']` is `this.config.beta` in JS: a string key on the class's own object is read as the
 * property, written dotted, so the value the class holds there (discover.ts configFields) is found by its name.
 */
function ownProperty(obj: Node, index: Node, scope: ScriptScope): Expr | undefined {
  const owner = index.type === 'string' ? ownDottedName(obj) : undefined;
  const key = owner ? stringValue(index) : '';
  if (!owner || !/^[A-Za-z_$][\w$]*$/.test(key)) return undefined;
  const parent = index.parent as Node;
  return { kind: 'attr', object: convertScript(obj, scope), name: key, range: rangeOf(parent), text: `${owner}.${key}` };
}

const stringValue = (node: Node): string => node.namedChildren.map((c) => (c?.type === 'string_fragment' ? c.text : '')).join('');

/** `tf.tidy(() => expr)` / `tf.tidy(() => { …; return expr; })`: the returned expression, read in a fork of the scope. */
function readTidy(fnNode: Node, scope: ScriptScope): Expr | undefined {
  const body = fnNode.childForFieldName('body');
  if (!body) return undefined;
  if (body.type !== 'statement_block') return convertScript(body, scope);
  return readScriptBody(body, forkScriptScope(scope))?.value;
}

/**
 * Namespaces a script calls functions of without importing them (JS globals, TF.js loaded by a script tag): a call
 * `ns.f(x)` of one is a free function; `a.square()` of any other name the file does not import is a method of a
 * value (`const a = tf.variable(…)` at module level), read as a method on a global name.
 */
const GLOBAL_NAMESPACES: ReadonlySet<string> = new Set(['tf', 'Math', 'Number', 'console', 'JSON', 'Object', 'Array', 'Date', 'Promise', 'performance', 'process', 'window', 'globalThis', 'self']);

function convertCall(node: Node, scope: ScriptScope): Expr {
  const fn = node.childForFieldName('function');
  const argNodes = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
  if (!fn) return unsupported(node, 'call');
  const array = convertArrayCall(node, fn, argNodes, scope);
  if (array) return array;
  // `Object.assign({}, DEFAULTS, options)`: the merged object, known key by key (mergedOptions.ts)
  const merged = fn.text === 'Object.assign' ? assignedObject(argNodes, node, scope) : undefined;
  if (merged) return withObjectEntries(unsupported(node, 'object'), merged);
  const local = fn.type === 'identifier' ? scriptCallableOf(scope.locals.get(fn.text)) : undefined;
  if (local) {
    const args = argNodes.map((a) => convertScript(a, scope));
    const out = inlineScriptHelper(fn.text, local.def, args, scope, (b, s) => readScriptBody(b, s)?.value, local.closure);
    return typeof out === 'string' ? unsupported(node, out) : out;
  }
  const helper = helperOf(fn, scope);
  if (helper) {
    const args = argNodes.map((a) => convertScript(a, scope));
    const out = inlineScriptHelper(helper.name, helper.def, args, scope, (b, s) => readScriptBody(b, s)?.value);
    return typeof out === 'string' ? unsupported(node, out) : out;
  }
  const name = scriptDottedName(fn);
  const head = name?.split('.')[0];
  const methodOfGlobal = name !== undefined && head !== undefined && name.split('.').length === 2 && !scope.imports.has(head) && !GLOBAL_NAMESPACES.has(head);
  if (name && head !== undefined && !scope.refs.has(head) && !scope.locals.has(head) && !methodOfGlobal) {
    const callee = resolveScriptCallee(name, scope.imports);
    const lastArg = argNodes[argNodes.length - 1];
    if (callee === 'tf.tidy' && lastArg && (lastArg.type === 'arrow_function' || lastArg.type === 'function_expression')) {
      return readTidy(lastArg, scope) ?? unsupported(node, 'tf.tidy without a returned value');
    }
    const args = argNodes.map((a) => convertScript(a, scope));
    if (callee === 'tf.neg' && args.length === 1) return make<'unary'>(node, { kind: 'unary', op: '-', operand: args[0] });
    if (callee === 'tf.keep' && args.length === 1) return args[0]!;
    const summed = callee === 'tf.addN' ? addedItems(node, args) : undefined;
    if (summed) return summed;
    const op = callee.startsWith('tf.') ? arithmetic[callee.slice(3)] : undefined;
    if (op && args.length === 2) return make<'binary'>(node, { kind: 'binary', op, left: args[0], right: args[1] });
    return make<'call'>(node, { kind: 'call', callee, args, kwargs: {} });
  }
  const args = argNodes.map((a) => convertScript(a, scope));
  if (fn.type === 'member_expression') {
    const obj = fn.childForFieldName('object');
    const method = fn.childForFieldName('property')?.text;
    if (!obj || !method) return unsupported(node, 'call');
    const object = convertScript(obj, scope);
    if (method === 'neg' && args.length === 0) return make<'unary'>(node, { kind: 'unary', op: '-', operand: object });
    if (sameValueMethods.has(method) && args.length === 0) return object;
    const op = arithmetic[method];
    if (op && args.length === 1) return make<'binary'>(node, { kind: 'binary', op, left: object, right: args[0] });
    return make<'method'>(node, { kind: 'method', object, method, args, kwargs: {} });
  }
  return unsupported(node, `call of ${fn.type.replace(/_/g, ' ')}`);
}

/**
 * `tf.addN([a, b, c])` of a written array is `a + b + c` (the sum of its tensors, each the same shape), so each item
 * is a term of its own the split reads (a base and its weighted penalties); an array built elsewhere stays a call.
 */
function addedItems(node: Node, args: Expr[]): Expr | undefined {
  const list = args.length === 1 && args[0]?.kind === 'tuple' ? args[0].items : undefined;
  if (!list || list.length < 2) return undefined;
  return list.slice(1).reduce<Expr>((left, right) => make<'binary'>(node, { kind: 'binary', op: '+', left, right }), list[0] as Expr);
}

/** Converts one expression node. Never throws: what it cannot model becomes an `unsupported` node. */
export function convertScript(node: Node, scope: ScriptScope): Expr {
  if (transparent.has(node.type)) {
    const inner = node.namedChildren.find((c) => c && c.type !== 'comment' && !c.type.endsWith('type') && !c.type.includes('type_'));
    return inner ? convertScript(inner, scope) : unsupported(node, node.type);
  }
  switch (node.type) {
    case 'number': {
      const value = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(value) ? make<'number'>(node, { kind: 'number', value }) : unsupported(node, 'number literal');
    }
    case 'string':
      return make<'string'>(node, { kind: 'string', value: stringValue(node) });
    case 'true':
    case 'false':
      return make<'bool'>(node, { kind: 'bool', value: node.type === 'true' });
    case 'null':
    case 'undefined':
      return make<'none'>(node, { kind: 'none' });
    case 'identifier': {
      if (node.text === 'undefined') return make<'none'>(node, { kind: 'none' });
      const local = scope.locals.get(node.text);
      if (local) return local;
      return make<'name'>(node, { kind: 'name', name: node.text, ref: scope.refs.get(node.text) ?? 'global' });
    }
    case 'this':
      // `this.weight`: read as Python's `self.weight`, a class field or constructor value (`this.x` parameters)
      return make<'name'>(node, { kind: 'name', name: 'this', ref: 'module' });
    case 'member_expression': {
      const obj = node.childForFieldName('object');
      const prop = node.childForFieldName('property');
      if (!obj || !prop) return unsupported(node, 'member');
      const object = convertScript(obj, scope);
      // `cfg.weight` of an object known key by key (`{ ...DEFAULTS, ...options }`, mergedOptions.ts): that entry
      const entry = objectEntries(object)?.get(prop.text);
      if (entry) return entry;
      // `settings.l2Weight` with `settings` standing for a module object (passedSettings.ts): `DEFAULT_SETTINGS.l2Weight`
      if (object.kind === 'name' && object.ref === 'global' && object.name !== obj.text) return { kind: 'attr', object, name: prop.text, range: rangeOf(node), text: `${object.name}.${prop.text}` };
      return make<'attr'>(node, { kind: 'attr', object, name: prop.text });
    }
    case 'call_expression': {
      const forward = scope.forwardCalls?.get(node.id);
      if (forward !== undefined) return make<'name'>(node, { kind: 'name', name: forward, ref: scope.refs.get(forward) ?? 'yPred' });
      return convertCall(node, scope);
    }
    case 'binary_expression': {
      const op = binaryOps[node.childForFieldName('operator')?.type ?? ''];
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const taken = left && staticFallback(node, left, scope);
      if (taken) return taken;
      if (!op || !left || !right) return unsupported(node, `operator ${node.childForFieldName('operator')?.type ?? '?'}`);
      return make<'binary'>(node, { kind: 'binary', op, left: convertScript(left, scope), right: convertScript(right, scope) });
    }
    case 'unary_expression': {
      const op = node.childForFieldName('operator')?.type;
      const arg = node.childForFieldName('argument');
      if (!arg || (op !== '-' && op !== '+' && op !== '!')) return unsupported(node, `operator ${op ?? '?'}`);
      const operand = convertScript(arg, scope);
      if (op === '-' && operand.kind === 'number') return make<'number'>(node, { kind: 'number', value: -operand.value });
      return make<'unary'>(node, { kind: 'unary', op: op === '!' ? 'not' : op, operand });
    }
    case 'ternary_expression': {
      const test = node.childForFieldName('condition');
      const then = node.childForFieldName('consequence');
      const otherwise = node.childForFieldName('alternative');
      if (!test || !then || !otherwise) return unsupported(node, 'conditional expression');
      // biome-ignore lint/suspicious/noThenProperty: `then` is the IR's field name (ir.ts), never awaited
      return make<'conditional'>(node, { kind: 'conditional', test: convertScript(test, scope), then: convertScript(then, scope), else: convertScript(otherwise, scope) });
    }
    case 'subscript_expression': {
      const obj = node.childForFieldName('object');
      const index = node.childForFieldName('index');
      if (!obj || !index) return unsupported(node, 'subscript');
      const property = ownProperty(obj, index, scope);
      if (property) return property;
      return make<'subscript'>(node, { kind: 'subscript', object: convertScript(obj, scope), index: [{ kind: 'index', value: convertScript(index, scope) }] });
    }
    case 'new_expression':
      return convertNewArray(node, scope) ?? unsupported(node, 'new expression');
    case 'arrow_function':
    case 'function_expression':
    case 'function':
      return scriptCallableValue(node, node, scope);
    case 'object': {
      const entries = objectLiteral(node, scope);
      const value = unsupported(node, 'object');
      return entries ? withObjectEntries(value, entries) : value;
    }
    case 'array':
      return make<'tuple'>(node, { kind: 'tuple', items: node.namedChildren.flatMap((c) => (c && c.type !== 'comment' ? [convertScript(c, scope)] : [])) });
    default:
      return unsupported(node, node.type.replace(/_/g, ' '));
  }
}
