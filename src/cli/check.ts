// `loss-lab check <files or folders> [--json]`: the editor's rules on the command line, for CI and pre-commit.
// Prints `file:line:col code message` (1-based; in a Jupyter notebook `file:cell N:line:col`, cell-relative, as
// Ruff prints them), or a JSON report; exit 1 when a warning, an error or a syntax
// error is found (a file that does not parse was not fully checked, as ESLint and Ruff treat it), 0 otherwise,
// 2 on usage errors (unknown option, missing path, nothing to check).
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chooseLoss, qualifiedName } from '../analysis/choose';
import { analyzeSource, initParsers, languageOf } from '../analysis/index';
import type { SourceLanguage } from '../analysis/ir';
import { isNotebookPath, type NotebookCell, notebookCells, OTHER_KERNEL } from '../analysis/notebook';
import { type Finding, type RuleCode, ruleByCode, rules, runRules, type Severity } from '../analysis/rules/index';

export const checkUsage = `Usage: loss-lab check <files or folders…> [--json] [--max-size N]

Checks the loss functions in Python, TypeScript and JavaScript files and in Jupyter notebooks (folders are
searched recursively, skipping node_modules, .git, virtual environments and __pycache__). A notebook's
findings say which cell: notebook.ipynb:cell 3:2:5, the line and column within the cell.

  --json                   print a JSON report on stdout
  --github                 print GitHub Actions annotations (::warning file=…,line=…::…) on stdout
  --severity CODE=LEVEL    override a rule's severity (error, warning, information, hint, off), as the
                           lossLab.diagnostics.severity setting does in the editor; repeatable
  --max-size N             skip files larger than N characters (default 1000000)
  -h, --help               show this help

Exit code: 1 when a warning, an error or a syntax error is found, 0 otherwise, 2 on usage errors.`;

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache']);
/** Declaration files hold no code to check. */
const SKIPPED_EXTENSIONS = /\.d\.ts$/i;

export type SeverityOverride = Severity | 'off';

export interface CheckOptions {
  paths: string[];
  json: boolean;
  github: boolean;
  maxSize: number;
  severity: Partial<Record<RuleCode, SeverityOverride>>;
}

const LEVELS: readonly SeverityOverride[] = ['error', 'warning', 'information', 'hint', 'off'];

export class UsageError extends Error {}

export function parseCheckArgs(argv: readonly string[]): CheckOptions | 'help' {
  const opts: CheckOptions = { paths: [], json: false, github: false, maxSize: 1_000_000, severity: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--json') opts.json = true;
    else if (a === '--github') opts.github = true;
    else if (a === '--max-size' || a.startsWith('--max-size=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      const n = Number(v);
      if (v === undefined || !Number.isFinite(n) || n < 0) throw new UsageError(`--max-size needs a non-negative number, got ${v ?? 'nothing'}`);
      opts.maxSize = n;
    } else if (a === '--severity' || a.startsWith('--severity=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      const [code, level] = (v ?? '').split('=');
      if (!ruleByCode.has(code as RuleCode)) throw new UsageError(`--severity: unknown rule code ${code || '(none)'} (expected LL101…LL${100 + rules.length})`);
      if (!LEVELS.includes(level as SeverityOverride)) throw new UsageError(`--severity ${code}: level must be one of ${LEVELS.join(', ')}`);
      opts.severity[code as RuleCode] = level as SeverityOverride;
    } else if (a === '--') {
      opts.paths.push(...argv.slice(i + 1));
      break;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else opts.paths.push(a);
  }
  if (opts.paths.length === 0) throw new UsageError('no files or folders to check');
  return opts;
}

/** The files to check under the given paths, in a stable order. Missing paths are usage errors. */
export function collectFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean): void => {
    // Inside folders: symbolic links are not followed (no loops) and unreadable entries are skipped.
    let st: ReturnType<typeof statSync>;
    try {
      st = explicit ? statSync(p) : lstatSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (SKIPPED_DIRS.has(name)) continue;
        visit(join(p, name), false);
      }
    } else if (st.isFile()) {
      const supported = languageOf(p) !== undefined && !SKIPPED_EXTENSIONS.test(p);
      if (supported) out.push(p);
      else if (explicit) throw new UsageError(`${p} is not a Python, TypeScript or JavaScript file`);
    }
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`${p} does not exist`);
    visit(p, true);
  }
  return [...new Set(out)];
}

export interface FileReport {
  file: string;
  /** In a notebook: the cell (1-based, markdown cells counted); lines and columns are within it. */
  cell?: number;
  language: SourceLanguage;
  findings: Finding[];
  /** `unreadable`: the whole file could not be read as code (a notebook that is not valid JSON), nothing was checked. */
  syntaxErrors: { line: number; column: number; message: string; unreadable?: boolean }[];
  /** Rules that failed on this file (a Loss Lab bug, not the user's): reported, never blocking. */
  notes: string[];
  skipped?: string;
  /** The loss a command would train in this file (or cell), why, and the others (src/analysis/choose.ts). */
  chosen?: ChosenLoss;
  /** The file (or cell) was read but not analysed: a parse past its deadline, a binary file. Not blocking. */
  notAnalysed?: string;
  /** Checking the file failed (a Loss Lab bug or a file crafted to break it): said, the run goes on, exit 1. */
  failed?: string;
}

export interface ChosenLoss {
  name: string;
  line: number;
  why: string;
  because: string;
  others: { name: string; line: number }[];
}

/** The reports of one file: one, or for a notebook one per code cell with something to say (else one, clean). */
export function checkFile(path: string, maxSize: number, severity: CheckOptions['severity'] = {}): FileReport[] {
  const language = languageOf(path) as SourceLanguage;
  const file = relative(process.cwd(), path) || path;
  const empty = { file, language, findings: [], syntaxErrors: [], notes: [] };
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    return [{ ...empty, skipped: `cannot read it: ${(err as Error).message}` }];
  }
  if (source.length > maxSize) return [{ ...empty, skipped: `${source.length} characters, over the limit of ${maxSize}` }];
  if (!isNotebookPath(path)) return [checkSource(file, language, source, path, severity)];
  const nb = notebookCells(source);
  // A notebook that does not parse as one was not checked: as a syntax error, it fails the run.
  if (!nb.ok) return [{ ...empty, syntaxErrors: [{ line: 1, column: 1, message: nb.message, unreadable: true }] }];
  if (!nb.language) return [{ ...empty, skipped: OTHER_KERNEL }];
  // a cell's scope is the notebook: the constants of the cells above it count
  const cells = nb.cells
    .map((cell, i) => ({ ...checkSource(file, nb.language!, cell.source, path, severity, nb.cells.slice(0, i), nb.cells.slice(i + 1)), cell: cell.number }))
    .filter((r) => r.findings.length + r.syntaxErrors.length + r.notes.length > 0);
  return cells.length > 0 ? cells : [{ ...empty, language: nb.language }];
}

/** checkFile that never throws: a file that breaks the checker is reported ("could not check FILE: …"), the run goes on. */
export function checkFileSafely(path: string, maxSize: number, severity: CheckOptions['severity'] = {}): FileReport[] {
  try {
    return checkFile(path, maxSize, severity);
  } catch (err) {
    const file = relative(process.cwd(), path) || path;
    const language = languageOf(path) ?? 'python';
    return [{ file, language, findings: [], syntaxErrors: [], notes: [], failed: err instanceof Error ? err.message : String(err) }];
  }
}

function checkSource(file: string, language: SourceLanguage, source: string, path: string, severity: CheckOptions['severity'], cellsAbove?: NotebookCell[], cellsBelow?: NotebookCell[]): FileReport {
  const analysis = analyzeSource(source, language, path, cellsAbove ? { cellsAbove, ...(cellsBelow ? { cellsBelow } : {}) } : {});
  if (analysis.notAnalysed) return { file, language, findings: [], syntaxErrors: [], notes: [], notAnalysed: analysis.notAnalysed.message };
  const failures: string[] = [];
  const findings: Finding[] = [];
  for (const f of runRules(analysis, source, (code, model) => failures.push(`${code} on ${model}`))) {
    const level = severity[f.code] ?? f.severity;
    if (level !== 'off') findings.push({ ...f, severity: level });
  }
  const syntaxErrors = analysis.syntaxErrors.map((e) => ({ line: e.range.startLine + 1, column: e.range.startCol + 1, message: e.message }));
  const notes = failures.map((f) => `Loss Lab rule ${f} failed and was skipped`);
  const report: FileReport = { file, language, findings, syntaxErrors, notes };
  const choice = chooseLoss(analysis);
  if (choice.ok) {
    report.chosen = {
      name: qualifiedName(choice.model),
      line: choice.model.nameRange.startLine + 1,
      why: choice.why,
      because: choice.because,
      others: choice.others.map((o) => ({ name: qualifiedName(o), line: o.nameRange.startLine + 1 })),
    };
  }
  return report;
}

/**
 * Plain output shows control characters as escapes (`\n`, `\x1b`, `\u202e`): a file name or a quoted piece of code
 * must not start a line of its own (a forged `::error` GitHub Actions command) or drive the terminal.
 */
export function plain(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    const code = c.charCodeAt(0);
    return named[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/** `file:line:col`, or in a notebook `file:cell N:line:col`. */
const at = (r: FileReport, line: number, column: number): string => `${plain(r.file)}${r.cell ? `:cell ${r.cell}` : ''}:${line}:${column}`;
/** `file` or `file:cell N`, escaped for plain output. */
const where = (r: FileReport): string => `${plain(r.file)}${r.cell ? `:cell ${r.cell}` : ''}`;

const GITHUB_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };
/** GitHub's workflow-command escaping: `%`, CR, LF everywhere; also `:` and `,` in properties. */
const ghData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProp = (s: string): string => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** A notebook's lines are not the lines of its JSON file: annotations there name the file alone and say the cell. */
function githubAnnotation(report: FileReport, f: Finding): string {
  const r = f.range;
  const title = ghProp(`${f.code} ${ruleByCode.get(f.code)?.title ?? ''}`.trim());
  if (report.cell) {
    return `::${GITHUB_LEVEL[f.severity]} file=${ghProp(report.file)},title=${title}::${ghData(`cell ${report.cell}, line ${r.startLine + 1}: ${f.message}`)}`;
  }
  const where = `file=${ghProp(report.file)},line=${r.startLine + 1},col=${r.startCol + 1},endLine=${r.endLine + 1},endColumn=${r.endCol + 1}`;
  return `::${GITHUB_LEVEL[f.severity]} ${where},title=${title}::${ghData(f.message)}`;
}

const blocking = (f: Finding): boolean => f.severity === 'error' || f.severity === 'warning';

function toJson(reports: readonly FileReport[]): unknown {
  return {
    files: reports.map((r) => ({
      file: r.file,
      ...(r.cell ? { cell: r.cell } : {}),
      language: r.language,
      ...(r.skipped ? { skipped: r.skipped } : {}),
      ...(r.notAnalysed ? { notAnalysed: r.notAnalysed } : {}),
      ...(r.failed ? { error: `could not check ${r.file}: ${r.failed}` } : {}),
      syntaxErrors: r.syntaxErrors,
      ...(r.notes.length > 0 ? { notes: r.notes } : {}),
      ...(r.chosen ? { chosen: { ...r.chosen, file: r.file, ...(r.cell ? { cell: r.cell } : {}) } } : {}),
      findings: r.findings.map((f) => ({
        line: f.range.startLine + 1,
        column: f.range.startCol + 1,
        endLine: f.range.endLine + 1,
        endColumn: f.range.endCol + 1,
        code: f.code,
        severity: f.severity,
        title: ruleByCode.get(f.code)?.title,
        doc: ruleByCode.get(f.code)?.doc,
        message: f.message,
        model: f.modelId,
        fixes: f.fixes.map((x) => x.title),
      })),
    })),
    summary: {
      files: new Set(reports.map((r) => r.file)).size,
      findings: reports.reduce((n, r) => n + r.findings.length, 0),
      blocking: reports.reduce((n, r) => n + r.findings.filter(blocking).length, 0),
      syntaxErrors: reports.reduce((n, r) => n + r.syntaxErrors.length, 0),
      ...(reports.some((r) => r.failed) ? { failed: reports.filter((r) => r.failed).length } : {}),
    },
  };
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/** Runs the check; returns the exit code. */
export async function run(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  let opts: CheckOptions | 'help';
  let files: string[];
  try {
    opts = parseCheckArgs(argv);
    if (opts === 'help') {
      io.out(checkUsage);
      return 0;
    }
    files = collectFiles(opts.paths);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`loss-lab check: ${err.message}\n\n${checkUsage}`);
    return 2;
  }
  // Bundled: the grammars sit in dist/wasm beside dist/cli.js. From source: node_modules (initParsers' default).
  const bundled = join(__dirname, 'wasm');
  await initParsers(existsSync(join(bundled, 'tree-sitter.wasm')) ? bundled : undefined);

  const reports = files.flatMap((f) => checkFileSafely(f, opts.maxSize, opts.severity));
  const count = reports.reduce((n, r) => n + r.findings.filter(blocking).length, 0);
  const syntax = reports.reduce((n, r) => n + r.syntaxErrors.length, 0);
  const failed = reports.filter((r) => r.failed).length;
  if (opts.json) {
    io.out(JSON.stringify(toJson(reports), null, 2));
  } else if (opts.github) {
    for (const r of reports) {
      if (r.failed) io.out(`::error file=${ghProp(r.file)},title=Loss Lab could not check this file::${ghData(r.failed)}`);
      if (r.notAnalysed) io.out(`::notice file=${ghProp(r.file)},title=Loss Lab::${ghData(r.notAnalysed)}`);
      for (const e of r.syntaxErrors) {
        const where = r.cell ? '' : `,line=${e.line},col=${e.column}`;
        io.out(`::error file=${ghProp(r.file)}${where},title=Syntax error::${ghData(r.cell ? `cell ${r.cell}, line ${e.line}: ${e.message}` : e.message)}`);
      }
      for (const f of r.findings) io.out(githubAnnotation(r, f));
    }
  } else {
    for (const r of reports) {
      if (r.failed) io.err(`could not check ${plain(r.file)}: ${plain(r.failed)}`);
      if (r.skipped) io.err(`${plain(r.file)}: skipped (${plain(r.skipped)})`);
      if (r.notAnalysed) io.err(`${where(r)}: ${r.notAnalysed}`);
      for (const e of r.syntaxErrors) io.err(`${at(r, e.line, e.column)}: error: ${plain(e.message)} (${e.unreadable ? 'nothing in it was checked' : 'the rest of the file is still checked'})`);
      for (const n of r.notes) io.err(`${where(r)}: note: ${plain(n)}`);
      for (const f of r.findings) io.out(`${at(r, f.range.startLine + 1, f.range.startCol + 1)} ${f.code} ${plain(f.message)}`);
    }
    const total = reports.reduce((n, r) => n + r.findings.length, 0);
    const syntaxPart = `${syntax > 0 ? `, ${syntax} syntax error${syntax === 1 ? '' : 's'}` : ''}${failed > 0 ? `, ${failed} could not be checked` : ''}`;
    io.err(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${total} finding${total === 1 ? '' : 's'}, ${count} warning${count === 1 ? '' : 's'} or error${count === 1 ? '' : 's'}${syntaxPart}`);
  }
  return count > 0 || syntax > 0 || failed > 0 ? 1 : 0;
}
