// Dicts as values (issue 9 §2): a dict a loss builds or is given (`{"monotone": pen(p)}`, `dict(kl=kl)`, a module
// dict of λs `LAMBDAS = {"monotone": 0.3}`, `lambdas or {}`) is known entry by entry when its keys are literal
// strings. Reading one is then static: `d[k]` and `d.get(k, default)` with a known key are that entry (or the
// default), and `sum(w.get(k, 0.0) * v for k, v in d.items())` unrolls into one term per entry, each named by its
// key. The trainer sees the plain ops; what stays unknown keeps the dict an unsupported value, refused by name.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { dictKey } from './dictConstants';
import type { Scope } from './scope';

export interface DictEntry {
  key: string;
  value: Expr;
}

/** The entries of each dict value converted in a loss (by its IR node; the IR itself stays a plain `unsupported`). */
const entriesByValue = new WeakMap<Expr, readonly DictEntry[]>();

/** Marks `value` (the converted `{…}`/`dict(…)` node) as a dict with these entries; returns it. */
export function withEntries(value: Expr, entries: readonly DictEntry[]): Expr {
  entriesByValue.set(value, entries);
  return value;
}

/** A module-level dict of literal settings (`LAMBDAS = {"monotone": 0.3}`): each entry is the constant `LAMBDAS['monotone']`. */
function moduleDictEntries(value: Extract<Expr, { kind: 'name' }>, scope: Scope): DictEntry[] | undefined {
  if (value.ref !== 'global' || !scope.module) return undefined;
  const prefix = `${value.name}['`;
  const out: DictEntry[] = [];
  for (const name of scope.module.constants.keys()) {
    if (!name.startsWith(prefix) || !name.endsWith("']")) continue;
    const key = name.slice(prefix.length, -2);
    // `CONFIG['loss']['weight']` is an entry of the section `CONFIG['loss']`, not of `CONFIG`
    if (dictKey(value.name, key) !== name || key.includes("']['")) continue;
    out.push({ key, value: { kind: 'name', name, ref: 'global', range: value.range, text: name } });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The entries of a value known to be a dict, else undefined: a dict written in the code, a module dict of settings,
 * or `a or b` (Python's: `a` when it is a non-empty dict, `b` when `a` is None or an empty dict).
 */
export function dictEntries(value: Expr, scope: Scope): readonly DictEntry[] | undefined {
  const own = entriesByValue.get(value);
  if (own) return own;
  if (value.kind === 'name') return moduleDictEntries(value, scope);
  if (value.kind === 'binary' && value.op === 'or') {
    const left = value.left.kind === 'none' ? [] : dictEntries(value.left, scope);
    if (left === undefined) return undefined;
    return left.length > 0 ? left : dictEntries(value.right, scope);
  }
  return undefined;
}

/** `d[key]` / `d.get(key, fallback)` with `d` a known dict and `key` a literal string: the entry, or the fallback. */
export function dictLookup(dict: Expr, key: Expr | undefined, fallback: Expr | undefined, scope: Scope): Expr | undefined {
  const entries = dictEntries(dict, scope);
  if (!entries || key?.kind !== 'string') return undefined;
  return entries.find((e) => e.key === key.value)?.value ?? fallback;
}

export type DictView = 'items' | 'keys' | 'values';
const views: ReadonlySet<string> = new Set(['items', 'keys', 'values']);

/** `d.items()` / `d.keys()` / `d.values()` (or `d` itself, its keys) as a loop's source: the dict node and the view. */
export function dictViewSource(source: Node): { object: Node; view: DictView } | undefined {
  if (source.type !== 'call') return { object: source, view: 'keys' };
  const fn = source.childForFieldName('function');
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  const object = fn?.childForFieldName('object');
  const args = source.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
  return object && method && views.has(method) && args.length === 0 ? { object, view: method as DictView } : undefined;
}

/** What one pass of a loop over a dict view binds to the loop's variables (`k, v` for items), or undefined. */
export function passBindings(entry: DictEntry, view: DictView, variables: readonly string[], at: Node): Map<string, Expr> | undefined {
  const key: Expr = { kind: 'string', value: entry.key, range: rangeOf(at), text: JSON.stringify(entry.key) };
  if (view === 'items') return variables.length === 2 ? new Map([[variables[0] as string, key], [variables[1] as string, entry.value]]) : undefined;
  if (variables.length !== 1) return undefined;
  return new Map([[variables[0] as string, view === 'keys' ? key : entry.value]]);
}

/** An entry's value is named by its key (`{"monotone": pen(p)}` is the term `monotone`) unless a local names it already. */
export function nameByKey(entry: DictEntry, scope: Scope): void {
  if (!scope.labels.has(entry.value) || scope.weakLabels?.has(entry.value)) scope.labels.set(entry.value, entry.key);
}
