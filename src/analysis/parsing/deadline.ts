// Every parse has a deadline. tree-sitter-typescript never finishes on some inputs (the TSX line
// `<a {{b:>c:d(e f)`, short binary-looking `.ts` files): without a deadline one such line freezes the editor's
// extension host and `loss-lab check`. web-tree-sitter 0.25 calls `progressCallback` often during a parse; returning
// true cancels it (parse then returns null), and `reset()` makes the next parse start afresh instead of resuming.
import type { Parser, Range, Tree } from 'web-tree-sitter';

/** The time every parse of a file gets: a base, plus 1 ms per 1,000 characters (a 1 MB file parses in ~0.6 s). */
export const PARSE_BASE_MS = 750;

export function parseBudgetMs(textLength: number, baseMs = PARSE_BASE_MS): number {
  return Math.round(baseMs + textLength / 1000);
}

/**
 * The clock deadlines are measured on: this process's CPU time (ms) where Node gives it, else wall time. A parse that
 * never ends burns CPU, so it is caught all the same; a parse that waited for a busy machine's CPU is not cut short
 * (on wall time, a ten-line file was reported unparsable while other processes loaded both cores).
 */
export function cpuClockMs(): number {
  const usage = typeof process !== 'undefined' && typeof process.cpuUsage === 'function' ? process.cpuUsage() : undefined;
  return usage ? (usage.user + usage.system) / 1000 : performance.now();
}

/** A point on cpuClockMs() shared by all parses of one analysis, and the budget it came from. */
export interface Deadline {
  readonly ms: number;
  readonly at: number;
  /** The same budget on the wall clock: CPU time never runs ahead of it, so until then there is no need to ask. */
  readonly wallAt: number;
}

export function deadlineIn(ms: number): Deadline {
  return { ms, at: cpuClockMs() + ms, wallAt: performance.now() + ms };
}

/**
 * Past the deadline's CPU time. The parser asks about a thousand times in a 250 KB parse and reading the CPU time is
 * a system call (~2 µs, 15% of the parse), so the cheap wall clock is read first.
 */
export function pastDeadline(deadline: Deadline): boolean {
  return performance.now() > deadline.wallAt && cpuClockMs() > deadline.at;
}

/** A parse cancelled at its deadline. */
export class ParseTimeout extends Error {
  constructor(readonly ms: number) {
    super(`not analysed: the parser gave up after ${ms} ms`);
    this.name = 'ParseTimeout';
  }
}

/** `parser.parse`, cancelled at the deadline: throws ParseTimeout (the parser is reset, ready for other text). */
export function parseBefore(parser: Parser, text: string, deadline: Deadline, oldTree?: Tree | null, includedRanges?: Range[]): Tree {
  const cancel = (): boolean => pastDeadline(deadline);
  if (cancel()) throw new ParseTimeout(deadline.ms);
  const tree = parser.parse(text, oldTree ?? null, { ...(includedRanges ? { includedRanges } : {}), progressCallback: cancel });
  if (tree) return tree;
  parser.reset();
  if (cancel()) throw new ParseTimeout(deadline.ms);
  throw new Error('the parser returned no tree');
}
