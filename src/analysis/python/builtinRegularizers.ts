// Keras's built-in regularizers given to layers: `Dense(64, kernel_regularizer=regularizers.l2(1e-4))`,
// `activity_regularizer=L1L2(lambda_l1)`, `tf.keras.regularizers.l1_l2(l1=l1, l2=l2)`. Keras adds each to the loss
// the model compiles (model.losses), so each is a penalty of that loss: found here, with its factors read the way
// the call binds them and resolved where Python finds them (a literal, a local of the model builder, the builder's
// parameter default, a module constant). builtinRegularizerModel.ts makes them into terms.
import type { Node } from 'web-tree-sitter';
import type { ParamOrigin, Regularizes, SourceRange } from '../ir';
import { rangeOf } from '../parsing/range';
import { type ImportMap, resolveCallee } from './imports';
import type { ModuleScope } from './moduleScope';
import { arithmeticOf, readParams } from './params';
import { isTrivia } from './trivia';

/**
 * Each built-in by the name it is called with: its factors in positional order, their values when not given
 * (tf.keras 2.x: `l1()`/`l2()`/`l1_l2()` default to 0.01, the class `L1L2()` to 0), and the old keyword `l`
 * (`l2(l=1e-4)`, Keras 2.0) for the one factor of `l1`/`l2`.
 */
export type FactorKey = 'l1' | 'l2' | 'factor';
interface BuiltinSpec {
  factors: readonly FactorKey[];
  defaults: Readonly<Partial<Record<FactorKey, number>>>;
}
const one = (f: 'l1' | 'l2'): BuiltinSpec => ({ factors: [f], defaults: { [f]: 0.01 } });
/** `OrthogonalRegularizer(factor=0.01, mode="rows")` (its `mode` is kept as a setting of the use). */
const orthogonal: BuiltinSpec = { factors: ['factor'], defaults: { factor: 0.01 } };
export const builtinRegularizers: Readonly<Record<string, BuiltinSpec>> = {
  l1: one('l1'),
  L1: one('l1'),
  l2: one('l2'),
  L2: one('l2'),
  l1_l2: { factors: ['l1', 'l2'], defaults: { l1: 0.01, l2: 0.01 } },
  L1L2: { factors: ['l1', 'l2'], defaults: { l1: 0, l2: 0 } },
  OrthogonalRegularizer: orthogonal,
  orthogonal_regularizer: orthogonal,
};

/** The keyword a layer takes a regularizer under → what it penalises (a recurrent or depthwise kernel is a kernel). */
export const keywordKinds: Readonly<Record<string, Regularizes['on']>> = {
  kernel_regularizer: 'kernel',
  recurrent_regularizer: 'kernel',
  depthwise_regularizer: 'kernel',
  pointwise_regularizer: 'kernel',
  embeddings_regularizer: 'kernel',
  bias_regularizer: 'bias',
  activity_regularizer: 'activity',
};

/** A factor's value as the code gives it: a number written there, or a name whose value is written elsewhere. */
export interface Factor {
  key: FactorKey;
  /** The value, when known before training (undefined: an argument nothing in the file gives a value). */
  value?: number;
  /** Where the number is written (absent for a default the call leaves out), and as what (`1e-3`). */
  at?: SourceRange;
  written?: string;
  /** The name the call passes (`lambda_l1`, `L2_WEIGHT`), with where its value comes from. */
  name?: { text: string; range: SourceRange; origin: ParamOrigin | 'unknown'; cell?: number };
}

export interface BuiltinUse {
  /** As written (`L1L2`, `l2`): the penalty's name. */
  callee: string;
  regularizes: Regularizes;
  /** The regularizer call (`regularizers.l2(1e-4)`). */
  range: SourceRange;
  factors: Factor[];
  /** Literal string settings of the call (`mode="columns"` of an OrthogonalRegularizer). */
  settings: Record<string, string>;
}

const lastSegment = (s: string): string => s.slice(s.lastIndexOf('.') + 1);
const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && !isTrivia(c));

/** `regularizers.l2`, `tf.keras.regularizers.L1L2`, or a bare `l2` imported from there (or not defined in the file). */
function builtinName(fn: Node, imports: ImportMap, module: ModuleScope): string | undefined {
  const written = fn.text.replace(/\s+/g, '');
  const name = lastSegment(written);
  if (!builtinRegularizers[name]) return undefined;
  const resolved = resolveCallee(written, imports);
  if (/(^|\.)regularizers\.\w+$/.test(resolved)) return name;
  return !written.includes('.') && !module.functions.has(name) && !module.classes?.has(name) ? name : undefined;
}

/** `name = <number>` as a statement of `block`, before `row`: the last one wins, as Python runs them. */
function localAssignment(block: Node | null, name: string, row: number): Node | undefined {
  let found: Node | undefined;
  for (const stmt of named(block)) {
    if (stmt.startPosition.row >= row) break;
    const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (assign?.type !== 'assignment' || assign.childForFieldName('left')?.text !== name) continue;
    const right = assign.childForFieldName('right');
    if (right) found = right;
  }
  return found;
}

/** `self.wd` in a model class's method: what its `__init__` sets it to, a number or a parameter's default. */
function selfAttribute(node: Node, attr: string): { value?: number; at?: SourceRange } | undefined {
  let cls = node.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const init = named(cls?.childForFieldName('body')).map((d) => (d.type === 'decorated_definition' ? d.childForFieldName('definition') : d)).find((d) => d?.type === 'function_definition' && d.childForFieldName('name')?.text === '__init__');
  const right = init ? localAssignment(init.childForFieldName('body'), `self.${attr}`, Number.POSITIVE_INFINITY) : undefined;
  if (!init || !right) return undefined;
  const v = arithmeticOf(right);
  if (v !== undefined) return { value: v, at: rangeOf(right) };
  const param = right.type === 'identifier' ? readParams(init.childForFieldName('parameters')).find((q) => q.name === right.text) : undefined;
  return typeof param?.default === 'number' && param.defaultNode ? { value: param.default, at: rangeOf(param.defaultNode) } : {};
}

/** A name's number as the enclosing builder functions (or a model class's `__init__`), then the module, give it. */
function resolveName(node: Node, module: ModuleScope): Factor['name'] & { value?: number; at?: SourceRange } {
  const text = node.text;
  const base = { text, range: rangeOf(node) };
  const attr = node.type === 'attribute' && node.childForFieldName('object')?.text === 'self' ? node.childForFieldName('attribute')?.text : undefined;
  const own = attr ? selfAttribute(node, attr) : undefined;
  if (own) return { ...base, origin: 'constructor', ...own };
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== 'function_definition') continue;
    const local = localAssignment(p.childForFieldName('body'), text, node.startPosition.row);
    const v = local ? arithmeticOf(local) : undefined;
    if (local) return { ...base, origin: 'closure', ...(v !== undefined ? { value: v, at: rangeOf(local) } : {}) };
    const param = readParams(p.childForFieldName('parameters')).find((q) => q.name === text);
    if (param) return { ...base, origin: 'factory', ...(typeof param.default === 'number' && param.defaultNode ? { value: param.default, at: rangeOf(param.defaultNode) } : {}) };
  }
  const c = module.constants.get(text);
  if (c && typeof c.value === 'number') {
    const origin: ParamOrigin = c.flag ? 'argparse' : c.cell !== undefined ? 'notebook-cell' : 'module-constant';
    return { ...base, origin, value: c.value, at: c.valueRange, ...(c.cell !== undefined ? { cell: c.cell } : {}) };
  }
  return { ...base, origin: 'unknown' };
}

function factorOf(key: FactorKey, node: Node | undefined, spec: BuiltinSpec, module: ModuleScope): Factor {
  if (!node) return { key, value: spec.defaults[key] ?? 0 };
  const v = arithmeticOf(node);
  if (v !== undefined) return { key, value: v, at: rangeOf(node), written: node.text };
  const { value, at, ...name } = resolveName(node, module);
  return { key, name, ...(value !== undefined ? { value } : {}), ...(at ? { at } : {}) };
}

/** The factors a call binds: positionally in the spec's order, or by keyword (`l1=`, `l2=`, the old `l=`). */
function factorsOf(call: Node, spec: BuiltinSpec, module: ModuleScope): Factor[] {
  const args = named(call.childForFieldName('arguments'));
  const keyword = new Map<string, Node>();
  for (const a of args) {
    const k = a.type === 'keyword_argument' ? a.childForFieldName('name')?.text : undefined;
    const v = a.childForFieldName('value');
    if (k && v) keyword.set(k === 'l' ? spec.factors[0]! : k, v);
  }
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  return spec.factors.map((key, i) => factorOf(key, keyword.get(key) ?? positional[i], spec, module));
}

/** The layer a keyword argument configures: `Dense` of `layers.Dense(64, kernel_regularizer=…)`, and where. */
function layerOf(keyword: Node): Pick<Regularizes, 'layer' | 'range'> {
  const call = keyword.parent?.parent;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  if (!fn) return {};
  // a custom layer's own weight (`self.add_weight(…, regularizer=…)` in its build): the layer is that class
  if (isAddWeight(fn)) return { layer: enclosingClass(keyword) ?? 'add_weight', range: rangeOf(call as Node) };
  return { layer: lastSegment(fn.text.replace(/\s+/g, '')), range: rangeOf(call as Node) };
}

/** `self.add_weight` / `self.add_variable`: a custom Keras layer creating one of its weights. */
const isAddWeight = (fn: Node): boolean => /^self\.(add_weight|add_variable)$/.test(fn.text.replace(/\s+/g, ''));

function enclosingClass(node: Node): string | undefined {
  let cls = node.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  return cls?.childForFieldName('name')?.text;
}

/**
 * What a keyword's regularizer penalises: a layer's `kernel_regularizer=` its kernel, …; the `regularizer=` of a
 * custom layer's `self.add_weight(…)` the weight it creates (a kernel: Keras adds it to model.losses the same way).
 */
function regularizedBy(keyword: Node): Regularizes['on'] | undefined {
  const name = keyword.childForFieldName('name')?.text ?? '';
  if (name !== 'regularizer') return keywordKinds[name];
  const call = keyword.parent?.parent;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  return fn && isAddWeight(fn) ? 'kernel' : undefined;
}

/** `mode="columns"`: the call's keyword arguments that are string literals. */
function stringSettings(call: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of named(call.childForFieldName('arguments'))) {
    const k = a.type === 'keyword_argument' ? a.childForFieldName('name')?.text : undefined;
    const v = a.childForFieldName('value');
    const text = v?.type === 'string' ? named(v).find((c) => c.type === 'string_content')?.text : undefined;
    if (k && text !== undefined) out[k] = text;
  }
  return out;
}

/** `reg = regularizers.l2(1e-4)` above the layer (in the builder, else at module level): the call `reg` holds. */
function heldCall(name: Node): Node | undefined {
  for (let p = name.parent; p; p = p.parent) {
    const block = p.type === 'function_definition' ? p.childForFieldName('body') : p.type === 'module' ? p : null;
    const value = block ? localAssignment(block, name.text, name.startPosition.row) : undefined;
    if (value) return value.type === 'call' ? value : undefined;
  }
  return undefined;
}

/** `kernel_regularizer='l2'`: Keras builds the built-in of that name with its default factors. */
function namedBuiltin(on: Regularizes['on'], keyword: Node, value: Node): BuiltinUse | undefined {
  const name = value.type === 'string' ? named(value).find((c) => c.type === 'string_content')?.text : undefined;
  const spec = name && Object.hasOwn(builtinRegularizers, name) ? builtinRegularizers[name]! : undefined;
  if (!name || !spec) return undefined;
  const factors = spec.factors.map((key): Factor => ({ key, value: spec.defaults[key] ?? 0 })).filter((f) => f.value !== 0);
  return { callee: name, regularizes: { on, ...layerOf(keyword) }, range: rangeOf(value), factors, settings: {} };
}

/** One `*_regularizer=<built-in>(…)` keyword argument → its use, or undefined when it is something else. */
function useAt(keyword: Node, imports: ImportMap, module: ModuleScope): BuiltinUse | undefined {
  const on = regularizedBy(keyword);
  const value = keyword.childForFieldName('value');
  if (on && value?.type === 'string') return namedBuiltin(on, keyword, value);
  const call = value?.type === 'identifier' ? heldCall(value) : value;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  const name = on && fn ? builtinName(fn, imports, module) : undefined;
  if (!on || !call || !name) return undefined;
  const factors = factorsOf(call, builtinRegularizers[name]!, module).filter((f) => f.name || f.value !== 0);
  if (factors.length === 0) return undefined;
  return { callee: lastSegment(fn!.text.replace(/\s+/g, '')), regularizes: { on, ...layerOf(keyword) }, range: rangeOf(call), factors, settings: stringSettings(call) };
}

const keywordMark = /\b(?:(?:kernel|recurrent|depthwise|pointwise|embeddings|bias|activity)_)?regularizer[ \t]*=/g;

/** Every built-in regularizer the file gives a layer, in source order. */
export function builtinRegularizerUses(root: Node, source: string, imports: ImportMap, module: ModuleScope): BuiltinUse[] {
  if (!source.includes('regularizer')) return [];
  const out: BuiltinUse[] = [];
  const seen = new Set<number>();
  for (const m of source.matchAll(keywordMark)) {
    let n: Node | null = root.descendantForIndex(m.index ?? 0);
    while (n && n.type !== 'keyword_argument' && n.type !== 'module') n = n.parent;
    if (n?.type !== 'keyword_argument' || seen.has(n.id)) continue;
    seen.add(n.id);
    const use = useAt(n, imports, module);
    if (use) out.push(use);
  }
  return out;
}
