// LL104's fix: make a subtracted penalty an added one, whichever way the subtraction is written:
// `loss - p` → `loss + p`, `loss -= p` → `loss += p`, `-p + loss` → `p + loss`, `tf.sub(loss, p)` / `loss.sub(p)` → add.
import type { Term } from '../ir';
import type { SourceText } from './text';
import type { Fix, TextEdit } from './types';

const UNARY_CONTEXT = /[=(,:[{]$|\breturn$|=>$/;

function signEdit(text: SourceText, term: Term): TextEdit | undefined {
  const s = text.text;
  const start = text.start(term.range);
  // The term itself may start with its minus (`-p` as written).
  if (s[start] === '-' && s[start + 1] !== '=') {
    let k = start + 1;
    while (k < s.length && s[k] === ' ') k++;
    return { range: text.range(start, k), newText: '' };
  }
  const j = text.previousNonBlank(start);
  if (j < 0) return undefined;
  if (s[j] === '-') {
    const k = text.previousNonBlank(j);
    const unary = k < 0 || UNARY_CONTEXT.test(s.slice(Math.max(0, k - 6), k + 1));
    return { range: text.range(j, j + 1), newText: unary ? '' : '+' };
  }
  if (s[j] === '=' && s[j - 1] === '-') return { range: text.range(j - 1, j), newText: '+' };
  // tf.sub(a, p) / a.sub(p) / tf.subtract(a, p): rename the op to add.
  let open = j;
  if (s[j] === ',') {
    let depth = 0;
    for (open = j - 1; open >= 0; open--) {
      const c = s[open];
      if (c === ')' || c === ']' || c === '}') depth++;
      else if (c === '(' || c === '[' || c === '{') {
        if (depth === 0) break;
        depth--;
      }
    }
  }
  if (s[open] !== '(') return undefined;
  const m = /(sub|subtract)\s*$/.exec(s.slice(Math.max(0, open - 12), open));
  if (!m) return undefined;
  const at = open - m[0].length;
  return { range: text.range(at, at + m[1].length), newText: 'add' };
}

export function flipSign(text: SourceText, term: Term): Fix | undefined {
  const edit = signEdit(text, term);
  return edit && { title: `Add ${term.label} instead of subtracting it`, edits: [edit], isPreferred: true };
}
