// The analysis API (see the team brief): parsers, one-shot analysis, incremental per-document analysis.
// Everything here is plain TypeScript (no `vscode`), used by the editor service, the CLI and the tests.
import type { Parser, Tree } from 'web-tree-sitter';
import { detectFramework } from './framework';
import type { FileAnalysis, LossModel, ParseProblem, SourceLanguage } from './ir';
import { type Grammar, createParser, parsersReady, sharedParser } from './parsing/parsers';
import { syntaxErrorsOf } from './parsing/range';
import { recoverDefinitions } from './parsing/recover';
import { DefinitionCache } from './parsing/definitionCache';
import { UsageCache } from './python/usageCache';
import type { NotebookCell } from './notebook';
import { analyzePythonTree } from './python/index';
import { type ModuleScope, emptyModuleScope, readModuleAssignment } from './python/moduleScope';
import { analyzeScriptTree } from './tsjs/index';

export { initParsers } from './parsing/parsers';

/** tree-sitter's edit shape; indices and columns in UTF-16 code units (what web-tree-sitter uses for JS strings). */
export interface TextEditDelta {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

/** VS Code language ids and file names (by extension) → the analysed language. */
const languageIds: Readonly<Record<string, SourceLanguage>> = {
  python: 'python', py: 'python', pyi: 'python', ipynb: 'python',
  typescript: 'typescript', typescriptreact: 'typescript', ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  javascript: 'javascript', javascriptreact: 'javascript', js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
};

export function languageOf(fileNameOrLanguageId: string): SourceLanguage | undefined {
  const key = fileNameOrLanguageId.toLowerCase();
  const ext = key.includes('.') ? key.slice(key.lastIndexOf('.') + 1) : key;
  return Object.hasOwn(languageIds, ext) ? languageIds[ext] : undefined;
}

/** A closing JSX tag or a self-closing one: TypeScript source that needs the TSX grammar. */
const jsxLike = /<\/[A-Za-z]|\/>/;

/**
 * TSX needs its own grammar (the TypeScript one reads `<div>` as a type assertion). Chosen by the caller (`tsx`), by
 * a `.tsx` file name, else, when neither is given, by JSX in the text.
 */
function grammarFor(language: SourceLanguage, source: string, fileName?: string, tsx?: boolean): Grammar {
  if (language !== 'typescript') return language;
  if (tsx !== undefined) return tsx ? 'tsx' : 'typescript';
  if (fileName) return /\.tsx$/i.test(fileName) ? 'tsx' : 'typescript';
  return jsxLike.test(source) ? 'tsx' : 'typescript';
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const fileStart = { startLine: 0, startCol: 0, endLine: 0, endCol: 0 };

/** The file's analysis from a parsed tree; problems inside one definition are reported, not thrown. */
/** What a DocumentAnalyzer keeps between updates so only changed definitions and call sites are read again. */
interface Caches {
  definitions: DefinitionCache;
  usages: UsageCache;
}

function analyzeTree(tree: Tree, source: string, language: SourceLanguage, parser: Parser, caches?: Caches, module?: ModuleScope): FileAnalysis {
  const framework = detectFramework(source, language);
  const problems: ParseProblem[] = syntaxErrorsOf(tree);
  let models: LossModel[] = [];
  let recovered: Tree[] = [];
  try {
    recovered = recoverDefinitions(source, language, tree, parser);
    const extra = recovered.map((t) => t.rootNode);
    models =
      language === 'python'
        ? analyzePythonTree(tree, source, framework, { problems, extraRoots: extra, cache: caches?.definitions, usageCache: caches?.usages, ...(module ? { module } : {}) })
        : analyzeScriptTree(tree, source, language, framework, { problems, extraRoots: extra, cache: caches?.definitions });
  } catch (err) {
    problems.push({ range: fileStart, message: `Loss Lab could not analyse this file: ${describe(err)}` });
  } finally {
    for (const t of recovered) t.delete();
  }
  const out: FileAnalysis = { language, models, syntaxErrors: problems };
  if (framework) out.framework = framework;
  return out;
}

function notReady(language: SourceLanguage, err?: unknown): FileAnalysis {
  const why = err ? describe(err) : 'the parsers are not loaded yet (initParsers)';
  return { language, models: [], syntaxErrors: [{ range: fileStart, message: `Loss Lab could not parse this file: ${why}` }] };
}

export interface SourceOptions {
  /** A notebook cell's scope: the code cells above it (their module constants count, origin 'notebook-cell'). */
  cellsAbove?: readonly NotebookCell[];
}

/** The constants the cells above define, each with its cell; a later cell's assignment wins. Python only. */
function notebookModule(cells: readonly NotebookCell[]): ModuleScope {
  const module = emptyModuleScope();
  const parser = sharedParser('python');
  for (const cell of cells) {
    const tree = parser.parse(cell.source);
    if (!tree) continue;
    try {
      const own = emptyModuleScope();
      for (const n of tree.rootNode.namedChildren) if (n?.type === 'expression_statement' && /=/.test(n.text)) readModuleAssignment(n, own);
      for (const [k, c] of own.constants) module.constants.set(k, { ...c, cell: cell.number });
    } finally {
      tree.delete();
    }
  }
  return module;
}

/** Parses and analyses one source text. Synchronous once `initParsers` has resolved; never throws. */
export function analyzeSource(source: string, language: SourceLanguage, fileName?: string, options: SourceOptions = {}): FileAnalysis {
  if (!parsersReady()) return notReady(language);
  let tree: Tree | null = null;
  try {
    const parser = sharedParser(grammarFor(language, source, fileName));
    tree = parser.parse(source);
    if (!tree) return notReady(language, new Error('the parser returned no tree'));
    const module = language === 'python' && options.cellsAbove?.length ? notebookModule(options.cellsAbove) : undefined;
    return analyzeTree(tree, source, language, parser, undefined, module);
  } catch (err) {
    return notReady(language, err);
  } finally {
    tree?.delete();
  }
}

/**
 * One document's analysis kept up to date: each update applies the edits to the previous tree (`tree.edit`) and
 * reparses with it, so tree-sitter only re-reads what changed. Without edits (or before the first parse) the text
 * is parsed from scratch. Never throws.
 */
export class DocumentAnalyzer {
  private parser?: ReturnType<typeof createParser>;
  private grammar?: Grammar;
  private tree?: Tree;
  /** Definitions and call sites analysed before, by text: after an edit only the changed ones are read again. */
  private readonly caches: Caches = { definitions: new DefinitionCache(), usages: new UsageCache() };

  constructor(
    readonly language: SourceLanguage,
    private readonly options: { fileName?: string; tsx?: boolean } = {},
  ) {}

  update(text: string, edits?: TextEditDelta[]): FileAnalysis {
    if (!parsersReady()) return notReady(this.language);
    try {
      const grammar = grammarFor(this.language, text, this.options.fileName, this.options.tsx);
      if (grammar !== this.grammar) {
        // first parse, or JSX appeared in a TypeScript document: a new parser, and no old tree to reuse
        this.parser?.delete();
        this.tree?.delete();
        this.tree = undefined;
        this.parser = createParser(grammar);
        this.grammar = grammar;
      }
      const parser = this.parser as ReturnType<typeof createParser>;
      const old = edits && edits.length > 0 ? this.tree : undefined;
      if (old) for (const e of edits ?? []) old.edit(e);
      const tree = parser.parse(text, old ?? null);
      if (!tree) return notReady(this.language, new Error('the parser returned no tree'));
      this.tree?.delete();
      this.tree = tree;
      return analyzeTree(tree, text, this.language, parser, this.caches);
    } catch (err) {
      this.tree?.delete();
      this.tree = undefined; // the next update parses from scratch
      return notReady(this.language, err);
    }
  }

  /** How many top-level definitions the last update analysed again (the others were reused unchanged). */
  get rebuiltDefinitions(): number {
    return this.caches.definitions.rebuilt;
  }

  /** How many call sites (compile, fit, partial, calls of a loss…) the last update read from the tree again. */
  get rereadCallSites(): number {
    return this.caches.usages.read;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.parser?.delete();
    this.parser = undefined;
    this.grammar = undefined;
  }
}
