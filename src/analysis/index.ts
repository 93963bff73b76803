// The analysis API (see the team brief): parsers, one-shot analysis, incremental per-document analysis.
// Everything here is plain TypeScript (no `vscode`), used by the editor service, the CLI and the tests.
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { readCompiledBase } from './compileCall';
import { clipTextsIn } from './exprText';
import { detectFramework } from './framework';
import type { FileAnalysis, LossModel, NotAnalysed, NoValueLoss, ParseProblem, SourceLanguage } from './ir';
import { blankMagics, type NotebookCell } from './notebook';
import { notTextReason } from './parsing/binary';
import { type Deadline, deadlineIn, ParseTimeout, parseBefore, parseBudgetMs } from './parsing/deadline';
import { DefinitionCache } from './parsing/definitionCache';
import { createParser, type Grammar, parsersReady, sharedParser } from './parsing/parsers';
import { syntaxErrorsOf } from './parsing/range';
import { recoverDefinitions } from './parsing/recover';
import { TextMemo } from './parsing/textSegments';
import { isLossClass } from './python/callables';
import { methodsOf } from './python/helperCalls';
import { readImports } from './python/imports';
import { analyzePythonTree } from './python/index';
import { emptyKerasGraph, readGraphStatement } from './python/kerasGraph';
import { emptyModuleScope, type ModuleScope, readLayerOutput, readModuleAssignment, readModuleInstance } from './python/moduleScope';
import { readParams } from './python/params';
import { UsageCache } from './python/usageCache';
import { analyzeScriptTree } from './tsjs/index';

export { type ChooseOptions, type ChooseResult, chooseLoss, type LossChoice, qualifiedName } from './choose';
export { PARSE_BASE_MS, parseBudgetMs } from './parsing/deadline';
export { initParsers } from './parsing/parsers';

/** How long parses may take: the base of the budget (ms), which grows with the text's length (parseBudgetMs). */
export interface ParseLimits {
  parseBaseMs?: number;
}

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
  text: TextMemo;
}

function analyzeTree(tree: Tree, source: string, language: SourceLanguage, parser: Parser, deadline: Deadline, caches?: Caches, module?: ModuleScope): FileAnalysis {
  const framework = detectFramework(source, language) ?? module?.framework;
  const problems: ParseProblem[] = syntaxErrorsOf(tree);
  let models: LossModel[] = [];
  const noValue: NoValueLoss[] = [];
  let recovered: Tree[] = [];
  try {
    recovered = recoverDefinitions(source, language, tree, (range) => parseBefore(parser, source, deadline, null, [range]));
    const extra = recovered.map((t) => t.rootNode);
    models =
      language === 'python'
        ? analyzePythonTree(tree, source, framework, { problems, extraRoots: extra, cache: caches?.definitions, usageCache: caches?.usages, textMemo: caches?.text, noValue, ...(module ? { module } : {}) })
        : analyzeScriptTree(tree, source, language, framework, { problems, extraRoots: extra, cache: caches?.definitions, noValue });
    clipTextsIn(models);
  } catch (err) {
    if (err instanceof ParseTimeout) return notAnalysed(language, 'timeout', err.message);
    problems.push({ range: fileStart, message: `Loss Lab could not analyse this file: ${describe(err)}` });
  } finally {
    for (const t of recovered) t.delete();
  }
  const out: FileAnalysis = { language, models, syntaxErrors: problems };
  if (noValue.length > 0) out.noValue = noValue;
  if (framework) out.framework = framework;
  return out;
}

function notReady(language: SourceLanguage, err?: unknown): FileAnalysis {
  const why = err ? describe(err) : 'the parsers are not loaded yet (initParsers)';
  return { language, models: [], syntaxErrors: [{ range: fileStart, message: `Loss Lab could not parse this file: ${why}` }] };
}

export interface SourceOptions extends ParseLimits {
  /**
   * A notebook cell's scope: the code cells above it (their module constants count, origin 'notebook-cell'); `[]`
   * for the first cell. Given, it says the text is a cell: its IPython magics are read as blank lines.
   */
  cellsAbove?: readonly NotebookCell[];
  /**
   * The code cells below it: only the model's `compile` is read there (a notebook defines its regularizer or add_loss
   * layer in one cell and compiles the model in a later one; that compiled loss is their base term), and the calls
   * that build a loss class of the cell (python/laterCells.ts).
   */
  cellsBelow?: readonly NotebookCell[];
}

/**
 * The constants and functions the cells above define, each constant with its cell; a later cell's definition wins.
 * Python only. The trees of cells that define functions stay alive (their nodes are read by the analysis): the
 * caller deletes them once it is done.
 */
function notebookModule(cells: readonly NotebookCell[], deadline: Deadline, below: readonly NotebookCell[] = []): { module: ModuleScope; trees: Tree[] } {
  const graph = emptyKerasGraph();
  const module: ModuleScope = { ...emptyModuleScope(), otherCells: new Set(), kerasGraph: graph };
  const parser = sharedParser('python');
  const trees: Tree[] = [];
  for (const written of cells) {
    const cell = { ...written, source: blankMagics(written.source) };
    const tree = parseBefore(parser, cell.source, deadline);
    let keep = false;
    try {
      const own = emptyModuleScope();
      for (const n of tree.rootNode.namedChildren) {
        if (n?.type === 'expression_statement' && /=/.test(n.text)) {
          readModuleAssignment(n, own);
          readLayerOutput(n, module);
          keep = readCellInstance(n, module) || keep;
        }
        if (n) readGraphStatement(n, graph);
        if (n?.type === 'class_definition' && (isLossClass(n) || namedLossClass(n))) {
          module.cellLossClasses ??= new Set();
          module.cellLossClasses.add(n.childForFieldName('name')?.text ?? '');
        }
        const className = n?.type === 'class_definition' ? n.childForFieldName('name')?.text : undefined;
        if (n && className) {
          module.cellClasses ??= new Map();
          module.cellClasses.set(className, n);
          keep = true;
        }
        const name = n && definedFunction(n);
        if (n && name) {
          module.functions.set(name, n);
          module.otherCells?.add(name);
          keep = true;
        }
      }
      for (const [k, c] of own.constants) module.constants.set(k, { ...c, cell: cell.number });
      module.imports = new Map([...(module.imports ?? []), ...readImports(tree.rootNode, cell.source)]);
      module.framework ??= detectFramework(cell.source, 'python');
      readCellCompile(tree, cell.source, module);
    } finally {
      if (keep) trees.push(tree);
      else tree.delete();
    }
  }
  module.laterCells = { cells: below.map((c) => ({ number: c.number, source: blankMagics(c.source) })), deadline };
  for (const written of below) {
    const source = blankMagics(written.source);
    if (!source.includes('.compile(')) continue;
    const tree = parseBefore(parser, source, deadline);
    try {
      readCellCompile(tree, source, module);
    } finally {
      tree.delete();
    }
  }
  return { module, trees };
}

/**
 * `mlp_criterion = nn.CrossEntropyLoss()` in a cell above the training loop: an object the loop's cell calls
 * (python/moduleInstances.ts), its statement's tree kept alive for that. Only the object: the settings a
 * constructor call binds stay the cell's own.
 */
function readCellInstance(stmt: Node, module: ModuleScope): boolean {
  const scratch = emptyModuleScope();
  const name = stmt.namedChild(0)?.childForFieldName('left')?.text;
  if (!name || !readModuleInstance(stmt, stmt.text, scratch)) {
    if (name) module.instances?.delete(name);
    return false;
  }
  module.instances ??= new Map();
  module.instances.set(name, stmt);
  module.instanceCells ??= new Set();
  module.instanceCells.add(name);
  return true;
}

/** `class CustomMSELoss(nn.Module)` whose forward takes two tensors or more (`recon, data`): a loss by its name. */
function namedLossClass(cls: Node): boolean {
  const name = cls.childForFieldName('name')?.text ?? '';
  const forward = methodsOf(cls).get('forward') ?? methodsOf(cls).get('__call__');
  return /Loss$/.test(name) && readParams(forward?.childForFieldName('parameters') ?? null).filter((p) => !p.variadic).length >= 3;
}

/** The notebook's last `compile` (cells above, then below): the loss a regularizer or add_loss of a cell adds to. */
function readCellCompile(tree: Tree, source: string, module: ModuleScope): void {
  const compiled = source.includes('.compile(') ? readCompiledBase(tree.rootNode, source, 'python') : undefined;
  if (compiled) module.compiledInCells = compiled;
}

/** A Python notebook cell's text as the parser reads it: its IPython magics blanked (notebook.ts blankMagics). */
const cellText = (text: string, language: SourceLanguage, cellsAbove: SourceOptions['cellsAbove']): string =>
  cellsAbove !== undefined && language === 'python' ? blankMagics(text) : text;

/** The name a top-level (possibly decorated) function definition defines. */
function definedFunction(n: Node): string | undefined {
  const def = n.type === 'decorated_definition' ? n.childForFieldName('definition') : n;
  return def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
}

/** Analyses with the notebook's scope, then frees the cells' trees it kept. */
function withNotebookScope<T>(cells: readonly NotebookCell[] | undefined, language: SourceLanguage, deadline: Deadline, analyse: (module?: ModuleScope) => T, below?: readonly NotebookCell[]): T {
  if (language !== 'python' || (!cells?.length && !below?.length)) return analyse();
  const { module, trees } = notebookModule(cells ?? [], deadline, below);
  try {
    return analyse(module);
  } finally {
    for (const t of trees) t.delete();
  }
}

/** A file that was not analysed at all: no models, and why (the caller keeps its last good analysis). */
function notAnalysed(language: SourceLanguage, reason: NotAnalysed['reason'], message: string): FileAnalysis {
  return { language, models: [], syntaxErrors: [], notAnalysed: { reason, message } };
}

/** A binary file is not parsed (see parsing/binary.ts). */
function binaryFile(language: SourceLanguage, source: string): FileAnalysis | undefined {
  const why = notTextReason(source);
  return why ? notAnalysed(language, 'binary', `not analysed: it is not text (${why})`) : undefined;
}

/**
 * Parses and analyses one source text. Synchronous once `initParsers` has resolved; never throws. Every parse ends
 * by its deadline (`options.parseBaseMs`): past it the result says "not analysed: the parser gave up after N ms".
 */
export function analyzeSource(written: string, language: SourceLanguage, fileName?: string, options: SourceOptions = {}): FileAnalysis {
  if (!parsersReady()) return notReady(language);
  const source = cellText(written, language, options.cellsAbove);
  const binary = binaryFile(language, source);
  if (binary) return binary;
  let tree: Tree | null = null;
  try {
    const parser = sharedParser(grammarFor(language, source, fileName));
    const deadline = deadlineIn(parseBudgetMs(source.length, options.parseBaseMs));
    tree = parseBefore(parser, source, deadline);
    const parsed = tree;
    return withNotebookScope(options.cellsAbove, language, deadline, (module) => analyzeTree(parsed, source, language, parser, deadline, undefined, module), options.cellsBelow);
  } catch (err) {
    if (err instanceof ParseTimeout) return notAnalysed(language, 'timeout', err.message);
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
  private readonly caches: Caches = { definitions: new DefinitionCache(), usages: new UsageCache(), text: new TextMemo() };

  constructor(
    readonly language: SourceLanguage,
    private readonly options: { fileName?: string; tsx?: boolean } & ParseLimits = {},
  ) {}

  /** `scope.cellsAbove`: in a notebook, the code cells above this one (their constants count, as in `analyzeSource`). */
  update(written: string, edits?: TextEditDelta[], scope: Pick<SourceOptions, 'cellsAbove'> = {}): FileAnalysis {
    if (!parsersReady()) return notReady(this.language);
    const text = cellText(written, this.language, scope.cellsAbove);
    const binary = binaryFile(this.language, text);
    if (binary) {
      this.forgetTree();
      return binary;
    }
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
      const deadline = deadlineIn(parseBudgetMs(text.length, this.options.parseBaseMs));
      const tree = parseBefore(parser, text, deadline, old);
      this.tree?.delete();
      this.tree = tree;
      // the definition cache holds models before the notebook's constants are applied, so it stays valid
      return withNotebookScope(scope.cellsAbove, this.language, deadline, (module) => analyzeTree(tree, text, this.language, parser, deadline, this.caches, module));
    } catch (err) {
      this.forgetTree(); // the next update parses from scratch
      if (err instanceof ParseTimeout) return notAnalysed(this.language, 'timeout', err.message);
      return notReady(this.language, err);
    }
  }

  private forgetTree(): void {
    this.tree?.delete();
    this.tree = undefined;
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
