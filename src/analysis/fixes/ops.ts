// Fixes that swap one op for another, keeping the user's namespace and arguments:
// abs → square (LL107), reduce_sum → reduce_mean (LL108), and an epsilon for log/division (LL112).
import type { Expr, SourceLanguage } from '../ir';
import type { CallExpr, MethodExpr } from '../rules/expr';
import type { SourceText } from './text';
import type { Fix, TextEdit } from './types';

/** Renames the op where it is written: the callee before `(` for a call, the last `.name(` for a method call. */
function renameOp(text: SourceText, node: CallExpr | MethodExpr, from: RegExp, to: string): TextEdit | undefined {
  const start = text.start(node.range);
  const written = text.slice(node.range);
  if (node.kind === 'call') {
    const paren = written.indexOf('(');
    if (paren < 0) return undefined;
    const m = from.exec(written.slice(0, paren).trimEnd());
    if (!m || m.index === undefined) return undefined;
    return { range: text.range(start + m.index, start + m.index + m[0].length), newText: to };
  }
  const dot = written.lastIndexOf(`.${node.method}`);
  if (dot < 0) return undefined;
  const at = start + dot + 1;
  return from.test(node.method) ? { range: text.range(at, at + node.method.length), newText: to } : undefined;
}

export function absToSquare(text: SourceText, node: CallExpr | MethodExpr): Fix | undefined {
  // Python's builtin abs() has no square twin: write the power.
  if (node.kind === 'call' && node.callee === 'abs' && node.args[0]) {
    return {
      title: 'Square the residual instead of taking its absolute value',
      edits: [{ range: node.range, newText: `(${text.slice(node.args[0].range)}) ** 2` }],
      isPreferred: true,
    };
  }
  const edit = renameOp(text, node, /abs$/, 'square');
  return edit && { title: 'Square the residual instead of taking its absolute value', edits: [edit], isPreferred: true };
}

export function sumToMean(text: SourceText, node: CallExpr | MethodExpr): Fix | undefined {
  const op = node.kind === 'call' ? node.callee.slice(node.callee.lastIndexOf('.') + 1) : node.method;
  const to = op === 'reduce_sum' ? 'reduce_mean' : op === 'nansum' ? 'nanmean' : 'mean';
  const edit = renameOp(text, node, new RegExp(`${op}$`), to);
  return edit && { title: `Use ${to} instead of ${op} (batch-size independent)`, edits: [edit], isPreferred: true };
}

/** `log(x)` → `log(x + 1e-7)`; `a / x` → `a / (x + 1e-7)`. TF.js tensors have no `+`: `tf.add(x, 1e-7)`. */
export function addEpsilon(text: SourceText, x: Expr, isDivisor: boolean, language: SourceLanguage): Fix | undefined {
  const written = text.slice(x.range);
  if (!written) return undefined;
  const parenthesised = /^\(.*\)$/s.test(written);
  let newText: string;
  if (language !== 'python') newText = `tf.add(${written}, 1e-7)`;
  else if (!isDivisor) newText = `${written} + 1e-7`;
  else newText = parenthesised ? `${written.slice(0, -1)} + 1e-7)` : `(${written} + 1e-7)`;
  return { title: 'Add an epsilon (1e-7) so it cannot reach zero', edits: [{ range: x.range, newText }], isPreferred: true };
}
