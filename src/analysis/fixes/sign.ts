// LL104's fix: make a subtracted penalty an added one, wherever the subtraction is written. The inlined body says
// which `-` decides the term's sign (the deepest binary minus whose right side holds the term, or a unary minus),
// even when it sits on another line (`loss = mse - penalty; return loss`). Its written text gives the operator:
// `a - p` → `a + p`, `-p` → `p`, `tf.sub(a, p)` / `a.sub(p)` → add.
import type { Expr, LossModel, Term } from '../ir';
import { sameRange } from '../parsing/range';
import type { SourceText } from './text';
import type { Fix, TextEdit } from './types';

function contains(e: Expr, target: Expr): boolean {
  if (e === target || (sameRange(e.range, target.range) && e.text === target.text)) return true;
  switch (e.kind) {
    case 'binary':
      return contains(e.left, target) || contains(e.right, target);
    case 'unary':
      return contains(e.operand, target);
    default:
      return false;
  }
}

/** The node that makes the term negative: walks the additive spine of the body toward the term. */
function negatingNode(body: Expr, term: Expr): Expr | undefined {
  let found: Expr | undefined;
  const visit = (e: Expr): void => {
    if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) {
      if (e.op === '-' && contains(e.right, term)) found = e;
      visit(e.left);
      visit(e.right);
    } else if (e.kind === 'unary' && e.op === '-' && contains(e.operand, term)) {
      found = e;
      visit(e.operand);
    } else if (e.kind === 'binary' && e.op === '*') {
      visit(e.left);
      visit(e.right);
    }
  };
  visit(body);
  return found;
}

/** The offset of the top-level binary minus in `a - b - c` as written (the last one), skipping `1e-7` and unary minus. */
function binaryMinus(written: string): number | undefined {
  let depth = 0;
  let last: number | undefined;
  for (let i = 0; i < written.length; i++) {
    const c = written[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if ((c === '"' || c === "'" || c === '`') && written.indexOf(c, i + 1) > 0) i = written.indexOf(c, i + 1);
    else if (c === '-' && depth === 0 && written[i + 1] !== '=' && written[i + 1] !== '>') {
      const before = written.slice(0, i).trimEnd();
      if (/[\w)\]}.]$/.test(before) && !/\d[eE]$/.test(before)) last = i;
    }
  }
  return last;
}

function signEdit(text: SourceText, node: Expr): TextEdit | undefined {
  const start = text.start(node.range);
  const written = text.slice(node.range);
  if (node.kind === 'unary') {
    const k = /^-\s*/.exec(written);
    return k ? { range: text.range(start, start + k[0].length), newText: '' } : undefined;
  }
  const sub = /^([\w$.]*?)\b(sub|subtract)(\s*\()/.exec(written);
  if (sub) {
    const at = start + sub[1].length;
    return { range: text.range(at, at + sub[2].length), newText: 'add' };
  }
  const method = /\.(sub|subtract)\s*\([^()]*(\([^()]*\))*[^()]*\)\s*$/.exec(written);
  if (method) {
    const at = start + method.index + 1;
    return { range: text.range(at, at + method[1].length), newText: 'add' };
  }
  const minus = binaryMinus(written);
  return minus === undefined ? undefined : { range: text.range(start + minus, start + minus + 1), newText: '+' };
}

export function flipSign(text: SourceText, term: Term, model: LossModel): Fix | undefined {
  const node = negatingNode(model.body, term.weight ? (findPiece(model.body, term) ?? term.expr) : term.expr);
  const edit = node && signEdit(text, node);
  return edit && { title: `Add ${term.label} instead of subtracting it`, edits: [edit], isPreferred: true };
}

/** The additive piece of the body whose range is the term's (weight × expr as written). */
function findPiece(body: Expr, term: Term): Expr | undefined {
  let out: Expr | undefined;
  const visit = (e: Expr): void => {
    if (sameRange(e.range, term.range)) out = e;
    else if (e.kind === 'binary' || e.kind === 'unary') for (const c of e.kind === 'binary' ? [e.left, e.right] : [e.operand]) visit(c);
  };
  visit(body);
  return out;
}
