// Weighting a term by λ where it is added: `lam * term`.
import type { LossModel, SourceLanguage, Term } from '../ir';
import type { SourceText } from './text';
import type { TextEdit } from './types';

const SIMPLE = new Set(['name', 'call', 'method', 'subscript', 'attr', 'number']);

/** TF.js tensors have no `*` operator: `tf.mul(lam, x)`. */
function weighted(language: SourceLanguage, lam: string, written: string, simple: boolean): string {
  if (language !== 'python') return `tf.mul(${lam}, ${written})`;
  return simple ? `${lam} * ${written}` : `${lam} * (${written})`;
}

/**
 * `lam * (term)`. A term that is a local (`return ce + sum_penalty`) is weighted where it is added, at its one use
 * in the return expression; otherwise over the term's range (no parentheses around a single call or name).
 */
export function wrapTerm(text: SourceText, term: Term, lam: string, model?: LossModel): TextEdit {
  if (model && /^[A-Za-z_$][\w$]*$/.test(term.label)) {
    const ret = text.slice(model.returnRange);
    const uses = [...ret.matchAll(new RegExp(`(?<![\\w.$])${term.label.replace(/\$/g, '\\$')}(?![\\w$]|\\s*[(=])`, 'g'))];
    const inReturn = text.start(term.range) >= text.start(model.returnRange) && text.end(term.range) <= text.end(model.returnRange);
    if (!inReturn && uses.length === 1) {
      const at = text.start(model.returnRange) + (uses[0].index ?? 0);
      return { range: text.range(at, at + term.label.length), newText: weighted(model.language, lam, term.label, true) };
    }
  }
  const written = text.slice(term.range);
  return { range: term.range, newText: weighted(model?.language ?? 'python', lam, written, SIMPLE.has(term.expr.kind)) };
}
