// One TS/JS loss definition → a LossModel (usages and the output activation are added file-wide).

import type { StaticSettings } from './staticTest';
import type { Node } from 'web-tree-sitter';
import type { Framework, LossModel, LossParam, NameRef, SourceLanguage } from '../ir';
import { rangeOf } from '../parsing/range';
import type { ModuleConstant } from '../python/moduleScope';
import { moduleConstantParams, readNamesOf } from '../python/scopeParams';
import { buildTerms, lambdaParamOf } from '../terms/build';
import { some } from '../terms/expr';
import { isTensorName, pickRoles, tensorArgNames, unvaluedArgs } from '../terms/roles';
import { readScriptBody, readStatements, type ScriptReturned } from './body';
import type { ScriptLossDef } from './discover';
import { convertScript } from './expr';
import { classMethods, handedFunctions, visibleFunctions } from './helpers';
import type { ScriptImports } from './imports';
import { factoryOptions } from './mergedOptions';
import { configFields, type ScriptParam } from './params';
import { passedSettingsObjects } from './passedSettings';
import { trainedFieldName, trainedItemIndex } from './returnedItem';
import type { ScriptScope } from './scope';

export interface ScriptFileContext {
  imports: ScriptImports;
  framework: Framework;
  language: SourceLanguage;
  globals: Readonly<Record<string, number>>;
  /** Literal settings of module `const` objects and constants, strings included (staticTest.ts). */
  settings?: StaticSettings;
  /** Module-level constants with where they are written (become parameters of the losses that read them). */
  constants?: ReadonlyMap<string, ModuleConstant>;
  knownLosses: ReadonlySet<string>;
  /** Module names whose value a call builds (tensors, never a term's λ: outsideValues.ts builtModuleNames). */
  builtValues?: ReadonlySet<string>;
}

const numeric = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined);

type ValuedParam = ScriptParam & { constantRange?: ReturnType<typeof rangeOf> };

/**
 * `function focalLoss(gamma = FOCAL_GAMMA)` with `const FOCAL_GAMMA = 2` at module level: the default is the
 * constant's value (as JS evaluates it when the factory is called with no argument), and λ write-back edits the
 * constant where it is written (python/model.ts withConstantDefault does the same for Python).
 */
function withConstantDefault(p: ScriptParam, constants: ReadonlyMap<string, ModuleConstant> | undefined): ValuedParam {
  if (p.default !== undefined || p.defaultNode?.type !== 'identifier') return p;
  const constant = constants?.get(p.defaultNode.text);
  if (!constant || Array.isArray(constant.value)) return p;
  return { ...p, default: constant.value, constantRange: constant.valueRange };
}

function toParam(p: ValuedParam, role: LossParam['role']): LossParam {
  const out: LossParam = { name: p.name, role, range: rangeOf(p.node) };
  if (p.default !== undefined) out.default = p.default;
  if (p.defaultNode) out.defaultRange = p.constantRange ?? rangeOf(p.defaultNode);
  return out;
}

/** A parameter named as the TF.js namespace (`tf`, or the name the file imports it as). */
const isTfNamespaceParam = (name: string, imports: ScriptImports): boolean => name === 'tf' || imports.get(name) === 'tf';

/** `tf.variable(…)`: a tensor trained with the model, never a setting. */
const VARIABLE = /(^|\.)variable$/;

/**
 * The fields of the class around `fn` that hold trainable variables (`this.logStd = tf.variable(…)` in the
 * constructor, `logStd = tf.variable(…)` as a field): tensors the loss reads, so never a term's λ though written
 * `this.x` like a setting.
 */
function trainableFields(fn: Node): string[] {
  let cls: Node | null = fn.parent;
  while (cls && cls.type !== 'class_body') cls = cls.parent;
  if (!cls) return [];
  const isVariable = (v: Node | null | undefined): boolean => v?.type === 'call_expression' && VARIABLE.test(v.childForFieldName('function')?.text ?? '');
  const out: string[] = [];
  for (const a of cls.descendantsOfType('assignment_expression')) {
    const left = a?.childForFieldName('left');
    if (left?.type === 'member_expression' && left.childForFieldName('object')?.type === 'this' && isVariable(a?.childForFieldName('right'))) out.push(`this.${left.childForFieldName('property')?.text}`);
  }
  for (const f of cls.namedChildren) {
    const name = f?.childForFieldName('name') ?? f?.childForFieldName('property');
    if (f && name && (f.type === 'public_field_definition' || f.type === 'field_definition') && isVariable(f.childForFieldName('value'))) out.push(`this.${name.text}`);
  }
  return out;
}

/**
 * `return [fit, smooth, total]`: the item the file's callers train (returnedItem.ts), else the first, as Python reads
 * `return loss, logs`; the whole array is no loss (its mean would mix the total with its own parts).
 */
function pickReturnedItem(returned: ScriptReturned | undefined, def: ScriptLossDef, scope: ScriptScope): ScriptReturned | undefined {
  if (returned?.node.type === 'object') return pickReturnedField(returned, def, scope);
  if (returned?.value.kind !== 'tuple' || returned.value.items.length === 0) return returned;
  const picked = trainedItemIndex(def.defNode, def.name.split('.').pop() ?? def.name);
  if (picked !== undefined) def.readsCallers = true; // read from the calls, outside its text: not cached by it (index.ts)
  const k = picked !== undefined && picked < returned.value.items.length ? picked : 0;
  const items = returned.node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const value = returned.value.items[k];
  return value && items.length === returned.value.items.length ? { value, node: items[k]! } : returned;
}

/** `return { lossPi, total: a.add(b) }`: the field the file's callers train (returnedItem.ts), else the object as it is. */
function pickReturnedField(returned: ScriptReturned, def: ScriptLossDef, scope: ScriptScope): ScriptReturned {
  const field = trainedFieldName(def.defNode, def.name.split('.').pop() ?? def.name);
  if (field === undefined) return returned;
  def.readsCallers = true; // read from the calls, outside its text: not cached by it (index.ts)
  for (const p of returned.node.namedChildren) {
    if (p?.type === 'shorthand_property_identifier' && p.text === field) {
      const local = scope.locals.get(field);
      if (local) return { value: local, node: p };
    }
    const key = p?.type === 'pair' ? p.childForFieldName('key') : undefined;
    const value = p?.childForFieldName('value');
    if (key && value && key.text.replace(/^['"]|['"]$/g, '') === field) return { value: convertScript(value, scope), node: value };
  }
  return returned;
}

export function buildScriptModel(given: ScriptLossDef, file: ScriptFileContext): LossModel | undefined {
  const valued = (ps: ScriptParam[]): ValuedParam[] => ps.map((p) => withConstantDefault(p, file.constants));
  const def = { ...given, params: valued(given.params), outerParams: valued(given.outerParams) };
  // a default written as a module constant points λ write-back at the constant, outside the definition's text
  if ([...def.params, ...def.outerParams].some((p) => p.constantRange)) given.readsCallers = true;
  const roles = def.roles ?? pickRoles(def.params.filter((p) => !p.variadic).map((p) => p.name), file.framework);
  const body = def.fn.childForFieldName('body');
  if (!roles || !body) return undefined;
  const refs = new Map<string, NameRef>();
  // `function createLoss(tf, cfg) { return (yTrue, yPred) => tf.mean(…) }`: TF.js handed in as a parameter is the
  // namespace itself, not a value the loss captures
  for (const p of def.outerParams) if (!isTfNamespaceParam(p.name, file.imports)) refs.set(p.name, 'captured');
  // (a loss handed TF.js itself, `stepLoss(tf, model, target, canvas)`, calls the namespace too)
  for (const p of def.params) if (!isTfNamespaceParam(p.name, file.imports)) refs.set(p.name, p.name === roles.yTrue ? 'yTrue' : p.name === roles.yPred ? 'yPred' : 'param');
  const scope: ScriptScope = { locals: new Map(), refs, imports: file.imports, labels: new WeakMap(), inlined: new WeakMap(), weakLabels: new WeakSet(), inlining: [def.name], constants: file.globals, ...(file.settings ? { settings: file.settings } : {}) };
  scope.functions = new Map([...visibleFunctions(def.fn), ...handedFunctions(def.fn)]);
  // the methods of the class the loss is in: its own method's, or the method an inline closure is written in
  // (`tf.variableGrads(() => … this.entropyOf(probs) …)` inside `updateBatch`)
  const method = enclosingMethod(def.fn);
  if (method) scope.methods = classMethods(method);
  if (def.skipped) scope.skipped = new Set(def.skipped.map((n) => n.id));
  if (def.forwardCalls) scope.forwardCalls = new Map(def.forwardCalls.map((f) => [f.node.id, f.name]));
  if (def.kind === 'factory') {
    let root: Node = def.defNode;
    while (root.parent) root = root.parent;
    scope.passedOption = factoryOptions(root, def.name, def.bindNames);
  }
  // a loss inline in a function the file hands a module settings object (passedSettings.ts): that object
  if (def.kind === 'inline') {
    for (const [k, v] of passedSettingsObjects(def.defNode, file.globals)) {
      if (refs.has(k)) continue;
      scope.locals.set(k, v);
      given.readsCallers = true; // read from the calls, outside its text: not cached by it (index.ts)
    }
  }
  if (def.outerStatements.length) readStatements(def.outerStatements, scope);
  const returned = pickReturnedItem(readScriptBody(body, scope), given, scope);
  if (!returned) return undefined;

  const defaults: Record<string, number> = { ...file.globals };
  // `opts = { beta: 0.5 }` as a parameter's default: `opts.beta` is a setting like a class's config (configFields)
  const classFields = [...(def.classFields ?? []), ...def.params.flatMap((p) => (p.defaultNode ? configFields(p.name, p.defaultNode) : []))];
  for (const p of [...def.outerParams, ...def.params, ...classFields]) {
    const v = numeric(p.default);
    if (v !== undefined) defaults[p.name] = v;
  }
  // the class's trainable variables: tensors of the split, and the model's own weights below
  const variables = new Set(trainableFields(def.fn));
  const built = buildTerms(returned.value, { defaults, labelOf: (e) => scope.labels.get(e), knownLosses: file.knownLosses, inlinedFrom: (e) => scope.inlined?.get(e), framework: file.framework, tensors: new Set([...tensorArgNames(def.params.filter((p) => !p.variadic), roles), ...variables, ...(file.builtValues ?? [])]), unvalued: unvaluedArgs(def.params, roles) });
  // a regularizer adds to a loss compiled elsewhere: what it holds is all penalty (python/model.ts does the same)
  // and its one term is named by the class, as a Keras regularizer's is (the variable inside apply() says less)
  const named = def.kind === 'regularizer' && built.terms.length === 1 ? { label: def.name } : {};
  const terms = def.regularizes ? built.terms.map((t) => ({ ...t, role: 'penalty' as const, ...named })) : built.terms;
  const lambdaParam = def.regularizes ? lambdaParamOf(terms) : built.lambdaParam;
  const weightParams = new Set(terms.map((t) => t.weightParam));
  const hyperOr = (p: ScriptParam): LossParam['role'] =>
    numeric(p.default) !== undefined || weightParams.has(p.name) ? 'hyper' : p.default === undefined && isTensorName(p.name) ? 'tensor' : 'other';
  const model: LossModel = {
    id: `${def.name}:${def.defNode.startPosition.row + 1}`,
    name: def.name,
    kind: def.kind,
    framework: file.framework,
    language: file.language,
    params: [
      ...def.outerParams.filter((p) => !p.variadic).map((p) => toParam(p, hyperOr(p))),
      ...def.params.filter((p) => !p.variadic).map((p) => toParam(p, p.name === roles.yTrue ? 'yTrue' : p.name === roles.yPred ? 'yPred' : hyperOr(p))),
      ...classFields.map((p) => ({ ...toParam(p, 'hyper'), ...(p.initParam ? { initArgument: p.initParam } : {}) })),
    ],
    yTrue: roles.yTrue,
    yPred: roles.yPred,
    body: returned.value,
    terms,
    range: rangeOf(def.defNode),
    nameRange: rangeOf(def.nameNode),
    returnRange: rangeOf(returned.node),
    usages: [],
  };
  // the class's trainable variables the loss reads (`tf.sum(tf.square(this.userEmb))`): the model's own weights, which
  // the trainer gives its trial model's (as python/ownWeights.ts does for `self.w = nn.Parameter(…)`)
  if (variables.size > 0) {
    const taken = new Set(model.params.map((p) => p.name));
    some(returned.value, (n) => {
      if (n.kind === 'attr' && variables.has(n.text) && !taken.has(n.text)) {
        taken.add(n.text);
        model.params.push({ name: n.text, role: 'tensor', range: n.range, origin: 'constructor', modelWeight: true });
      }
      return false;
    });
  }
  if (file.constants) {
    const taken = new Set(model.params.map((p) => p.name));
    model.params.push(...moduleConstantParams(readNamesOf(returned.value, terms), file.constants, taken, weightParams));
  }
  if (lambdaParam) model.lambdaParam = lambdaParam;
  if (def.optimisedDirectly) model.optimisedDirectly = true;
  if (def.className) model.className = def.className;
  if (def.regularizes) model.regularizes = def.regularizes;
  return model;
}

/** `fn` when it is a class method, else the class method it is written in, if any. */
function enclosingMethod(fn: Node): Node | undefined {
  for (let cur: Node | null = fn; cur; cur = cur.parent) {
    if (cur.type === 'method_definition') return cur;
    if (cur.type === 'class_body' || cur.type === 'program') return undefined;
  }
  return undefined;
}
