// A dict a loss fills entry by entry (`losses = {}`, `losses["alias"] = huber(…)`, then `losses["total"] = total`;
// `return losses`): each `d["k"] = v` on a local dict known entry by entry (dictValues.ts) gives the local a new dict
// value with that entry set, and after an if/else that fills the same keys in both branches, each entry is the
// branch's (a conditional), so the dict stays known and `sum(w[k] * d[k] for k in d)` still unrolls.
import type { Node } from 'web-tree-sitter';
import { clipExprText } from '../exprText';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { type DictEntry, dictEntries, withEntries } from './dictValues';
import { literalOf } from './params';
import type { Scope } from './scope';

/** A copy of the dict value `dict` (an IR node standing for it) with `entries`, as written at `at`. */
function dictWith(dict: Expr, entries: readonly DictEntry[], at: Node): Expr {
  const value: Expr = { kind: 'unsupported', what: 'dictionary', range: rangeOf(at), text: clipExprText(dict.text) };
  return withEntries(value, entries);
}

/** `d["k"] = value` with `d` a local dict known entry by entry: the dict with that entry set; else undefined. */
export function dictEntrySet(left: Node, value: Expr, scope: Scope): { name: string; dict: Expr } | undefined {
  if (left.type !== 'subscript') return undefined;
  const object = left.childForFieldName('value');
  const keyNode = left.childForFieldName('subscript');
  const key = keyNode ? literalOf(keyNode) : undefined;
  const current = object?.type === 'identifier' ? scope.locals.get(object.text) : undefined;
  const entries = current ? dictEntries(current, scope) : undefined;
  if (!object || !current || !entries || typeof key !== 'string') return undefined;
  const others = entries.filter((e) => e.key !== key);
  return { name: object.text, dict: dictWith(current, [...others, { key, value }], left) };
}

/**
 * The dict after an if/else whose branches leave `a` and `b` (both dicts with the same keys): each entry the branch's,
 * `conditional(test, a[k], b[k])`; undefined when either is not a known dict or their keys differ.
 */
export function mergedDict(a: Expr, b: Expr, scope: Scope, conditional: (then: Expr, otherwise: Expr) => Expr, at: Node): Expr | undefined {
  const [ea, eb] = [dictEntries(a, scope), dictEntries(b, scope)];
  if (!ea || !eb || ea.length !== eb.length) return undefined;
  const entries: DictEntry[] = [];
  for (const { key, value } of ea) {
    const other = eb.find((e) => e.key === key);
    if (!other) return undefined;
    entries.push({ key, value: conditional(value, other.value) });
  }
  return dictWith(a, entries, at);
}
