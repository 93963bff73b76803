// Options merged over defaults (issue 9 §2, TS/JS): a factory's `const cfg = { ...DEFAULTS, ...options }` (or
// `Object.assign({}, DEFAULTS, options)`) is an object known key by key, as JS builds it: each key of the module's
// DEFAULTS reads `DEFAULTS.key` (a module constant, where λ write-back edits it), unless the calls of the factory in
// the file pass that key in the options they give (`makeLoss({ weight: 0.2 })`): then the value they all pass. Calls
// that disagree leave the key unknown (nothing is guessed). `cfg.weight` then reads that entry.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { convertScript } from './expr';
import type { ScriptScope } from './scope';

type Entries = ReadonlyMap<string, Expr>;

/** The entries of each object value converted in a loss (by its IR node; the IR itself stays `unsupported`). */
const entriesByValue = new WeakMap<Expr, Entries>();

export function withObjectEntries(value: Expr, entries: Entries): Expr {
  entriesByValue.set(value, entries);
  return value;
}

export const objectEntries = (value: Expr): Entries | undefined => entriesByValue.get(value);

const keyOf = (key: Node | null): string | undefined =>
  key?.type === 'property_identifier' || key?.type === 'identifier' ? key.text : key?.type === 'string' ? key.text.slice(1, -1) : undefined;

/** A module object's keys (`DEFAULTS.weight` among the file's constants): each read as that constant. */
function moduleObject(name: Extract<Expr, { kind: 'name' }>, scope: ScriptScope): Map<string, Expr> | undefined {
  if (name.ref !== 'global' || !scope.constants) return undefined;
  const out = new Map<string, Expr>();
  for (const k of Object.keys(scope.constants)) {
    if (!k.startsWith(`${name.name}.`) || k.slice(name.name.length + 1).includes('.')) continue;
    const key = k.slice(name.name.length + 1);
    out.set(key, { kind: 'attr', object: name, name: key, range: name.range, text: k });
  }
  return out.size > 0 ? out : undefined;
}

/**
 * What the calls of the factory pass for `key` in the options argument `param`: the value node they all pass, 'none'
 * when none passes it, 'differs' when they disagree or pass options Loss Lab cannot read key by key.
 */
export type PassedOption = (param: string, key: string) => Node | 'none' | 'differs';

/** A spread source merged in: its entries, or the factory's options parameter read through its calls. */
function spreadEntries(source: Expr, into: Map<string, Expr>, node: Node, scope: ScriptScope): boolean {
  const known = objectEntries(source) ?? (source.kind === 'name' ? moduleObject(source, scope) : undefined);
  if (known) {
    for (const [k, v] of known) into.set(k, v);
    return true;
  }
  if (source.kind !== 'name' || source.ref !== 'captured' || !scope.passedOption) return false;
  for (const key of [...into.keys()]) {
    const passed = scope.passedOption(source.name, key);
    if (passed === 'differs') into.set(key, { kind: 'unsupported', what: `option ${key} passed differently by the calls of the factory`, range: rangeOf(node), text: `${source.name}.${key}` });
    else if (passed !== 'none') into.set(key, convertScript(passed, scope));
  }
  return true;
}

/** `{ a: 1, ...DEFAULTS, ...options }`: its entries when every part is known, else undefined. */
export function objectLiteral(node: Node, scope: ScriptScope): Map<string, Expr> | undefined {
  const out = new Map<string, Expr>();
  for (const part of node.namedChildren) {
    if (!part || part.type === 'comment') continue;
    if (part.type === 'pair') {
      const key = keyOf(part.childForFieldName('key'));
      const value = part.childForFieldName('value');
      if (key === undefined || !value) return undefined;
      out.set(key, convertScript(value, scope));
    } else if (part.type === 'shorthand_property_identifier') {
      out.set(part.text, convertScript(part, scope));
    } else if (part.type === 'spread_element') {
      const inner = part.namedChildren.find((c) => c && c.type !== 'comment');
      if (!inner || !spreadEntries(convertScript(inner, scope), out, part, scope)) return undefined;
    } else {
      return undefined;
    }
  }
  return out;
}

/** `Object.assign({}, DEFAULTS, options)`: the merge of its arguments, left to right, when each is known. */
export function assignedObject(args: readonly Node[], call: Node, scope: ScriptScope): Map<string, Expr> | undefined {
  const out = new Map<string, Expr>();
  for (const a of args) if (!spreadEntries(convertScript(a, scope), out, call, scope)) return undefined;
  return out;
}

/** `{ key: value }`'s value node for `key` in an object literal, 'none' when it has no such key. */
function optionIn(obj: Node, key: string): Node | 'none' | 'differs' {
  for (const part of obj.namedChildren) {
    if (!part || part.type === 'comment') continue;
    if (part.type === 'pair' && keyOf(part.childForFieldName('key')) === key) return part.childForFieldName('value') ?? 'differs';
    if (part.type === 'spread_element' || (part.type === 'shorthand_property_identifier' && part.text === key)) return 'differs';
  }
  return 'none';
}

/** PassedOption for a factory: what every call of `factory` in the file passes in its options arguments. */
export function factoryOptions(root: Node, factory: string, positional: readonly string[]): PassedOption {
  const calls = root.descendantsOfType('call_expression').filter((c): c is Node => !!c && c.childForFieldName('function')?.text === factory);
  return (param, key) => {
    const index = positional.indexOf(param);
    const seen = new Set<string>();
    let node: Node | 'none' = 'none';
    for (const call of calls) {
      const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
      const arg = index >= 0 ? args[index] : undefined;
      const passed = !arg ? 'none' : arg.type === 'object' ? optionIn(arg, key) : 'differs';
      if (passed === 'differs') return 'differs';
      seen.add(passed === 'none' ? 'none' : passed.text);
      if (passed !== 'none') node = passed;
    }
    return seen.size > 1 ? 'differs' : node;
  };
}
