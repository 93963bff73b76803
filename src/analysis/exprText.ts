// How much source text an IR expression carries (see `Expr.text` in ir.ts). Every level of a nested expression used
// to copy its whole subexpression: a 16 KB line made a 37 MB training spec. Texts are for messages and labels;
// code that needs the exact text slices the document at the node's `range`.
import type { Expr } from './ir';

/** The most characters of source an `Expr.text` holds. */
export const EXPR_TEXT_MAX = 160;

/** `text` as an Expr keeps it: whole when short, else its first characters and `…` (`tf.reduce_mean(tf.square(…`). */
export function clipExprText(text: string): string {
  return text.length <= EXPR_TEXT_MAX ? text : `${text.slice(0, EXPR_TEXT_MAX - 1)}…`;
}

/**
 * Clips the `text` of every expression node under `value` in place (any object with a `kind`, a `range` and a
 * string `text`): a safety net after analysis for nodes a front end built without `clipExprText`.
 */
export function clipTextsIn(value: unknown, seen = new Set<object>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value) || clipped.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) clipTextsIn(v, seen);
  } else {
    const node = value as Partial<Expr> & Record<string, unknown>;
    const isExpr = typeof node.text === 'string' && typeof node.kind === 'string' && node.range !== undefined;
    if (isExpr && (node.text as string).length > EXPR_TEXT_MAX) node.text = clipExprText(node.text as string);
    for (const key of Object.keys(node)) if (key !== 'range') clipTextsIn(node[key], seen);
  }
  clipped.add(value);
}

/**
 * Objects whose subtree is clipped. The IR is not changed once built, and the definitions an edit leaves alone keep
 * their terms, bodies and params (DocumentAnalyzer's cache; only the model objects are new): an edit walks the new.
 */
const clipped = new WeakSet<object>();

/**
 * Marks a model copied from a clipped one as clipped (a cached definition given fresh usages or constant ranges,
 * neither of which holds expression text), so the safety net does not walk every reused model after each edit.
 */
export function markCopyClipped(copy: object, of: object): void {
  if (clipped.has(of)) clipped.add(copy);
}
