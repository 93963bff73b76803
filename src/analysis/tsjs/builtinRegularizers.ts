// TF.js's built-in regularizers given to layers, the TS/JS mirror of python/builtinRegularizers.ts:
// `tf.layers.dense({ units: 8, kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) })`, `tf.regularizers.l1l2({ l1,
// l2 })`, `biasRegularizer: 'l1l2'`, or a regularizer held in a `const reg = tf.regularizers.l1(…)` above. TF.js adds
// each to the loss the model compiles, so each is a penalty of that loss (builtinRegularizerModel.ts builds the terms).
// A factor is a number, arithmetic of numbers, or names whose numbers the file gives: a `const` above, an enclosing
// function's parameter default (destructured `{ alpha = 1 }` too), a module constant.
import type { Node } from 'web-tree-sitter';
import type { Regularizes } from '../ir';
import { rangeOf } from '../parsing/range';
import type { BuiltinUse, Factor, FactorKey } from '../python/builtinRegularizers';
import type { ModuleConstant } from '../python/moduleScope';
import { scriptLiteral } from './params';

/** TF.js's regularizer factories (tfjs-layers regularizers.ts): factors and their defaults (0.01 each). */
const FACTORIES: Readonly<Record<string, readonly FactorKey[]>> = { l1: ['l1'], l2: ['l2'], l1l2: ['l1', 'l2'], L1L2: ['l1', 'l2'] };
const DEFAULT_FACTOR = 0.01;
const KINDS: Readonly<Record<string, Regularizes['on']>> = {
  kernelRegularizer: 'kernel', recurrentRegularizer: 'kernel', depthwiseRegularizer: 'kernel', pointwiseRegularizer: 'kernel',
  embeddingsRegularizer: 'kernel', biasRegularizer: 'bias', activityRegularizer: 'activity',
};
const keywordMark = /\b(?:kernel|recurrent|depthwise|pointwise|embeddings|bias|activity)Regularizer\s*:/g;

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');
const lastSegment = (s: string): string => s.slice(s.lastIndexOf('.') + 1);
/** A name read: `l2` of `{ l2: L2 }`, or of the shorthand `{ l2 }`. */
const isName = (n: Node): boolean => n.type === 'identifier' || n.type === 'shorthand_property_identifier';
const functionTypes = new Set(['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration']);

/** A parameter default of an enclosing function (`lam = 0.1`, `{ alpha = 1 }: Args = {}`), by name. */
function paramDefault(fn: Node, name: string): Node | undefined {
  for (const p of fn.childForFieldName('parameters')?.descendantsOfType(['assignment_pattern', 'object_assignment_pattern', 'required_parameter', 'optional_parameter']) ?? []) {
    const left = p?.childForFieldName('left') ?? p?.childForFieldName('pattern');
    const right = p?.childForFieldName('right') ?? p?.childForFieldName('value');
    if (left?.text === name && right) return right;
  }
  return undefined;
}

/**
 * `constructor({ alpha = 1 }: Args = {})` built as `new ElasticNet({ alpha: 0.2 })`: the value the file's calls pass
 * for the destructured `name`, when every call of the class passes the same number there (a call that leaves it out
 * runs with the default, so it must be that number too). Undefined otherwise: the default stands.
 */
function constructorOption(fn: Node, name: string): Node | undefined {
  const cls = fn.type === 'method_definition' && fn.childForFieldName('name')?.text === 'constructor' ? fn.parent?.parent : undefined;
  const className = cls?.childForFieldName('name')?.text;
  const first = named(fn.childForFieldName('parameters'))[0];
  if (!className || !first?.text.trimStart().startsWith('{')) return undefined;
  let root: Node = fn;
  while (root.parent) root = root.parent;
  const calls = root.descendantsOfType('new_expression').filter((n): n is Node => !!n && n.childForFieldName('constructor')?.text === className);
  const passed = calls.map((c) => {
    const obj = named(c.childForFieldName('arguments'))[0];
    if (!obj) return null; // `new ElasticNet()`: the defaults
    if (obj.type !== 'object') return undefined; // options built elsewhere: not read
    const pair = named(obj).find((q) => (q.type === 'pair' ? q.childForFieldName('key')?.text.replace(/['"]/g, '') : q.text) === name);
    return pair?.type === 'pair' ? (pair.childForFieldName('value') ?? undefined) : pair ? undefined : null;
  });
  const given = passed.filter((n): n is Node => !!n);
  if (given.length === 0 || passed.some((n) => n === undefined)) return undefined;
  const value = scriptLiteral(given[0]!);
  const same = given.every((n) => scriptLiteral(n) === value) && (passed.every((n) => n !== null) || scriptLiteral(paramDefault(fn, name) ?? given[0]!) === value);
  return typeof value === 'number' && same ? given[0] : undefined;
}

/** `const name = value` in a block before `row`, else undefined. */
function constBefore(block: Node, name: string, row: number): Node | undefined {
  let found: Node | undefined;
  for (const s of named(block)) {
    if (s.startPosition.row >= row) break;
    if (s.type !== 'lexical_declaration' && s.type !== 'variable_declaration') continue;
    for (const d of named(s)) if (d.childForFieldName('name')?.text === name && d.childForFieldName('value')) found = d.childForFieldName('value') ?? undefined;
  }
  return found;
}

/** What a name is bound to where it is read: a const above in an enclosing block, a parameter's default. */
function bindingOf(id: Node): Node | undefined {
  for (let p = id.parent; p; p = p.parent) {
    if (p.type === 'statement_block' || p.type === 'program') {
      const v = constBefore(p, id.text, id.startPosition.row);
      if (v) return v;
    }
    if (functionTypes.has(p.type)) {
      const d = paramDefault(p, id.text);
      if (d) return constructorOption(p, id.text) ?? d;
    }
  }
  return undefined;
}

/** A number the code gives before training, or undefined. */
function numberOf(node: Node, constants: ReadonlyMap<string, ModuleConstant>, depth = 0): number | undefined {
  if (depth > 8) return undefined;
  const lit = scriptLiteral(node);
  if (typeof lit === 'number') return lit;
  if (node.type === 'parenthesized_expression') return node.namedChild(0) ? numberOf(node.namedChild(0) as Node, constants, depth + 1) : undefined;
  if (isName(node)) {
    const bound = bindingOf(node);
    const c = constants.get(node.text);
    return bound ? numberOf(bound, constants, depth + 1) : typeof c?.value === 'number' ? c.value : undefined;
  }
  if (node.type !== 'binary_expression') return undefined;
  const [l, r] = [node.childForFieldName('left'), node.childForFieldName('right')].map((n) => (n ? numberOf(n, constants, depth + 1) : undefined));
  const op = node.childForFieldName('operator')?.text;
  if (l === undefined || r === undefined) return undefined;
  return op === '*' ? l * r : op === '/' ? l / r : op === '+' ? l + r : op === '-' ? l - r : undefined;
}

function factorOf(key: FactorKey, value: Node | undefined, constants: ReadonlyMap<string, ModuleConstant>): Factor {
  if (!value) return { key, value: DEFAULT_FACTOR };
  const v = numberOf(value, constants);
  const at = rangeOf(value);
  if (!isName(value)) return { key, at, written: value.text, ...(v !== undefined ? { value: v } : {}) };
  const origin = bindingOf(value) ? 'closure' : constants.has(value.text) ? 'module-constant' : 'unknown';
  return { key, name: { text: value.text, range: at, origin }, ...(v !== undefined ? { value: v } : {}) };
}

/** `{ l1: 0.1, l2 }`: the factors a call's options object binds, by key. */
function optionsOf(call: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const obj = named(call.childForFieldName('arguments'))[0];
  for (const p of obj?.type === 'object' ? named(obj) : []) {
    if (p.type === 'shorthand_property_identifier') out.set(p.text, p);
    const key = p.type === 'pair' ? p.childForFieldName('key')?.text.replace(/['"]/g, '') : undefined;
    const value = p.childForFieldName('value');
    if (key && value) out.set(key, value);
  }
  return out;
}

/** The layer an options object configures: `dense` of `tf.layers.dense({ … })`, and where. */
function layerOf(pair: Node): Pick<Regularizes, 'layer' | 'range'> {
  const call = pair.parent?.parent?.parent;
  const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  return fn && call ? { layer: lastSegment(fn.text.replace(/\s+/g, '')), range: rangeOf(call) } : {};
}

/**
 * Whether the layer call is the model's output layer: the last `model.add(layer)`, the last item of a
 * `tf.sequential({ layers: [...] })`, or the layer applied to make what `tf.model({ outputs })` names. An activity
 * regularizer there is a penalty on the predictions (Regularizes.output), not on a hidden layer.
 */
function isOutputLayer(call: Node): boolean {
  const holder = call.parent;
  if (holder?.type === 'array') return named(holder).at(-1)?.id === call.id;
  const added = holder?.type === 'arguments' ? holder.parent : null;
  const fn = added?.type === 'call_expression' ? added.childForFieldName('function') : null;
  if (fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'add') {
    const target = fn.childForFieldName('object')?.text ?? '';
    let root: Node = call;
    while (root.parent) root = root.parent;
    return !root.text.slice(added!.endIndex - root.startIndex).includes(`${target}.add(`);
  }
  // `const out = tf.layers.dense({…}).apply(h)` with `tf.model({ inputs, outputs: out })`
  const applied = holder?.type === 'member_expression' && holder.childForFieldName('property')?.text === 'apply' ? holder.parent : null;
  let declarator: Node | null = applied;
  while (declarator && declarator.type !== 'variable_declarator' && declarator.type !== 'pair') declarator = declarator.parent;
  if (declarator?.type === 'pair') return declarator.childForFieldName('key')?.text === 'outputs';
  const name = declarator?.childForFieldName('name')?.text;
  let root: Node = call;
  while (root.parent) root = root.parent;
  return !!name && new RegExp(`\\boutputs\\s*:\\s*\\[?\\s*${name}\\b`).test(root.text);
}

/** One `kernelRegularizer: <built-in>` property → its use, or undefined when it is something else (a custom class). */
function useAt(pair: Node, constants: ReadonlyMap<string, ModuleConstant>): BuiltinUse | undefined {
  const on = KINDS[pair.childForFieldName('key')?.text ?? ''];
  let value = pair.childForFieldName('value');
  if (value?.type === 'identifier') value = bindingOf(value) ?? value;
  if (!on || !value) return undefined;
  const layerCall = pair.parent?.parent?.parent;
  const output = on === 'activity' && layerCall?.type === 'call_expression' && isOutputLayer(layerCall);
  const regularizes: Regularizes = { on, ...layerOf(pair), ...(output ? { output: true as const } : {}) };
  const asString = value.type === 'string' ? scriptLiteral(value) : undefined;
  if (typeof asString === 'string' && FACTORIES[asString]) {
    return { callee: asString, regularizes, range: rangeOf(value), factors: FACTORIES[asString].map((key) => ({ key, value: DEFAULT_FACTOR })), settings: {} };
  }
  const fn = value.type === 'call_expression' ? value.childForFieldName('function') : null;
  const name = fn ? lastSegment(fn.text.replace(/\s+/g, '')) : '';
  const keys = fn && /(^|\.)regularizers\.\w+$|^l1l2$|^l[12]$/.test(fn.text.replace(/\s+/g, '')) ? FACTORIES[name] : undefined;
  if (!keys) return undefined;
  const options = optionsOf(value);
  const factors = keys.map((k) => factorOf(k, options.get(k), constants)).filter((f) => f.name || f.value !== 0);
  return factors.length > 0 ? { callee: name, regularizes, range: rangeOf(value), factors, settings: {} } : undefined;
}

/** Every built-in regularizer the file gives a TF.js layer, in source order. */
export function scriptRegularizerUses(root: Node, source: string, constants: ReadonlyMap<string, ModuleConstant>): BuiltinUse[] {
  if (!source.includes('Regularizer')) return [];
  const out: BuiltinUse[] = [];
  for (const m of source.matchAll(keywordMark)) {
    let n: Node | null = root.descendantForIndex(m.index ?? 0);
    while (n && n.type !== 'pair' && n.type !== 'program') n = n.parent;
    const use = n?.type === 'pair' ? useAt(n, constants) : undefined;
    if (use) out.push(use);
  }
  return out;
}
