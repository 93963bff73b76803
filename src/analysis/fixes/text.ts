// The document text as the fixes need it: SourceRange ↔ offset, slices, and small scanners that find a
// parameter list's closing bracket or the operator before a term. Columns are UTF-16 code units, like JS strings.
import type { SourceRange } from '../ir';

export interface Position {
  line: number;
  col: number;
}

export class SourceText {
  readonly lines: string[];
  private readonly lineStarts: number[] = [0];
  /** Whole-file facts computed once per text (fixes of many functions ask the same questions). */
  private readonly memo = new Map<string, unknown>();

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
    this.lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  offsetAt(line: number, col: number): number {
    const start = this.lineStarts[Math.min(Math.max(line, 0), this.lineStarts.length - 1)];
    return Math.min(start + Math.max(col, 0), this.text.length);
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, col: offset - this.lineStarts[lo] };
  }

  start(range: SourceRange): number {
    return this.offsetAt(range.startLine, range.startCol);
  }

  end(range: SourceRange): number {
    return this.offsetAt(range.endLine, range.endCol);
  }

  slice(range: SourceRange): string {
    return this.text.slice(this.start(range), this.end(range));
  }

  range(from: number, to: number): SourceRange {
    const a = this.positionAt(from);
    const b = this.positionAt(to);
    return { startLine: a.line, startCol: a.col, endLine: b.line, endCol: b.col };
  }

  /** The leading whitespace of a line. */
  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lines[line] ?? '')?.[0] ?? '';
  }

  /** Computes a whole-file fact once. */
  once<T>(key: string, compute: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, compute());
    return this.memo.get(key) as T;
  }

  /** The indentation step the file uses (the smallest non-zero indent), default four spaces. */
  indentUnit(): string {
    return this.once('indentUnit', () => {
      let best: string | undefined;
      for (const l of this.lines) {
        const m = /^([ \t]+)\S/.exec(l);
        if (m && (!best || m[1].length < best.length)) best = m[1];
      }
      return best ?? '    ';
    });
  }

  /** The offset of the closing bracket that matches the first opening bracket at or after `from` (skipping strings). */
  matchingClose(from: number, open = '(', close = ')'): number | undefined {
    const i = this.text.indexOf(open, from);
    if (i < 0) return undefined;
    let depth = 0;
    for (let j = i; j < this.text.length; j++) {
      const c = this.text[j];
      if (c === '"' || c === "'" || c === '`') {
        const k = this.text.indexOf(c, j + 1);
        if (k < 0) return undefined;
        j = k;
      } else if (c === open) depth++;
      else if (c === close && --depth === 0) return j;
    }
    return undefined;
  }

  /** The closing bracket of the parameter list that contains the offset `inside` (skipping strings). */
  enclosingClose(inside: number): number | undefined {
    let depth = 0;
    for (let j = inside; j < this.text.length; j++) {
      const c = this.text[j];
      if (c === '"' || c === "'" || c === '`') {
        const k = this.text.indexOf(c, j + 1);
        if (k < 0) return undefined;
        j = k;
      } else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) return c === ')' ? j : undefined;
        depth--;
      }
    }
    return undefined;
  }

  /** The offset of the last non-blank character before `offset` (skipping Python line continuations), or -1. */
  previousNonBlank(offset: number): number {
    let j = offset - 1;
    while (j >= 0 && /[\s\\]/.test(this.text[j])) j--;
    return j;
  }
}
