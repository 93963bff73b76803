// The TypeScript/JavaScript (TF.js) front end: a tree-sitter tree → the file's loss models. With a DefinitionCache
// (incremental analysis) only the top-level statements whose text changed are rebuilt.

import type { Node, Tree } from 'web-tree-sitter';
import { withBoundConstraints } from '../boundConstraints';
import { readCompiledBase, withCompiledBase, withCompiledFunction } from '../compiledBase';
import { compiledBuiltinModel } from '../compiledBuiltin';
import type { Framework, LossModel, NoValueLoss, ParseProblem, Regularizes, SourceLanguage, SourceRange } from '../ir';
import { modelLossesReader, withModelLosses } from '../modelLosses';
import { withOutsideValues } from '../outsideValues';
import type { CachedModel, DefinitionCache } from '../parsing/definitionCache';
import { finishModels, withRecovered } from '../parsing/merge';
import { rangeOf } from '../parsing/range';
import { builtinRegularizerModel, withLayerPenalties } from '../python/builtinRegularizerModel';
import type { ModuleConstant } from '../python/moduleScope';
import { isPredictionName, isTargetName } from '../terms/roles';
import { scriptRegularizerUses } from './builtinRegularizers';
import { discoverScriptLosses, discoverScriptStatement, type ScriptLossDef } from './discover';
import { readScriptImports } from './imports';
import { differentiatesText } from './inline';
import { buildScriptModel, type ScriptFileContext } from './model';
import { scriptNoValueOf } from './noValue';
import { builtModuleNames, scriptOutsideValues } from './outsideValues';
import { scriptLiteral } from './params';
import { collectScriptUsages } from './usages';

const statementTypes: ReadonlySet<string> = new Set(['function_declaration', 'export_statement', 'lexical_declaration', 'variable_declaration', 'class_declaration']);
/** Top-level statements that may hold a training loop calling `optimizer.minimize(() => …)`. */
const loopTypes: ReadonlySet<string> = new Set(['for_statement', 'for_in_statement', 'while_statement', 'expression_statement']);
/** `const LAM = 0.1;` on one line at the top level: a global λ. */
// a number, or one a tensor wraps (`const LAMBDA = tf.scalar(0.1)`: the number is the constant, edited in place)
const globalNumber = /^(?:export[ \t]+)?(?:const|let|var)[ \t]+([A-Za-z_$][\w$]*)[ \t]*(?::[^=\n]*)?=[ \t]*(?:tf\.scalar\([ \t]*(?=[-+.\d][^)]*\)[ \t]*;?[ \t]*(?:\/\/.*)?$))?([-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?)[ \t]*\)?[ \t]*;?[ \t]*(?:\/\/.*)?$/;
/** `function name(params` and `const name = (params` / `= function (params`, at any depth (params may span lines). */
const functionHeads = /\bfunction[ \t]+([A-Za-z_$][\w$]*)[ \t]*\(([^)]*)|\b(?:const|let|var)[ \t]+([A-Za-z_$][\w$]*)[^=\n]*=[ \t]*(?:async[ \t]*)?(?:function[ \t]*[\w$]*[ \t]*)?\(([^)]*)/g;

/** Other loss functions of the file (a call to one makes a term a base term), read from the text: see python/index.ts. */
function knownLossNames(source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(functionHeads)) {
    const name = m[1] ?? m[3];
    const params = (m[2] ?? m[4] ?? '').split(',').map((p) => p.trim().split(/[\s:=?]/)[0]).slice(0, 3);
    if (!name || /penalty|regulari[sz]|constraint/i.test(name)) continue;
    if (params.some(isTargetName) && params.some(isPredictionName)) out.add(name);
  }
  return out;
}

/** `kernelRegularizer: new NearBinaryWeights(5e-4)`: the regularizer classes the file gives its layers, and on what. */
const regularizerArg = /\b(kernel|bias|activity)Regularizer[ \t]*:[ \t]*new[ \t]+([A-Za-z_$][\w$]*)/g;

function regularizerUses(source: string): Map<string, Regularizes> {
  const out = new Map<string, Regularizes>();
  for (const m of source.matchAll(regularizerArg)) if (!out.has(m[2]!)) out.set(m[2]!, { on: m[1] as Regularizes['on'] });
  return out;
}

export interface ScriptOptions {
  problems?: ParseProblem[];
  extraRoots?: Node[];
  cache?: DefinitionCache;
  /** Losses found that never return a value (LL114), filled in: they give no model. */
  noValue?: NoValueLoss[];
}

/** A reused model's module-constant parameters, pointed at where the constants are written now. */
function withConstantsAt(m: LossModel, constants: ReadonlyMap<string, ModuleConstant>): LossModel {
  if (!m.params.some((p) => p.origin === 'module-constant')) return m;
  const params = m.params.map((p) => {
    const c = p.origin === 'module-constant' ? constants.get(p.name) : undefined;
    return c ? { ...p, range: c.nameRange, defaultRange: c.valueRange } : p;
  });
  return { ...m, params };
}

/**
 * `export const CONFIG = { KL_WEIGHT: 0.02, LR: 5e-4 }` at the top level: each numeric property is a module constant
 * `CONFIG.KL_WEIGHT` (a λ the loss may read as `CONFIG.KL_WEIGHT`), with its value and where it is written.
 */
function readObjectConstants(top: Node, constants: Map<string, ModuleConstant>, globals: Record<string, number>, settings: Record<string, number | string | boolean>): void {
  const stmt = top.type === 'export_statement' ? top.childForFieldName('declaration') : top;
  if (stmt?.type !== 'lexical_declaration' && stmt?.type !== 'variable_declaration') return;
  for (const d of stmt.namedChildren) {
    const name = d?.childForFieldName('name');
    const value = d?.childForFieldName('value');
    if (name?.type !== 'identifier' || value?.type !== 'object') continue;
    for (const pair of value.namedChildren) {
      const key = pair?.type === 'pair' ? pair.childForFieldName('key') : null;
      const v = pair?.childForFieldName('value');
      const k = key?.type === 'property_identifier' ? key.text : key?.type === 'string' ? scriptLiteral(key) : undefined;
      const lit = v ? scriptLiteral(v) : undefined;
      if (typeof k === 'string' && lit !== undefined) settings[`${name.text}.${k}`] = lit;
      if (!key || !v || typeof k !== 'string' || typeof lit !== 'number') continue;
      globals[`${name.text}.${k}`] = lit;
      constants.set(`${name.text}.${k}`, { value: lit, nameRange: rangeOf(key), valueRange: rangeOf(v) });
    }
  }
}

/** Definitions whose analysis failed are reported in `problems` and the others carry on. */
export function analyzeScriptTree(tree: Tree, source: string, language: SourceLanguage, framework: Framework | undefined, options: ScriptOptions = {}): LossModel[] {
  const { problems = [], extraRoots = [], cache, noValue = [] } = options;
  const root = tree.rootNode;
  const tops = root.namedChildren.filter((n): n is Node => !!n);
  const globals: Record<string, number> = {};
  const texts = new Map<Node, string>();
  const constants = new Map<string, ModuleConstant>();
  const settings: Record<string, number | string | boolean> = {};
  for (const n of tops) {
    if (!statementTypes.has(n.type) && !loopTypes.has(n.type)) continue;
    const text = n.text;
    if (!statementTypes.has(n.type) && !differentiatesText.test(text)) continue; // a script's loop matters for its minimize
    texts.set(n, text);
    const m = globalNumber.exec(text);
    if (!m) {
      readObjectConstants(n, constants, globals, settings);
      continue;
    }
    globals[m[1]] = Number(m[2].replace(/_/g, ''));
    const { row, column } = n.startPosition;
    const nameAt = text.indexOf(m[1]);
    const valueAt = text.indexOf(m[2], text.indexOf('=', nameAt + m[1].length));
    constants.set(m[1], {
      value: globals[m[1]],
      nameRange: { startLine: row, startCol: column + nameAt, endLine: row, endCol: column + nameAt + m[1].length },
      valueRange: { startLine: row, startCol: column + valueAt, endLine: row, endCol: column + valueAt + m[2].length },
    });
  }
  const imports = readScriptImports(root);
  for (const [k, v] of Object.entries(globals)) settings[k] ??= v;
  const file: ScriptFileContext = { imports, framework: framework ?? 'tfjs', language, globals, settings, constants, knownLosses: knownLossNames(source), builtValues: builtModuleNames(root, imports, globals) };
  const named = new Map<string, string>();
  for (const [k, v] of imports) named.set(k, `import ${v}`);
  for (const [k, v] of Object.entries(globals)) named.set(k, `${named.get(k) ?? ''} = ${v}`);
  // a config object's entry (`CONFIG.KL_WEIGHT`) is read through the object's name
  for (const [k, v] of Object.entries(globals)) if (k.includes('.')) named.set(k.slice(0, k.indexOf('.')), `${named.get(k.slice(0, k.indexOf('.'))) ?? ''} ${k} = ${v}`);
  for (const k of file.knownLosses) named.set(k, `${named.get(k) ?? ''} loss`);
  for (const k of file.builtValues ?? []) named.set(k, `${named.get(k) ?? ''} built`);
  const regularizers = regularizerUses(source);
  for (const [k, v] of regularizers) named.set(k, `${named.get(k) ?? ''} regularizer ${v.on}`);
  cache?.begin(`${language} ${file.framework}`, named);

  // losses written inline in a compile call, by where their name is (compiledInlineLosses): used by that compile
  const compiledInline = new Set<string>();
  const at = (r: SourceRange): string => `${r.startLine}:${r.startCol}`;
  const compiledInlineAt = (m: LossModel): boolean => compiledInline.has(at(m.nameRange));
  const build = (def: ScriptLossDef): CachedModel | undefined => {
    if (def.compiledInline) compiledInline.add(at(rangeOf(def.nameNode)));
    try {
      const model = buildScriptModel(def, file);
      return model ? { model, bindNames: def.bindNames } : undefined;
    } catch (err) {
      problems.push({ range: rangeOf(def.nameNode), message: `Loss Lab could not analyse '${def.name}' (line ${def.nameNode.startPosition.row + 1}): ${err instanceof Error ? err.message : String(err)}` });
      return undefined;
    }
  };

  const built: CachedModel[] = [];
  const broken: Node[] = [];
  for (const n of tops) {
    if (n.type === 'ERROR') broken.push(n);
    const text = texts.get(n);
    if (text === undefined) continue;
    const row = n.startPosition.row;
    let entry = cache?.get(text, row);
    if (!entry) {
      const found = discoverScriptStatement(n, regularizers);
      // a loss that never returns a value gives no model: LL114 reports it (left out of the cache, so it is reported again)
      const missing = found.map(scriptNoValueOf);
      for (const m of missing) if (m) noValue.push(m);
      const defs = found.filter((_, i) => !missing[i]);
      const made = [...defs.map(build), ...(missing.some((m) => m) ? [undefined] : [])];
      // a failed definition is not cached, so its problem is reported again; nor one that reads its callers
      if (made.some((b) => !b) || defs.some((d) => d.readsCallers)) {
        for (const b of made) if (b) built.push(b);
        continue;
      }
      entry = made as CachedModel[];
      cache?.set(text, row, entry);
    }
    for (const b of entry) built.push({ model: withConstantsAt({ ...b.model, usages: [] }, constants), bindNames: b.bindNames });
  }
  cache?.end();
  const inErrors = withRecovered(
    broken.flatMap((b) => discoverScriptLosses(b, regularizers)),
    extraRoots.map((r) => discoverScriptLosses(r, regularizers)),
  );
  const models = finishModels(built, inErrors, build, (models, bindNames) => {
    const found = collectScriptUsages(root, models, bindNames);
    // a closure an optimizer differentiates (`opt.minimize(() => …)`, `tf.variableGrads(() => …)`) is used by that step
    for (const m of models) if (m.kind === 'inline' && !m.usages.some((u) => u.kind === 'training-step')) m.usages.unshift({ kind: 'training-step', range: m.returnRange });
    for (const m of models) if (compiledInlineAt(m) && !m.usages.some((u) => u.kind === 'compile')) m.usages.unshift({ kind: 'compile', range: m.nameRange });
    return found;
  });
  withBuiltinRegularizers(models, root, source, constants, language);
  // a regularizer adds to the loss `compile` names: that loss is its base term
  const compiled = source.includes('.compile(') && models.some((m) => m.kind === 'regularizer') ? readCompiledBase(root, source, 'ts') : undefined;
  // compile's own framework loss with nothing added to it: the loss training runs, with no penalty
  const builtin = !compiled && source.includes('.compile(') ? compiledBuiltinModel(models, readCompiledBase(root, source, 'ts'), file.framework, language) : undefined;
  if (builtin) models.push(builtin);
  const outside = scriptOutsideValues(root, imports, globals);
  // `compile({ loss: (yTrue, yPred) => … })` or `loss: customLoss`, a loss function of the file: a regularizer adds to it
  const compiledFn = !compiled && models.some((m) => m.kind === 'regularizer') ? models.find((m) => m.kind !== 'regularizer' && m.usages.some((u) => u.kind === 'compile')) : undefined;
  const withBase = compiled ? models.map((m) => withCompiledBase(m, compiled)) : compiledFn ? models.map((m) => withCompiledFunction(m, compiledFn, { anonymous: compiledInlineAt(compiledFn) })) : models;
  return withBase.map((m) => withBoundConstraints(withOutsideValues(m, outside)));
}

/**
 * The layers' built-in regularizers (`kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 })`): penalties of the loss
 * function the file compiles, else a model of their own whose base is the framework loss compile names.
 */
function withBuiltinRegularizers(models: LossModel[], root: Node, source: string, constants: ReadonlyMap<string, ModuleConstant>, language: SourceLanguage): void {
  const uses = scriptRegularizerUses(root, source, constants);
  if (uses.length === 0) return;
  const file = { framework: 'tfjs' as const, language };
  // a closure that adds `tf.addN(model.losses)` itself gets them there (modelLosses.ts)
  const adder = modelLossesReader(models);
  if (adder >= 0) {
    models[adder] = withModelLosses(models[adder]!, uses, file);
    return;
  }
  const compiledHere = models.findIndex((m) => m.usages.some((u) => u.kind === 'compile'));
  if (compiledHere >= 0) {
    models[compiledHere] = withLayerPenalties(models[compiledHere]!, uses, file);
    return;
  }
  const compiled = source.includes('.compile(') ? readCompiledBase(root, source, 'ts') : undefined;
  const own = builtinRegularizerModel(uses, compiled, file);
  if (!own) return;
  own.usages.unshift({ kind: 'regularizer', range: own.returnRange });
  models.push(own);
}
