// Incremental usages: what each call site contributes (usages, a partial, a fit, an output activation) is kept by
// the text of the statement it is written in, so after an edit only changed call sites are read from the tree again.
// Valid while the losses (names, kinds, bound names), the imports and the loss-holding variables are the same.
import type { LossUsage, SourceRange } from '../ir';
import { shiftRows } from '../parsing/definitionCache';

/** What one call site adds to the file's usages. */
export interface CallEffect {
  usages: { model: string; usage: LossUsage }[];
  /** A model that `functools.partial` wraps (its kind becomes `partial`). */
  partialOf?: string;
  fit?: SourceRange;
  activation?: string;
  /** The width of a layer the call builds (`Dense(6)`, `nn.Linear(h, 6)`), with its line (0-based, shifted as a range's). */
  units?: { count: number; startLine: number };
}

/** A variable that holds a loss: `criterion = Loss(…)` → ['criterion', 'Loss', false]. */
export type CachedVar = [name: string, model: string, bare: boolean];

const MAX_SNIPPET = 4000;

/** Start index of every line. */
export function lineStartsOf(source: string): number[] {
  const out = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

export function rowAt(lineStarts: readonly number[], index: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Skips a string literal starting at `i` (', ", or triple-quoted); returns the index after it. */
function skipString(source: string, i: number): number {
  const q = source[i];
  const triple = source.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  for (let j = i + close.length; j < source.length; j++) {
    if (source[j] === '\\') j++;
    else if (source.startsWith(close, j)) return j + close.length;
    else if (!triple && source[j] === '\n') return j;
  }
  return source.length;
}

/**
 * The text of the lines holding the call whose name starts at `index`: from its line's start to the end of the
 * line of its closing parenthesis (strings and comments skipped). Undefined when it cannot be delimited.
 */
export function snippetAt(source: string, lineStarts: readonly number[], index: number): { text: string; start: number; end: number; row: number } | undefined {
  const row = rowAt(lineStarts, index);
  const start = lineStarts[row];
  let depth = 0;
  for (let i = source.indexOf('(', index); i >= 0 && i < index + MAX_SNIPPET && i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'") i = skipString(source, i) - 1;
    else if (c === '#') i = source.indexOf('\n', i) < 0 ? source.length : source.indexOf('\n', i) - 1;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        const nl = source.indexOf('\n', i);
        const end = nl < 0 ? source.length : nl;
        return { text: source.slice(start, end), start, end, row };
      }
    }
  }
  return undefined;
}

export class UsageCache {
  varsKey = '';
  vars: CachedVar[] = [];
  private signature = '';
  private entries = new Map<string, { row: number; effect: CallEffect }>();
  private used = new Set<string>();
  /** Call sites read from the tree by the last analysis. */
  read = 0;

  begin(signature: string): void {
    if (signature !== this.signature) this.entries.clear();
    this.signature = signature;
    this.used.clear();
    this.read = 0;
  }

  get(key: string, row: number): CallEffect | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.used.add(key);
    return hit.row === row ? hit.effect : shiftRows(hit.effect, row - hit.row);
  }

  set(key: string, row: number, effect: CallEffect): void {
    this.entries.set(key, { row, effect });
    this.used.add(key);
  }

  end(): void {
    for (const key of this.entries.keys()) if (!this.used.has(key)) this.entries.delete(key);
  }
}
