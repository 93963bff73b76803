// A class's settings taken from the options object its constructor is given (issue 9 §2, TS/JS):
//   `this._genderWeight = options.genderWeight ?? 1.0`      (or `||`, or `options.genderWeight` alone)
//   `this.cfg = { ...DEFAULTS, ...config }`                  (a module object of defaults, the options merged over it)
// Each is the value JS binds where the file builds the class (`new Trainer(net, { genderWeight: 0.5 })`): what every
// `new` call passes for that key, else the fallback or the module default. Calls that disagree, or pass options built
// elsewhere, leave the setting unknown (nothing is guessed). The value's node is where λ write-back edits it.
import type { Node } from 'web-tree-sitter';
import { configFields, type ScriptParam, scriptLiteral } from './params';

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');

/** What the calls pass for one key: the value node they all pass, 'none' when none passes it, 'differs' otherwise. */
type Passed = Node | 'none' | 'differs';

const keyText = (key: Node | null | undefined): string | undefined =>
  key?.type === 'property_identifier' || key?.type === 'identifier' ? key.text : key?.type === 'string' ? key.text.slice(1, -1) : undefined;

/** The value an object literal gives `key`; 'none' without it; 'differs' when a spread or shorthand may give it. */
function valueIn(obj: Node, key: string): Passed {
  for (const part of named(obj)) {
    if (part.type === 'pair' && keyText(part.childForFieldName('key')) === key) return part.childForFieldName('value') ?? 'differs';
    if (part.type === 'spread_element' || (part.type === 'shorthand_property_identifier' && part.text === key)) return 'differs';
  }
  return 'none';
}

/** The class's `new` calls in the file: what they pass, key by key, in their argument `index`. */
/** The file's `new Name(…)` calls of the class `cls`. */
function newCallsOf(cls: Node): Node[] {
  const name = cls.childForFieldName('name')?.text;
  let root: Node = cls;
  while (root.parent) root = root.parent;
  return name ? root.descendantsOfType('new_expression').filter((n): n is Node => !!n && n.childForFieldName('constructor')?.text === name) : [];
}

export function newCallOptions(cls: Node, index: number): (key: string) => Passed {
  const calls = newCallsOf(cls);
  return (key) => {
    const seen = new Set<string>();
    let node: Passed = 'none';
    for (const call of calls) {
      const arg = named(call.childForFieldName('arguments'))[index];
      const passed: Passed = !arg ? 'none' : arg.type === 'object' ? valueIn(arg, key) : 'differs';
      if (passed === 'differs') return 'differs';
      seen.add(passed === 'none' ? 'none' : passed.text);
      if (passed !== 'none') node = passed;
    }
    return seen.size > 1 ? 'differs' : node;
  };
}

/** `options.key` with `options` the constructor's parameter at `index`: that index and key. */
function optionRead(node: Node, paramIndex: (name: string) => number): { index: number; key: string } | undefined {
  if (node.type !== 'member_expression') return undefined;
  const object = node.childForFieldName('object');
  const key = keyText(node.childForFieldName('property'));
  const index = object?.type === 'identifier' ? paramIndex(object.text) : -1;
  return index >= 0 && key ? { index, key } : undefined;
}

/** A number field named `field`, valued by `valueNode` (a literal), or none. */
function numberField(field: string, nameNode: Node, valueNode: Node | undefined): ScriptParam[] {
  const v = valueNode ? scriptLiteral(valueNode) : undefined;
  return typeof v === 'number' && valueNode ? [{ name: field, node: nameNode, default: v, defaultNode: valueNode, variadic: false, fromOptions: true }] : [];
}

/** `this.x = options.key ?? fallback` (or `||`, or no fallback): the field's value as the file builds the class. */
function fallbackField(field: string, left: Node, right: Node, cls: Node, paramIndex: (name: string) => number): ScriptParam[] {
  const op = right.type === 'binary_expression' ? right.childForFieldName('operator')?.text : undefined;
  const read = optionRead(op === '??' || op === '||' ? (right.childForFieldName('left') as Node) : right, paramIndex);
  if (!read) return [];
  const fallback = op ? (right.childForFieldName('right') ?? undefined) : undefined;
  const passed = newCallOptions(cls, read.index)(read.key);
  if (passed === 'differs') return [];
  // `||` also falls back on a falsy value passed (`{ weight: 0 }`), as JS does
  const falls = passed === 'none' || (op === '||' && !scriptLiteral(passed));
  return numberField(field, left, falls ? fallback : passed);
}

/** The object literal a module-level `const NAME = {…}` (exported or not, typed or not) holds. */
function moduleObject(root: Node, name: string): Node | undefined {
  for (const top of named(root)) {
    const stmt = top.type === 'export_statement' ? (top.childForFieldName('declaration') ?? top) : top;
    if (stmt.type !== 'lexical_declaration' && stmt.type !== 'variable_declaration') continue;
    for (const d of named(stmt)) {
      const value = d.childForFieldName('value');
      if (d.childForFieldName('name')?.text === name && value?.type === 'object') return value;
    }
  }
  return undefined;
}

/** `this.cfg = { ...DEFAULTS, ...config }`: `this.cfg.key` for each key the merge gives a number. */
function mergedFields(field: string, right: Node, cls: Node, paramIndex: (name: string) => number): ScriptParam[] {
  if (right.type !== 'object' || !named(right).some((p) => p.type === 'spread_element')) return [];
  let root: Node = cls;
  while (root.parent) root = root.parent;
  const out = new Map<string, ScriptParam>();
  for (const part of named(right)) {
    const inner = part.type === 'spread_element' ? named(part)[0] : undefined;
    if (part.type === 'pair') {
      const key = keyText(part.childForFieldName('key'));
      if (key) out.delete(key);
      for (const f of key ? numberField(`${field}.${key}`, part, part.childForFieldName('value') ?? undefined) : []) out.set(key as string, f);
    } else if (inner?.type === 'identifier' && paramIndex(inner.text) >= 0) {
      // the options merged over what came before: each known key as the calls pass it
      const passedFor = newCallOptions(cls, paramIndex(inner.text));
      for (const key of [...out.keys()]) {
        const passed = passedFor(key);
        if (passed === 'none') continue;
        out.delete(key);
        if (passed !== 'differs') for (const f of numberField(`${field}.${key}`, part, passed)) out.set(key, f);
      }
    } else {
      const defaults = inner?.type === 'identifier' ? moduleObject(root, inner.text) : undefined;
      if (!defaults) return [];
      for (const f of configFields(field, defaults)) out.set(f.name.slice(field.length + 1), { ...f, fromOptions: true });
    }
  }
  return [...out.values()];
}

/** The fields one constructor assignment `this.x = right` sets from the options object (see the header). */
export function optionFields(field: string, left: Node, right: Node, ctor: Node): ScriptParam[] {
  const cls = ctor.parent?.parent;
  if (!cls || (cls.type !== 'class_declaration' && cls.type !== 'class')) return [];
  const params = named(ctor.childForFieldName('parameters'));
  const paramIndex = (name: string): number =>
    params.findIndex((p) => (p.childForFieldName('pattern') ?? p.childForFieldName('left') ?? p).text === name || p.text === name);
  return [...fallbackField(field, left, right, cls, paramIndex), ...mergedFields(field, right, cls, paramIndex)];
}

/**
 * `new RatingFactorizer(nUsers, nItems, 24, 5e-4)`: the number every `new` call of the class around `ctor` passes
 * positionally at `index` (all calls agree), with the node λ write-back edits; undefined when a call passes none, a
 * non-literal, or calls disagree (the constructor's default then stands, or nothing is guessed).
 */
export function positionalNewArg(ctor: Node, index: number): { value: number; node: Node } | undefined {
  let cls: Node | null = ctor.parent;
  while (cls && cls.type !== 'class_declaration' && cls.type !== 'class') cls = cls.parent;
  if (!cls) return undefined;
  // a class's own `new` (a `fromConfig` rebuilding it from a saved config) passes what the others passed
  const all = newCallsOf(cls);
  const outside = all.filter((call) => !within(call, cls));
  const calls = outside.length > 0 ? outside : all;
  const passed = calls.map((call) => named(call.childForFieldName('arguments'))[index]);
  if (passed.length === 0 || passed.some((a) => !a || a.type === 'spread_element')) return undefined;
  const values = passed.map((a) => (a ? numberPassed(a) : undefined));
  const first = values[0];
  if (first && values.every((v) => v?.value === first.value)) return first;
  // regularizers built with different strengths (`kernelRegularizer: new R(0.4)`, `biasRegularizer: new R(0.2)`): the
  // trial trains the kernel's, so its value is the one
  const kernel = calls.findIndex((call) => call.parent?.type === 'pair' && keyText(call.parent.childForFieldName('key')) === 'kernelRegularizer');
  return kernel >= 0 ? values[kernel] : undefined;
}

const within = (n: Node, outer: Node): boolean => n.startIndex >= outer.startIndex && n.endIndex <= outer.endIndex;

/** A number passed as written, or through a top-level `const NAME = 0.4` (its value's node, where write-back edits it). */
export function numberPassed(arg: Node): { value: number; node: Node } | undefined {
  const lit = scriptLiteral(arg);
  if (typeof lit === 'number') return { value: lit, node: arg };
  return arg.type === 'identifier' ? topLevelNumber(arg) : undefined;
}

function topLevelNumber(id: Node): { value: number; node: Node } | undefined {
  let root: Node = id;
  while (root.parent) root = root.parent;
  for (const top of named(root)) {
    const decl = top.type === 'export_statement' ? top.childForFieldName('declaration') : top;
    if (decl?.type !== 'lexical_declaration' && decl?.type !== 'variable_declaration') continue;
    for (const d of named(decl)) {
      const value = d.type === 'variable_declarator' && d.childForFieldName('name')?.text === id.text ? d.childForFieldName('value') : null;
      const lit = value ? scriptLiteral(value) : undefined;
      if (value && typeof lit === 'number') return { value: lit, node: value };
    }
  }
  return undefined;
}
