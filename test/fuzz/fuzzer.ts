// The analysis fuzzer (issue 12 §5): seeded mutations of every fixture and sample (truncations, byte flips, splices,
// token insertions, deep nesting) plus binary files, in Python, TypeScript/JavaScript (TSX too) and notebooks, fed
// to the analysis and the rules as the editor and `loss-lab check` feed them. It checks what a user relies on:
//   - no throw escapes (analyzeSource, notebookCells and runRules never throw);
//   - every parse ends within its deadline (an input whose analysis takes more CPU time than the deadline plus a
//     margin is a hang; CPU time, as the deadlines count it, so a loaded machine does not fake a hang);
//   - every finding's range lies in the document.
// Used by test/unit/analysis/fuzz.test.ts (a bounded run in `npm test`) and test/fuzz/main.ts (`npm run fuzz`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeSource, languageOf, parseBudgetMs } from '../../src/analysis/index';
import type { SourceLanguage, SourceRange } from '../../src/analysis/ir';
import { isNotebookPath, notebookCells } from '../../src/analysis/notebook';
import { cpuClockMs } from '../../src/analysis/parsing/deadline';
import { runRules } from '../../src/analysis/rules/index';

export const root = join(__dirname, '..', '..');
/** Found crashers, kept as fixtures and replayed before every run. */
export const crashersDir = join(root, 'test', 'fixtures', 'fuzz');

export interface Seed {
  name: string;
  bytes: Buffer;
}

export interface Failure {
  kind: 'escape' | 'hang' | 'range';
  seed: string;
  mutation: string;
  /** The name it was analysed under (its extension picks the language). */
  fileName: string;
  detail: string;
  input: Buffer;
}

export interface FuzzStats {
  inputs: number;
  seconds: number;
  escapes: number;
  hangs: number;
  badRanges: number;
  notAnalysed: number;
  /** The slowest analysis of one input, and the budget its parse had. */
  slowestMs: number;
  failures: Failure[];
}

const SOURCE = /\.(py|ts|tsx|js|jsx|mjs|ipynb)$/i;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return SOURCE.test(e.name) && statSync(p).size < 200_000 ? [p] : [];
  });
}

/** Every fixture and sample, and the saved crashers, sorted (the corpus is the same on every machine). */
export function loadSeeds(): Seed[] {
  const files = [...walk(join(root, 'test', 'fixtures')), ...walk(join(root, 'sample-workspace'))].sort();
  return files.map((f) => ({ name: relative(root, f), bytes: readFileSync(f) }));
}

/** mulberry32: small, seeded, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces of syntax that make parsers and front ends work hard. */
const tokens = [
  '(', ')', '[', ']', '{', '}', ':', ',', '\n', '\n    ', '\\\n', '"', "'", '"""', '`${', '<', '>', '/>', '</a>', '<a {{b:>c:d(e f)',
  'def f(y_true, y_pred, lam=0.1):\n    return ', 'return ', ' + lam * ', ' - ', 'lambda x: ', 'self.', 'tf.reduce_mean(', 'torch.sum(',
  'tf.keras.losses.categorical_crossentropy(y_true, y_pred)', 'y_pred[:, 1:]', '.sum(dim=1)', 'for p in model.parameters()', 'if ', ' else ',
  'async ', 'yield ', '@', '**', '//', '#', '/*', '*/', '\u0000', '\uFFFD', '😀', '\u202e', '\r\n', '\t', 'import tensorflow as tf\n',
  'export const loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => ', 'tf.tidy(() => ', '=>', '...', '?.', '!', '= =',
];

type Mutation = (input: Buffer, r: () => number, other: Buffer) => Buffer;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const at = (r: () => number, n: number): number => Math.floor(r() * (n + 1));

/** Mutations by name (the name is recorded with a failure). */
export const mutations: Record<string, Mutation> = {
  truncate: (b, r) => b.subarray(0, at(r, b.length)),
  flip: (b, r) => {
    const out = Buffer.from(b);
    for (let k = 1 + Math.floor(r() * 8); k > 0 && out.length > 0; k--) out[Math.floor(r() * out.length)]! ^= 1 << Math.floor(r() * 8);
    return out;
  },
  splice: (b, r, other) => Buffer.concat([b.subarray(0, at(r, b.length)), other.subarray(at(r, other.length))]),
  insert: (b, r) => {
    const i = at(r, b.length);
    const piece = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(r, tokens)).join(''));
    return Buffer.concat([b.subarray(0, i), piece, b.subarray(i)]);
  },
  delete: (b, r) => {
    const i = at(r, b.length);
    return Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + 1 + Math.floor(r() * 64)))]);
  },
  duplicate: (b, r) => {
    const i = at(r, b.length);
    const j = Math.min(b.length, i + Math.floor(r() * 256));
    return Buffer.concat([b.subarray(0, j), b.subarray(i, j), b.subarray(j)]);
  },
  nest: (b, r) => {
    // deep nesting at a random point: brackets, calls or binary operators, hundreds to thousands deep
    const depth = 50 + Math.floor(r() * 3000);
    const [open, close] = pick(r, [['(', ')'], ['[', ']'], ['{', '}'], ['tf.abs(', ')'], ['-', ''], ['1 + ', ''], ['not ', ''], ['<a>', '</a>']] as const);
    const i = at(r, b.length);
    return Buffer.concat([b.subarray(0, i), Buffer.from(open.repeat(depth) + 'x' + close.repeat(r() < 0.8 ? depth : Math.floor(depth / 2))), b.subarray(i)]);
  },
  binary: (_b, r) => {
    // random bytes, or an MPEG transport stream (a `.ts` file too): 0x47 every 188 bytes
    const n = 16 + Math.floor(r() * 4000);
    const mpeg = r() < 0.5;
    return Buffer.from(Array.from({ length: n }, (_, i) => (mpeg && i % 188 === 0 ? 0x47 : Math.floor(r() * 256))));
  },
};

const names = Object.keys(mutations);

/** The analysed file name for a seed: its own, or for a binary mutation sometimes a `.ts`/`.tsx` one. */
function fileNameFor(seed: Seed, r: () => number): string {
  const roll = r();
  if (roll < 0.05) return 'fuzz.tsx';
  if (roll < 0.1) return 'fuzz.ts';
  return seed.name;
}

function inDocument(range: SourceRange, lines: string[]): boolean {
  const { startLine, startCol, endLine, endCol } = range;
  const ok = (line: number, col: number) => Number.isInteger(line) && Number.isInteger(col) && line >= 0 && line < lines.length && col >= 0 && col <= lines[line]!.length;
  return ok(startLine, startCol) && ok(endLine, endCol) && (startLine < endLine || (startLine === endLine && startCol <= endCol));
}

export interface CheckResult {
  escape?: string;
  hangMs?: number;
  badRange?: string;
  notAnalysed: number;
  ms: number;
}

/** The margin beyond a parse's budget an analysis may take (the front end and the rules after the parse). */
export const HANG_MARGIN_MS = 3000;

/** Analyses one source text as the CLI does and checks it. */
function checkSource(text: string, language: SourceLanguage, fileName: string, parseBaseMs: number): CheckResult {
  // CPU time, as the parse deadlines count it: a loaded machine makes an analysis wait, not hang.
  const t0 = cpuClockMs();
  let notAnalysed = 0;
  try {
    const analysis = analyzeSource(text, language, fileName, { parseBaseMs });
    if (analysis.notAnalysed) notAnalysed++;
    const findings = runRules(analysis, text);
    const ms = cpuClockMs() - t0;
    const budget = parseBudgetMs(text.length, parseBaseMs);
    const lines = text.split('\n');
    const bad = [...findings.map((f) => ({ what: `${f.code} finding`, range: f.range })), ...analysis.syntaxErrors.map((e) => ({ what: 'syntax error', range: e.range }))].find(
      (x) => !inDocument(x.range, lines),
    );
    return {
      notAnalysed,
      ms,
      ...(ms > budget + HANG_MARGIN_MS ? { hangMs: ms } : {}),
      ...(bad ? { badRange: `${bad.what} at ${JSON.stringify(bad.range)} outside a document of ${lines.length} lines` } : {}),
    };
  } catch (err) {
    return { notAnalysed, ms: cpuClockMs() - t0, escape: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

/** One input: a file's bytes under a name, decoded and analysed as `loss-lab check` would (notebooks cell by cell). */
export function checkInput(bytes: Buffer, fileName: string, parseBaseMs: number): CheckResult {
  const text = bytes.toString('utf8');
  if (isNotebookPath(fileName)) {
    const t0 = performance.now();
    try {
      const nb = notebookCells(text);
      const total: CheckResult = { notAnalysed: 0, ms: 0 };
      if (!nb.ok || !nb.language) return { notAnalysed: 0, ms: performance.now() - t0 };
      for (const cell of nb.cells) {
        const r = checkSource(cell.source, nb.language, fileName, parseBaseMs);
        total.notAnalysed += r.notAnalysed;
        if (r.escape || r.hangMs || r.badRange) return { ...r, ms: performance.now() - t0 };
      }
      return { ...total, ms: performance.now() - t0 };
    } catch (err) {
      return { notAnalysed: 0, ms: performance.now() - t0, escape: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
  }
  const language = languageOf(fileName) ?? 'python';
  return checkSource(text, language, fileName, parseBaseMs);
}

export interface FuzzOptions {
  seed: number;
  /** Stop after this many inputs… */
  maxInputs: number;
  /** …or this many seconds, whichever comes first. */
  maxSeconds: number;
  /** The parse deadline's base (ms) during the run: short, so inputs that hit it cost little. */
  parseBaseMs: number;
  onProgress?: (stats: FuzzStats) => void;
}

/** The saved crashers (test/fixtures/fuzz/*), replayed first: each must now pass. */
export function crasherSeeds(): Seed[] {
  let files: string[] = [];
  try {
    files = readdirSync(crashersDir).filter((f) => SOURCE.test(f)).sort();
  } catch {
    return [];
  }
  return files.map((f) => ({ name: join('test/fixtures/fuzz', f), bytes: readFileSync(join(crashersDir, f)) }));
}

export function fuzz(options: FuzzOptions): FuzzStats {
  const seeds = loadSeeds();
  const r = rng(options.seed);
  const stats: FuzzStats = { inputs: 0, seconds: 0, escapes: 0, hangs: 0, badRanges: 0, notAnalysed: 0, slowestMs: 0, failures: [] };
  const t0 = performance.now();
  const record = (seed: string, mutation: string, fileName: string, input: Buffer, result: CheckResult) => {
    stats.inputs++;
    stats.notAnalysed += result.notAnalysed;
    stats.slowestMs = Math.max(stats.slowestMs, result.ms);
    const add = (kind: Failure['kind'], detail: string) => stats.failures.push({ kind, seed, mutation, fileName, detail, input });
    if (result.escape) {
      stats.escapes++;
      add('escape', result.escape);
    }
    if (result.hangMs) {
      stats.hangs++;
      add('hang', `${result.hangMs.toFixed(0)} ms`);
    }
    if (result.badRange) {
      stats.badRanges++;
      add('range', result.badRange);
    }
  };
  for (const c of crasherSeeds()) record(c.name, 'saved crasher', c.name, c.bytes, checkInput(c.bytes, c.name, options.parseBaseMs));
  for (const s of seeds) record(s.name, 'unchanged', s.name, s.bytes, checkInput(s.bytes, s.name, options.parseBaseMs));
  while (stats.inputs < options.maxInputs && performance.now() - t0 < options.maxSeconds * 1000) {
    const seed = pick(r, seeds);
    const name = pick(r, names);
    let input = mutations[name]!(seed.bytes, r, pick(r, seeds).bytes);
    // sometimes a second mutation on top of the first
    const second = r() < 0.3 ? pick(r, names) : undefined;
    if (second) input = mutations[second]!(input, r, pick(r, seeds).bytes);
    const fileName = name === 'binary' || second === 'binary' ? fileNameFor(seed, r) : seed.name;
    record(seed.name, `${name}${second ? `+${second}` : ''}`, fileName, input, checkInput(input, fileName, options.parseBaseMs));
    if (options.onProgress && stats.inputs % 1000 === 0) options.onProgress({ ...stats, seconds: (performance.now() - t0) / 1000 });
  }
  stats.seconds = (performance.now() - t0) / 1000;
  return stats;
}
