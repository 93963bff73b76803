// The Python front end: a tree-sitter tree → the file's loss models. With a DefinitionCache (incremental analysis)
// only the top-level definitions whose text changed are rebuilt.
import type { Node, Tree } from 'web-tree-sitter';
import { clipTextsIn, markCopyClipped } from '../exprText';
import type { Framework, LossModel, LossUsage, NoValueLoss, ParseProblem, Regularizes } from '../ir';
import type { DefinitionCache } from '../parsing/definitionCache';
import { finishModels, withRecovered } from '../parsing/merge';
import { rangeOf } from '../parsing/range';
import { scanSegments, TextMemo } from '../parsing/textSegments';
import { childrenOf } from '../terms/expr';
import { isPredictionName, isTargetName } from '../terms/roles';
import { builtinRegularizerModel, withLayerPenalties } from './builtinRegularizerModel';
import { builtinRegularizerUses, keywordKinds } from './builtinRegularizers';
import { type DiscoverContext, discoverLosses, discoverOne, isLossFunction, type LossDef, unwrapDecorated } from './discover';
import { readImports } from './imports';
import { buildModel, type FileContext } from './model';
import './moduleInstances'; // registers the reader of module-level objects' calls (python/expr.ts)
import { withBoundConstraints } from '../boundConstraints';
import { readCompiledBase, withCompiledBase, withCompiledFunction } from '../compiledBase';
import { compiledBuiltinModel } from '../compiledBuiltin';
import { modelLossesReader, withModelLosses } from '../modelLosses';
import { withOutsideValues } from '../outsideValues';
import { readArgparseFlags } from './argparse';
import { bindDataSettings } from './dataSettings';
import { mayAssignDict, readDictConstants } from './dictConstants';
import { bindEnclosingCalls } from './enclosingCalls';
import { emptyKerasGraph, readGraphStatement } from './kerasGraph';
import { bindInLaterCells } from './laterCells';
import { withRegisteredLosses } from './lossRegistryFn';
import { mainBlockStatements, moduleBlockStatements, readMainBlockAssignment } from './mainBlock';
import { emptyModuleScope, type ModuleConstant, type ModuleScope, mayAssignConstant, readClassConstants, readDispatchTable, readLayerOutput, readModuleAssignment, readModuleInstance } from './moduleScope';
import { moduleNoValueOf, noValueOf } from './noValue';
import { isOutputLayer } from './outputLayer';
import { builtModuleNames, pythonOutsideValues, readModuleValue } from './outsideValues';
import { bindUnpackedItems } from './unpackedItems';
import type { UsageCache } from './usageCache';
import { collectUsages } from './usages';
import { type LossUses, readLossUses } from './usedAsLoss';

const definitionTypes: ReadonlySet<string> = new Set(['function_definition', 'class_definition', 'decorated_definition']);
/**
 * Top-level statements that may hold a script's training loop (`for x, y in loader: … loss.backward()`) or a
 * `model.add_loss(…)`. Not cached: what they read depends on the statements above them.
 */
const scriptTypes: ReadonlySet<string> = new Set(['for_statement', 'while_statement', 'with_statement', 'if_statement', 'try_statement']);
const scriptMarks = /\.backward\(|\.add_loss\(|GradientTape\s*\(/;
/** `NAME = 0.1` (optionally annotated) on one line at module level: a global λ. */
const globalNumber = /^([\p{L}_][\p{L}\p{N}_]*)[ \t]*(?::[^=\n]*)?=[ \t]*([-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?)[ \t]*(?:#.*)?$/u;
/** `name = lambda …` at module level (a loss written as a lambda). */
const lambdaAssignment = /^[\p{L}_][\p{L}\p{N}_]*[ \t]*=[ \t]*lambda\b/u;
/** Top-level `def name(params` (params may span lines). */
const topLevelDef = /^(?:async[ \t]+)?def[ \t]+([\p{L}_][\p{L}\p{N}_]*)[ \t]*\(([^)]*)/gmu;

/**
 * Other loss functions of the file (calling one makes a term a base term), read from the source text so it is the
 * same for full and incremental analysis: top-level functions whose parameters read as (target, prediction).
 */
function knownLossNames(source: string, memo?: TextMemo): Set<string> {
  return new Set(scanSegments(source, memo, 'knownLossNames', lossNamesIn).flatMap((p) => p.value));
}

function lossNamesIn(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(topLevelDef)) {
    const names = m[2].split(',').map((p) => p.trim().split(/[\s:=]/)[0]).filter((n) => n && !n.startsWith('*'));
    if (/penalty|regulari[sz]|constraint/i.test(m[1])) continue;
    if (names.slice(0, 3).some(isTargetName) && names.slice(0, 3).some(isPredictionName)) out.push(m[1]);
  }
  return out;
}

/**
 * The file's loss functions and, in a notebook, the functions of the cells above that discovery reads as losses (a
 * loop calling one hands it its batch: that is the loss's use, not a loss of the loop's own).
 */
function knownLossesWith(source: string, module: ModuleScope, memo?: TextMemo): Set<string> {
  const out = knownLossNames(source, memo);
  for (const name of module.otherCells ?? []) {
    const fn = unwrapDecorated(module.functions.get(name) ?? null);
    if (fn && isLossFunction(fn, false)) out.add(name);
  }
  for (const name of module.cellLossClasses ?? []) out.add(name);
  return out;
}

/**
 * `activity_regularizer=Ortho(0.1)`, `kernel_regularizer = l1_reg`: a regularizer the file gives a layer; a bare
 * `regularizer=` is `add_weight`'s (a custom layer's own weight: a kernel, `regularizer=self.smooth_reg`).
 */
const regularizerArg = /\b((?:[a-z]+_)?regularizer)[ \t]*=[ \t]*([\p{L}_][\p{L}\p{N}_.]*)/gu;
/** A layer constructor right before its arguments (`Dense(`, `layers.Conv2D(`). */
const layerCall = /([\p{L}_][\p{L}\p{N}_]*)[ \t]*\([^()]*$/u;

/**
 * Custom regularizers by name, with what they act on; read from the text like the loss names. In a notebook, a class
 * defined in one cell is often given to its layer in a later one (`kernel_regularizer=Orthogonal(…)` in the model's
 * cell): the later cells say what it acts on where the cell itself does not.
 */
function regularizerUses(source: string, module: ModuleScope): Map<string, Regularizes> {
  const out = regularizerUsesIn(source, module);
  for (const cell of module.laterCells?.cells ?? []) for (const [name, use] of regularizerUsesIn(cell.source, module)) if (!out.has(name)) out.set(name, use);
  return out;
}

/** The layer's width: its first argument before the regularizer (`Dense(UNITS, …, kernel_regularizer=…)`), when known. */
function layerUnits(argsBefore: string, module: ModuleScope): number | undefined {
  const first = /^[ \t]*([\p{L}_][\p{L}\p{N}_]*|\d+)[ \t]*,/u.exec(argsBefore)?.[1];
  if (!first) return undefined;
  const value = /^\d+$/.test(first) ? Number(first) : module.constants.get(first)?.value;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function regularizerUsesIn(source: string, module: ModuleScope): Map<string, Regularizes> {
  const out = new Map<string, Regularizes>();
  if (!source.includes('regularizer')) return out;
  for (const m of source.matchAll(regularizerArg)) {
    const name = m[2].slice(m[2].lastIndexOf('.') + 1);
    if (out.has(name)) continue;
    const call = layerCall.exec(source.slice(Math.max(0, (m.index ?? 0) - 200), m.index));
    const layer = call?.[1];
    // (a recurrent, depthwise or embeddings matrix is a kernel; `regularizer=` is add_weight's, a kernel too)
    const on = keywordKinds[m[1]!] ?? 'kernel';
    const output = on === 'activity' && isOutputLayer(source, m.index ?? 0);
    const units = call ? layerUnits(call[0].slice(call[0].indexOf('(') + 1), module) : undefined;
    const use: Regularizes = { on, ...(layer ? { layer } : {}), ...(output ? { output: true as const } : {}), ...(units ? { units } : {}) };
    out.set(name, use);
    // `code_penalty = RateKL(weight=0.03)` (or `self.smooth_reg = Smooth(s)` in a layer's __init__) then
    // `activity_regularizer=code_penalty`: the class is the regularizer used
    // (each class a branch may build: `if reg == "unit": emb_reg = UnitLength() elif …: emb_reg = MaxLength()`)
    for (const built of source.matchAll(new RegExp(`^[ \\t]*(?:self\\.)?${name}[ \\t]*=[ \\t]*([\\p{L}_][\\p{L}\\p{N}_.]*)[ \\t]*\\(`, 'gmu'))) {
      const cls = built[1]!.slice(built[1]!.lastIndexOf('.') + 1);
      if (!out.has(cls)) out.set(cls, use);
    }
  }
  return out;
}

/** How a loss found by its shape is used, by that shape: a training loop's is differentiated, a training step's returned. */
const intrinsicUsage: Partial<Record<LossModel['kind'], LossUsage['kind']>> = {
  inline: 'backward',
  'training-step': 'training-step',
  'add-loss': 'add-loss',
};

function addIntrinsicUsage(m: LossModel): void {
  const kind = m.kind === 'regularizer' && m.regularizes ? 'regularizer' : intrinsicUsage[m.kind];
  if (kind && !m.usages.some((u) => u.kind === kind)) m.usages.unshift({ kind, range: m.returnRange });
}

/** Framework when the imports do not say: PyTorch when the file calls torch/F/nn, else Keras. */
const guessFramework = (source: string): Framework => (/\b(torch|F|nn)\.\w/.test(source) ? 'pytorch' : 'keras');

/** What a definition's model can depend on outside its own text, by the name it is read through. */
function contextOf(file: FileContext, functionTexts: ReadonlyMap<string, string>, uses: LossUses): Map<string, string> {
  const named = new Map<string, string>();
  // a definition is a loss when the file uses it as one (usedAsLoss.ts): the uses are part of its context
  for (const k of uses.lossFns) named.set(k, 'used as loss');
  for (const k of uses.factories) named.set(k, `${named.get(k) ?? ''} builds the loss`);
  for (const [k, v] of file.imports) named.set(k, `import ${v}`);
  for (const [k, v] of Object.entries(file.globals)) named.set(k, `${named.get(k) ?? ''} = ${v}`);
  // where a constant is written is part of the model (its defaultRange), and a helper's text is read into callers
  for (const [k, c] of file.module?.constants ?? []) if (typeof c.value !== 'number') named.set(k, `${named.get(k) ?? ''} = ${JSON.stringify(c.value)}`);
  // `self.compiled_loss(…)` in a train_step is the loss `compile(loss="…")` names
  if (file.module?.compiledLoss) named.set('self', `${named.get('self') ?? ''} compiled_loss = ${file.module.compiledLoss}${JSON.stringify(file.module.compiledLossKwargs ?? '')}`);
  // a class's constant (`LossWeights.z_loss`) is read through the class's name
  for (const [k, c] of file.module?.constants ?? []) {
    const dot = k.indexOf('.');
    if (dot > 0) named.set(k.slice(0, dot), `${named.get(k.slice(0, dot)) ?? ''} ${k} = ${JSON.stringify(c.value)}`);
  }
  for (const [k, t] of functionTexts) named.set(k, `${named.get(k) ?? ''} def ${t}`);
  for (const k of file.knownLosses) named.set(k, `${named.get(k) ?? ''} loss`);
  for (const [k, v] of file.regularizers) named.set(k, `${named.get(k) ?? ''} regularizer ${v.on} ${v.layer ?? ''} ${v.output ? 'output' : ''}`);
  return named;
}

interface Built {
  model: LossModel;
  bindNames: string[];
  /** The model holds ranges outside its definition (a module constant, a helper's body): not moved with it. */
  pinned?: boolean;
}

const readsOutside = (m: LossModel): boolean => outside(m.body, m.range.startLine, m.range.endLine);

const constantOrigins = new Set(['module-constant', 'notebook-cell', 'argparse']);

/**
 * A reused model's module-constant parameters, pointed at where the constants are written now (in a notebook, the
 * cell above may have gained lines or moved since the model was cached: the cache key holds values, not places).
 */
function withConstantsAt(m: LossModel, module: ModuleScope): LossModel {
  if (!m.params.some((p) => p.origin && constantOrigins.has(p.origin))) return m;
  const params = m.params.map((p) => {
    const c = p.origin && constantOrigins.has(p.origin) ? module.constants.get(p.name) : undefined;
    if (!c) return p;
    return { ...p, range: c.nameRange, defaultRange: c.valueRange, ...(c.cell !== undefined ? { cell: c.cell } : {}) };
  });
  return { ...m, params };
}

function outside(e: LossModel['body'], first: number, last: number): boolean {
  if (e.range.startLine < first || e.range.endLine > last) return true;
  return childrenOf(e).some((c) => outside(c, first, last));
}

export interface PythonOptions {
  problems?: ParseProblem[];
  /** Roots of definitions re-parsed after a syntax error swallowed them (parsing/recover.ts). */
  extraRoots?: Node[];
  cache?: DefinitionCache;
  usageCache?: UsageCache;
  /** Filled with loss-like definitions that never return a value (rule LL114). */
  noValue?: NoValueLoss[];
  /** What other notebook cells define (constants above the loss's cell); this file's own definitions override it. */
  module?: ModuleScope;
  /** The document's memo of whole-text scans by top-level segment (incremental analysis: an edit re-scans its segment). */
  textMemo?: TextMemo;
}

/** `def name` of a top-level function, after its decorators. */
/** `ent_loss = entropy_minimization` at module level: another name for a function of the file. */
const functionAliasLine = /^([\p{L}_][\p{L}\p{N}_]*)[ \t]*=[ \t]*([\p{L}_][\p{L}\p{N}_]*)[ \t]*(?:#.*)?$/u;

/**
 * Reads a module-level alias of a function defined above into the module's functions, so a loss calling it by the
 * alias is read through that function (as the function itself would be). Returns the alias.
 */
function functionAliasOf(text: string, module: ModuleScope): string | undefined {
  const m = functionAliasLine.exec(text);
  const fn = m?.[1] && m[2] ? module.functions.get(m[2]) : undefined;
  if (!m?.[1] || !fn || module.functions.has(m[1])) return undefined;
  module.functions.set(m[1], fn);
  return m[1];
}

const functionName = /^(?:@[^\n]*\n[ \t]*)*(?:async[ \t]+)?def[ \t]+([\p{L}_][\p{L}\p{N}_]*)/u;

/** A constant read by the one-line regex, with where its name and number are written (no tree calls). */
function numberConstant(n: Node, text: string, name: string, literal: string, value: number): ModuleConstant {
  const { row, column } = n.startPosition;
  const at = text.indexOf(literal, text.indexOf('=') + 1);
  return {
    value,
    nameRange: { startLine: row, startCol: column, endLine: row, endCol: column + name.length },
    valueRange: { startLine: row, startCol: column + at, endLine: row, endCol: column + at + literal.length },
  };
}

/** A short fingerprint of a text (FNV-1a), so a context string does not hold every helper's source. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${(h >>> 0).toString(36)}:${text.length}`;
}

/** Definitions whose analysis failed are reported in `problems` (what and where) and the others carry on. */
export function analyzePythonTree(tree: Tree, source: string, framework: Framework | undefined, options: PythonOptions = {}): LossModel[] {
  const { problems = [], extraRoots = [], cache, usageCache, noValue = [] } = options;
  // one-shot analysis too reads the text by segment, so full and incremental analysis find the same
  const textMemo = options.textMemo ?? new TextMemo();
  const root = tree.rootNode;
  const tops = root.namedChildren.filter((n): n is Node => !!n);
  const globals: Record<string, number> = {};
  const lambdas = new Set<Node>();
  /** Top-level expression statements that call add_loss (`model.add_loss(…)`) or backward (a script with no loop): losses of their own. */
  const addLosses = new Set<Node>();
  const types = tops.map((n) => n.type); // each `type` read is a call into the parser
  const module = options.module ?? emptyModuleScope();
  module.kerasGraph ??= emptyKerasGraph();
  const graph = module.kerasGraph;
  const functionTexts = new Map<string, string>();
  // a notebook's functions from the cells above are read into callers like the file's own
  for (const name of module.otherCells ?? []) {
    const fn = module.functions.get(name);
    if (fn) functionTexts.set(name, hash(fn.text));
  }
  // and their classes, whose objects a loss of this cell may call (fileClasses.ts)
  for (const [name, cls] of module.cellClasses ?? []) functionTexts.set(name, hash(cls.text));
  const texts: (string | undefined)[] = [];
  for (const [i, n] of tops.entries()) {
    if (types[i] === 'function_definition' || types[i] === 'decorated_definition') {
      const text = n.text;
      texts[i] = text;
      const name = functionName.exec(text)?.[1];
      if (name) {
        module.functions.set(name, n);
        module.otherCells?.delete(name);
        // the text itself: the context is compared by name (DefinitionCache), natively, with no hashing loop
        functionTexts.set(name, text);
      }
    }
    // a decorated class (`@dataclass class Config: kl_weight: float = 0.05`) is a class of settings too
    const cls = types[i] === 'decorated_definition' ? n.childForFieldName('definition') : n;
    if (cls?.type === 'class_definition') {
      readClassConstants(cls, module);
      readGraphStatement(cls, graph);
      const name = cls.childForFieldName('name')?.text;
      if (name) {
        module.classes ??= new Map();
        module.classes.set(name, cls);
        texts[i] ??= n.text;
        functionTexts.set(name, texts[i]);
      }
    }
    // a script's top-level training loop binds module globals (a number set in it: `GP_WEIGHT = 10`)
    for (const s of moduleBlockStatements(n)) if (/^\w+\s*=[^=]/.test(s.text) && mayAssignConstant(s.text)) readModuleAssignment(s, module);
    if (types[i] === 'if_statement') {
      for (const s of mainBlockStatements(n)) if (readMainBlockAssignment(s, module)) functionTexts.set(s.namedChild(0)?.childForFieldName('left')?.text ?? '', hash(`${s.startPosition.row}:${s.text}`));
    }
    if (types[i] !== 'expression_statement') continue;
    const text = n.text;
    readModuleValue(n, text, module);
    if (text.includes('=')) {
      readLayerOutput(n, module, text);
      readGraphStatement(n, graph);
    }
    // an object built at module level (`criterion = nn.MSELoss()`) that a loss may call: its text is read into callers
    if (readModuleInstance(n, text, module)) functionTexts.set(n.namedChild(0)?.childForFieldName('left')?.text ?? '', hash(`${n.startPosition.row}:${text}`));
    const alias = functionAliasOf(text, module);
    if (alias) functionTexts.set(alias, hash(`${n.startPosition.row}:${text}`));
    const m = globalNumber.exec(text);
    if (m) {
      globals[m[1]] = Number(m[2].replace(/_/g, ''));
      module.constants.set(m[1], numberConstant(n, text, m[1], m[2], globals[m[1]]));
    } else if (lambdaAssignment.test(text)) lambdas.add(n);
    else if (text.includes('.add_loss(') || text.includes('.backward(')) addLosses.add(n); // a script's `loss.backward()` too
    else if (text.includes('.compile(')) continue; // read from the tree below (compileCall.ts)
    else if (mayAssignConstant(text)) readModuleAssignment(n, module);
    else if (/^\w+\s*=\s*\{/.test(text) && readDispatchTable(n, module)) functionTexts.set(text.slice(0, text.indexOf('=')).trim(), hash(text));
    else if (mayAssignDict(text)) readDictConstants(n, module);
  }
  // `self.compiled_loss(…)` in a train_step computes the loss the last compile names (a name or a loss function)
  const ownCompiled = source.includes('.compile(') ? readCompiledBase(root, source, 'python', textMemo) : undefined;
  // in a notebook, the compile of another cell (its range is there: each term built from it is placed at its loss)
  const elsewhere = ownCompiled ? undefined : module.compiledInCells;
  const compiled = ownCompiled ?? elsewhere;
  if (compiled && compiled.form !== 'object') module.compiledLoss = compiled.name;
  // a loss object built in the compile with literal keywords: `self.compiled_loss` calls that object
  if (compiled?.form === 'object' && compiled.ctorKwargs) {
    module.compiledLoss = compiled.name;
    module.compiledLossKwargs = compiled.ctorKwargs;
  }
  readArgparseFlags(root, source, module);
  for (const [k, c] of module.constants) if (typeof c.value === 'number') globals[k] = c.value;
  const imports = new Map([...(module.imports ?? []), ...readImports(root, source)]);
  const builtValues = builtModuleNames(module);
  // a module value that becomes (or stops being) a tensor changes how the losses that read it split
  for (const name of builtValues) functionTexts.set(`${name} =`, hash(module.values?.get(name)?.text ?? ''));
  const file: FileContext = { imports, framework: framework ?? guessFramework(source), globals, knownLosses: knownLossesWith(source, module, textMemo), regularizers: regularizerUses(source, module), module, builtValues };
  const uses = withRegisteredLosses(root, readLossUses(source, textMemo));
  const ctx: DiscoverContext = { regularizers: file.regularizers, uses, ...(module.kerasGraph ? { graph: module.kerasGraph } : {}) };
  cache?.begin(file.framework, contextOf(file, functionTexts, uses));

  const build = (def: LossDef): Built | undefined => {
    try {
      const model = buildModel(def, file);
      return model ? { model, bindNames: def.bindNames, pinned: readsOutside(model) } : undefined;
    } catch (err) {
      problems.push({ range: rangeOf(def.nameNode), message: `Loss Lab could not analyse '${def.name}' (line ${def.nameNode.startPosition.row + 1}): ${err instanceof Error ? err.message : String(err)}` });
      return undefined;
    }
  };

  const built: Built[] = [];
  const broken: Node[] = [];
  for (const [i, n] of tops.entries()) {
    if (types[i] === 'ERROR') broken.push(n);
    if (addLosses.has(n) || scriptTypes.has(types[i])) {
      if (!addLosses.has(n) && !scriptMarks.test(n.text)) continue;
      for (const def of discoverOne(n, ctx)) {
        const b = build(def);
        if (b) built.push(b);
      }
      continue;
    }
    if (!definitionTypes.has(types[i]) && !lambdas.has(n)) continue;
    const text = texts[i] ?? n.text;
    const row = n.startPosition.row;
    let entry = cache?.get(text, row);
    if (!entry) {
      const defs = discoverOne(n, ctx);
      const bs = defs.map(build);
      entry = bs.filter((b): b is Built => !!b);
      // clipped once, when built: its reuses after later edits are marked clipped rather than walked again
      for (const b of entry) clipTextsIn(b.model);
      // a definition whose analysis failed is not cached, so its problem is reported again next time; nor one that
      // reads what the script passes it (its callers are outside its text)
      if (bs.length === entry.length && !defs.some((d) => d.readsCallers)) cache?.set(text, row, entry);
    }
    for (const b of entry) {
      const model = withConstantsAt({ ...b.model, usages: [] }, module);
      markCopyClipped(model, b.model);
      built.push({ model, bindNames: b.bindNames });
    }
    if (entry.length === 0) {
      const def = types[i] === 'decorated_definition' ? n.childForFieldName('definition') : n;
      const missing = def?.type === 'function_definition' ? noValueOf(def, text) : def?.type === 'class_definition' ? moduleNoValueOf(def) : undefined;
      if (missing) noValue.push(missing);
    }
  }
  cache?.end();
  // Definitions inside ERROR nodes or re-parsed on their own are never cached (their text is not a whole definition).
  const inErrors = withRecovered(broken.flatMap((b) => discoverLosses(b, ctx)), extraRoots.map((r) => discoverLosses(r, ctx)));
  const models = finishModels(built, inErrors, build, (models, bindNames) => {
    const found = collectUsages(root, source, models, bindNames, imports, usageCache, module, textMemo);
    bindInLaterCells(models, bindNames, imports, module);
    bindUnpackedItems(root, models, bindNames, module);
    bindEnclosingCalls(root, source, models, module);
    bindDataSettings(root, models);
    for (const m of models) addIntrinsicUsage(m);
    return found;
  });
  // the layers' built-in regularizers (`kernel_regularizer=regularizers.l2(1e-4)`): penalties of the compiled loss,
  // a loss of the file when compile names one, else the framework's loss compile names
  const layerPenalties = builtinRegularizerUses(root, source, imports, module);
  // a loss that adds `sum(model.losses)` itself (a custom loop, a train_step) gets them there (modelLosses.ts)
  const adder = layerPenalties.length > 0 ? modelLossesReader(models) : -1;
  if (adder >= 0) models[adder] = withModelLosses(models[adder]!, layerPenalties);
  const compiledHere = layerPenalties.length > 0 && adder < 0 ? models.findIndex((m) => m.framework !== 'pytorch' && m.usages.some((u) => u.kind === 'compile')) : -1;
  if (compiledHere >= 0) models[compiledHere] = withLayerPenalties(models[compiledHere]!, layerPenalties);
  const here = elsewhere && layerPenalties[0] ? { ...elsewhere, range: layerPenalties[0].range } : compiled;
  const builtins = compiledHere < 0 && adder < 0 ? builtinRegularizerModel(layerPenalties, here) : undefined;
  if (builtins) {
    addIntrinsicUsage(builtins);
    models.push(builtins);
  }
  // an add_loss / a regularizer adds to the loss `compile` names: that loss is its base term
  const base = compiled && models.some((m) => m.kind === 'add-loss' || m.kind === 'regularizer') ? compiled : undefined;
  // compile's own framework loss with nothing added to it: the loss training runs, with no penalty
  const builtin = ownCompiled ? compiledBuiltinModel(models, ownCompiled, file.framework, 'python') : undefined;
  if (builtin) models.push(builtin);
  const outside = pythonOutsideValues(module, imports);
  const valued = (ms: LossModel[]) => ms.map((m) => withBoundConstraints(withOutsideValues(m, outside)));
  if (base) return valued(models.map((m) => withCompiledBase(m, elsewhere ? { ...base, range: m.nameRange } : base)));
  // `compile(loss=nll)` with `nll` a loss function of the file: an add_loss adds to it
  const adds = (m: LossModel) => m.kind === 'add-loss' || m.kind === 'regularizer';
  const compiledFn = models.some(adds) ? models.find((m) => !adds(m) && m.usages.some((u) => u.kind === 'compile')) : undefined;
  return valued(compiledFn ? models.map((m) => withCompiledFunction(m, compiledFn)) : models);
}

