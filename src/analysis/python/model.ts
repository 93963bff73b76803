// One Python loss definition → a LossModel (without usages and output activation, which are file-wide).
import type { Node } from 'web-tree-sitter';
import type { Expr, Framework, LossModel, LossParam, NameRef, Regularizes, SourceRange, Term } from '../ir';
import { rangeOf } from '../parsing/range';
import { buildTerms, computesLossValue, lambdaParamOf, returnsScalarLoss, wholePenalty } from '../terms/build';
import { binary, mentionsRef, some } from '../terms/expr';
import { isTensorName, pickRoles, tensorArgNames, unvaluedArgs } from '../terms/roles';
import { nameBeforeVariable, type Returned, readBlock, statementsOf } from './body';
import { type ClassScope, constructorParams, readClassScope } from './classScope';
import { argsPassedToClass } from './classCalls';
import { addsToLossValue, isLossFunction, type LossDef, moduleAttrsOf, unwrapDecorated } from './discover';
import { droppedByReturn } from './droppedTotal';
import { paramsPassedModuleNames } from './enclosingCalls';
import { convertExpr, make } from './expr';
import { guardValues } from './guardValues';
import { methodsOf } from './helperCalls';
import type { ImportMap } from './imports';
import { totalKey } from './inline';
import { copyKerasGraph, emptyKerasGraph, type KerasGraph, readGraphStatement } from './kerasGraph';
import { layerLoopOf, overLayerKernels } from './layerLoopAddLoss';
import { callsRegisteredLoss } from './lossRegistryFn';
import type { ModuleConstant, ModuleScope } from './moduleScope';
import { lossParameterValues, ownWeightParams, ownWeightsOf } from './ownWeights';
import { type ParamInfo, staticItemsOf } from './params';
import type { Scope } from './scope';
import { closureParams, moduleConstantParams, passedAttributeReads, readNamesOf } from './scopeParams';
import { callsClassLoss, lossClassNode, reachableMethods, setupClass } from './selfCalls';
import { selfUpdatedAttrs } from './selfUpdates';
import { markSettledBranches, settledAttrs, settledInitParams } from './settledBranches';
import { ancestorBases } from './superInit';
import { builtinLossBaseOf, SKORCH_LOSS_METHODS, skorchCriterionInstance, superLossInstance } from './superLoss';
import { isTrivia } from './trivia';

const LOSS_NAME = /loss|criterion|objective|penalty|constraint|regulari[sz]|cost/i;

export interface FileContext {
  imports: ImportMap;
  framework: Framework;
  /** Module-level `NAME = number` constants (global λ). */
  globals: Readonly<Record<string, number>>;
  /** Module-level constants (with where they are written) and functions (helpers). */
  module?: ModuleScope;
  knownLosses: ReadonlySet<string>;
  /** Custom regularizers the file passes to layers, by name. */
  regularizers: ReadonlyMap<string, Regularizes>;
  /** Module names whose value a call builds (`EYE = torch.eye(4)`): tensors, never a term's λ (outsideValues.ts). */
  builtValues?: ReadonlySet<string>;
}

/** Kinds found by their shape (a training step, a loss class, …), not by a loss-like name or a loss value. */
const shapeKinds: ReadonlySet<LossModel['kind']> = new Set(['inline', 'training-step', 'add-loss', 'regularizer']);

/** What an inline loss is at its anchor: the loss local, or the expression handed over (add_loss, a returned dict). */
function readInline(def: LossDef, scope: Scope): Returned | undefined {
  const spec = def.inline;
  if (!spec) return undefined;
  if (spec.forwardCalls) scope.forwardCalls = new Map(spec.forwardCalls.map((f) => [f.node.id, f.name]));
  for (const b of spec.bound ?? []) scope.locals.set(b.name, convertExpr(b.node, b.moduleName ? { ...scope, locals: new Map(), refs: new Map() } : scope));
  readBlock(spec.statements, scope);
  if (spec.valueNode) {
    const value = convertExpr(spec.valueNode, scope);
    // `for layer in model.layers: layer.add_loss(…layer.kernel…)`: one penalty per pass, summed over the kernels
    const loop = layerLoopOf(spec.valueNode);
    return { value: (loop && overLayerKernels(value, loop)) ?? value, node: spec.valueNode };
  }
  const value = spec.lossVar ? scope.locals.get(spec.lossVar) : undefined;
  return value && { value, node: def.nameNode.parent?.childForFieldName('right') ?? def.nameNode };
}

type Defaulted = { default?: number | string | boolean; defaultNode?: Node; constantRange?: SourceRange };

/**
 * `lam=LAM_DEFAULT` with `LAM_DEFAULT = 0.1` written at module level: the default is the constant's value, and λ
 * write-back edits the constant where it is written (in this file; a notebook's other cell keeps the name's range).
 */
function withConstantDefault<T extends Defaulted>(p: T, constants: ReadonlyMap<string, ModuleConstant> | undefined): T {
  if (p.default !== undefined || p.defaultNode?.type !== 'identifier') return p;
  const constant = constants?.get(p.defaultNode.text);
  if (!constant || Array.isArray(constant.value)) return p;
  return { ...p, default: constant.value, ...(constant.cell === undefined ? { constantRange: constant.valueRange } : {}) };
}

function toParam(p: ParamInfo & Defaulted, role: LossParam['role'], origin: LossParam['origin']): LossParam {
  const computed = p.modelOutput !== undefined || p.graphActivation || p.graphWeight !== undefined || p.modelInput;
  const out: LossParam = { name: p.name, role: computed && role === 'other' ? 'tensor' : role, range: rangeOf(p.node), origin };
  if (p.modelOutput !== undefined) out.modelOutput = p.modelOutput;
  if (p.graphActivation) out.graphActivation = true;
  if (p.modelInput) out.modelInput = true;
  if (p.alias) out.alias = p.alias;
  if (p.graphWeight) out.modelWeight = true;
  if (p.graphWeight === 'output') out.outputLayer = true;
  if (p.default !== undefined) out.default = p.default;
  if (p.defaultNode) out.defaultRange = p.constantRange ?? rangeOf(p.defaultNode);
  if (p.defaultNode?.type === 'none') out.noneDefault = true;
  withItems(out, p.defaultNode);
  return out;
}

/** Names the loss may read whose value is a list or tuple: module constants, defaults, constructor values. */
function listNames(def: LossDef, file: FileContext): Set<string> {
  const out = new Set<string>();
  for (const [k, c] of file.module?.constants ?? []) if (Array.isArray(c.value)) out.add(k);
  for (const p of [...def.outerParams, ...def.params, ...def.moduleAttrs]) if (p.default === undefined && p.defaultNode && staticItemsOf(p.defaultNode)) out.add(p.name);
  return out;
}

/** A default that is a list or tuple of literals (`quantiles=(0.1, 0.5, 0.9)`) is the parameter's `items`. */
function withItems(param: LossParam, defaultNode: Node | undefined): void {
  if (param.default !== undefined || !defaultNode) return;
  const items = staticItemsOf(defaultNode);
  if (items) param.items = items;
}

const numericDefault = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined);

/**
 * A file can hold Keras and PyTorch losses side by side: the model's own calls decide (torch/F/nn → PyTorch,
 * tf/K → Keras), an nn.Module subclass is PyTorch, else the file's framework (a class with no base too).
 */
function frameworkOf(def: LossDef, body: Expr, fileFramework: Framework): Framework {
  // torch's loss bases are `nn.Module`, `_Loss`, `_WeightedLoss` (torch.nn.modules.loss); Keras's is `Loss`
  // (an in-file base counts for what it derives from: superInit.ts ancestorBases)
  if (def.kind === 'module-forward' || def.kind === 'regularizer') {
    const cls = unwrapDecorated(def.defNode);
    const bases = cls ? ancestorBases(cls).join(', ') : (def.defNode.childForFieldName('superclasses')?.text ?? '');
    // a plain class (`class ClampedLoss:` with `__call__`) derives from neither: its calls decide, as a function's
    const plain = bases.replace(/[()\s]|\bobject\b/g, '') === '';
    if (!plain) return /Module\b|(?:^|[\s.(,])_(?:Weighted)?Loss\b|\bnn\.|\btorch\./.test(bases) ? 'pytorch' : 'keras';
  }
  const calls = (re: RegExp): boolean => some(body, (n) => n.kind === 'call' && re.test(n.callee));
  const torch = calls(/^(torch|F|nn)\./);
  const keras = calls(/^(tf|K)\./);
  return torch && !keras ? 'pytorch' : keras && !torch ? 'keras' : fileFramework;
}

/** A value that is one call of a loss written elsewhere: an unknown bare function, or a loss function of the file. */
function delegatesToLoss(value: Expr, scope: Scope, knownLosses: ReadonlySet<string>): boolean {
  if (value.kind === 'call' && !value.callee.includes('.')) return true;
  const helper = scope.inlined?.get(value);
  if (callsClassLoss(value, helper, scope)) return true;
  if (helper === undefined) return false;
  // a function of the file that reads as a loss (`objective(logits, targets, …)`) though its names are not a pair
  const fn = unwrapDecorated(scope.module?.functions.get(helper) ?? null);
  return (knownLosses.has(helper) && !(fn && addsToLossValue(fn))) || (!!fn && isLossFunction(fn, false) && !addsToLossValue(fn));
}

/**
 * `vae.logvar`, `vae.mean` read from a module-level object (a Keras model that keeps its hidden activations as
 * attributes in call): tensors of the model, not settings; named as written (the trainer maps them by the attribute).
 */
function globalTensorAttrs(body: Expr, taken: ReadonlySet<string>, scope: Scope): LossParam[] {
  const out = new Map<string, LossParam>();
  some(body, (n) => {
    const obj = n.kind === 'attr' ? n.object : undefined;
    if (n.kind !== 'attr' || obj?.kind !== 'name' || obj.ref !== 'global' || scope.imports.has(obj.name) || !isTensorName(n.name)) return false;
    const name = `${obj.name}.${n.name}`;
    if (!taken.has(name) && !out.has(name)) out.set(name, { name, role: 'tensor', range: n.range });
    return false;
  });
  return [...out.values()];
}

/**
 * Globals a Keras functional model assigned a layer's output (ModuleScope.layerOutputs: `mu = Dense(16)(h)` read by
 * `vae_loss(y_true, y_pred)`): tensors of the model, named as written (the trainer maps them by name, tensorArgs.ts).
 */
function globalLayerTensors(body: Expr, taken: ReadonlySet<string>, scope: Scope): LossParam[] {
  const outputs = new Set([...(scope.module?.layerOutputs ?? []), ...(scope.kerasGraph?.tensors ?? [])]);
  if (!outputs.size) return [];
  const out = new Map<string, LossParam>();
  some(body, (n) => {
    if (n.kind === 'name' && n.ref === 'global' && outputs.has(n.name) && !taken.has(n.name) && !out.has(n.name)) out.set(n.name, { name: n.name, role: 'tensor', range: n.range });
    return false;
  });
  return [...out.values()];
}

/** The statements around a nested loss that build a Keras graph, read into a copy of the module's; the others. */
function outerGraph(statements: readonly Node[], moduleGraph: KerasGraph | undefined): { graph: KerasGraph; statements: Node[] } | undefined {
  const graph = moduleGraph ? copyKerasGraph(moduleGraph) : emptyKerasGraph();
  const rest = statements.filter((s) => !readGraphStatement(s, graph));
  return rest.length < statements.length ? { graph, statements: rest } : undefined;
}

/**
 * `loss = step_terms(out, y, model)` then `loss.backward()`: an inline loss that is one call of a function of the
 * file, nothing added, is that function's loss (its terms are the function's): named by it, as a loss the loop calls
 * by a loss-like name is found as that function.
 */
function calledLossName(def: LossDef, returned: Returned, scope: Scope, file: FileContext): string | undefined {
  const helper = def.inline ? scope.inlined?.get(returned.value) : undefined;
  if (!helper || !file.module?.functions.has(helper)) return undefined;
  // handed a term the loop computes (`add_penalty(net, F.cross_entropy(out, y))`): the loop's loss, the helper adds to it
  const args = returned.node.type === 'call' ? (returned.node.childForFieldName('arguments')?.namedChildren ?? []) : [];
  const handed = args.map((a) => (a?.type === 'keyword_argument' ? a.childForFieldName('value') : a));
  return handed.every((a) => a && plainArgument.has(a.type)) ? helper : undefined;
}

/**
 * The loss of the file this one only calls (ir.ts LossModel.delegatesTo): `self.criterion(out, batch)` with
 * `self.criterion = SurvivalLoss()` is the class's; `model.compute_loss(out, batch)`, a method of a class of the file
 * called on an object, is the method's.
 */
function delegatedLoss(returned: Returned, scope: Scope, file: FileContext): string | undefined {
  const v = totalEntryOf(returned.value);
  const helper = scope.inlined?.get(v);
  const held = helper?.startsWith('self.') ? scope.instances?.get(helper.slice('self.'.length)) : undefined;
  if (held?.kind === 'call' && file.module?.classes?.has(held.callee)) return held.callee;
  // an object of the file's loss class called (`criterion(out, y)`, its forward followed): the class's loss
  if (v !== returned.value) {
    const built = v.kind === 'call' && v.forward ? v.callee : helper !== undefined ? instanceClass(helper, scope) : undefined;
    if (built !== undefined && file.module?.classes?.has(built)) return built;
  }
  const method = v.kind === 'method' && v.object.kind === 'name' ? v.method : v.kind === 'call' && !helper ? /^[A-Za-z_]\w*\.([A-Za-z_]\w*)$/.exec(v.callee)?.[1] : undefined;
  if (!method || method.startsWith('__')) return undefined;
  return [...(file.module?.classes?.values() ?? [])].some((c) => methodsOf(c).has(method)) ? method : undefined;
}

/** A call of the file's helper or module that returns no value (ir.ts `returnsNothing`): the caller gets None. */
const givesNone = (v: Expr): boolean => (v.kind === 'unsupported' && !!v.returnsNothing) || (v.kind === 'call' && !!v.forward && givesNone(v.forward));

/** The class a name of the script was built from (`criterion = ChirpLoss(fs, stage=1)`), by its constructor call. */
function instanceClass(name: string, scope: Scope): string | undefined {
  const local = scope.locals.get(name);
  if (local?.kind === 'call') return local.callee;
  const stmt = scope.module?.instances?.get(name);
  return stmt?.namedChild(0)?.childForFieldName('right')?.childForFieldName('function')?.text;
}

/**
 * `losses["total"]` with `losses = model.compute_loss(out, y)`: the total entry of the dict a call returns (a loss
 * that logs its parts beside the total, inline.ts totalKey) stands for the call, whose loss computes that total.
 */
function totalEntryOf(value: Expr): Expr {
  if (value.kind !== 'subscript' || value.index.length !== 1) return value;
  const [item] = value.index;
  const key = item?.kind === 'index' && item.value.kind === 'string' ? item.value.value : undefined;
  return key !== undefined && totalKey([key]) !== undefined ? value.object : value;
}

/** The first item of a tuple node (`(total, aux)`, through parentheses). */
function firstItemNode(node: Node): Node | undefined {
  let cur: Node | undefined = node;
  while (cur?.type === 'parenthesized_expression') cur = cur.namedChildren.find((c): c is Node => !!c && !isTrivia(c));
  if (cur?.type !== 'tuple' && cur?.type !== 'expression_list') return undefined;
  return cur.namedChildren.find((c): c is Node => !!c && !isTrivia(c));
}

/** Arguments that hand over a tensor or a setting as it is, not a computed term. */
const plainArgument: ReadonlySet<string> = new Set(['identifier', 'attribute', 'subscript', 'integer', 'float', 'string', 'true', 'false', 'none']);

/** A factory's parameters whose default builds an object (`fit_loss=nn.MSELoss()`) no call of the factory replaces. */
function defaultCriteria(def: LossDef): [string, Node][] {
  if (def.kind !== 'factory' || def.defNode.type !== 'function_definition') return [];
  const params = def.outerParams.filter((p) => !p.variadic);
  return params.flatMap((p, i) => {
    const d = p.defaultNode;
    const callee = d?.type === 'call' ? d.childForFieldName('function')?.text ?? '' : '';
    const builds = /^[A-Z]/.test(callee.slice(callee.lastIndexOf('.') + 1));
    return d && builds && argsPassedToClass(def.defNode, p.name, i).length === 0 ? [[p.name, d] as [string, Node]] : [];
  });
}

export function buildModel(def: LossDef, file: FileContext): LossModel | undefined {
  const positional = def.params.filter((p) => !p.variadic);
  const roles = def.roles ?? pickRoles(positional.map((p) => p.name), file.framework);
  if (!roles) return undefined;
  const refs = new Map<string, NameRef>();
  for (const p of def.outerParams) refs.set(p.name, 'captured');
  for (const p of def.params) refs.set(p.name, p.name === roles.yTrue ? 'yTrue' : p.name === roles.yPred ? 'yPred' : 'param');
  const scope: Scope = { locals: new Map(), refs, imports: file.imports, labels: new WeakMap(), inlined: new WeakMap(), weakLabels: new WeakSet(), instances: new Map(), graphApplied: [], ...(file.module ? { module: file.module } : {}) };
  // a loss class's forward, or a method (a model's loss method, a training step) reading its own class
  const classNode = lossClassNode(def);
  const setup = classNode && def.kind !== 'module-forward' ? setupClass(classNode, file.module) : undefined;
  // a class with no `__init__` of its own reads the attributes its in-file base's or subclass's sets
  if (setup && classNode && setup.id !== classNode.id) def = { ...def, moduleAttrs: moduleAttrsOf(methodsOf(setup).get('__init__')) };
  const cls: ClassScope | undefined = classNode ? readClassScope(setup ?? classNode, def.fn, def.moduleAttrs, scope) : undefined;
  if (cls) cls.initParams = cls.initParams.map((p) => withConstantDefault(p, file.module?.constants));
  if (cls && classNode) cls.methods = reachableMethods(def, classNode, cls.methods, file.module);
  const superBase = classNode ? builtinLossBaseOf(classNode) : undefined;
  const superInstance = classNode && superBase ? superLossInstance(classNode, scope, convertExpr, make) : undefined;
  if (superBase && superInstance) scope.superLoss = { base: superBase, instance: superInstance };
  // a skorch net's `super().get_loss(…)`: the criterion it is given
  const skorch = classNode && !superBase ? skorchCriterionInstance(classNode, scope, make) : undefined;
  if (skorch) scope.superLoss = { ...skorch, methods: SKORCH_LOSS_METHODS };
  const ownWeights = ownWeightsOf(def, cls);
  if (cls) Object.assign(scope, { instances: cls.instances, attrValues: lossParameterValues(def, cls) ?? cls.attrValues, staticAttrs: cls.staticAttrs, methods: cls.methods, attrTypes: cls.attrTypes });
  // a loss defined where its Keras model is built (`def build(): inputs = Input(…); …; def loss(y_true, y_pred): …`):
  // the graph's making is the model, not values of the loss (kerasGraph.ts)
  const outer = def.outerStatements.length ? outerGraph(def.outerStatements, file.module?.kerasGraph) : undefined;
  if (outer) scope.kerasGraph = outer.graph;
  const outerStatements = outer?.statements ?? def.outerStatements;
  const closure = outerStatements.length ? closureParams(outerStatements, def.outerParams) : [];
  if (outerStatements.length) readBlock(outerStatements, scope);
  // `def make_loss(lam=0.3, fit_loss=nn.MSELoss())` that no call passes `fit_loss`: the criterion object the default
  // builds, called in the loss as `fit_loss(pred, y)` (not a model argument)
  for (const [name, ctor] of defaultCriteria(def)) if (!scope.locals.has(name)) scope.locals.set(name, convertExpr(ctor, { ...scope, locals: new Map(), refs: new Map() }));
  // Closure values (`lam = 0.1`, `scale, lam = cfg`) stay names, so they are parameters λ write-back can edit.
  for (const c of closure) {
    scope.locals.delete(c.name);
    refs.set(c.name, 'captured');
  }
  // guards around added terms are decided by the values the code fixes (guardValues.ts), read on first use
  let guards: Map<string, number | string | boolean> | undefined;
  scope.guardValues = () => {
    guards ??= guardValues(def.nameNode, [...def.params, ...def.outerParams], () => (cls && classNode ? settledAttrs(setup ?? classNode, def.moduleAttrs, cls.initParams) : new Map()));
    return guards;
  };
  // a loss function the file calls with a module-level settings object (`sequence_loss(pred, y, CONFIG)`, or a
  // training function's parameter that stands for one): inside, the parameter is that object (enclosingCalls.ts)
  const passedSettings = !def.inline && !classNode && def.fn.type === 'function_definition' ? paramsPassedModuleNames(def.fn) : [];
  for (const b of passedSettings) if (!scope.locals.has(b.name)) scope.locals.set(b.name, convertExpr(b.node, { ...scope, locals: new Map(), refs: new Map() }));
  // its reading depends on the calls, outside its text: the document analyzer must not cache it by that text
  if (passedSettings.length > 0) def.readsCallers = true;
  const bodyNode = def.fn.childForFieldName('body');
  const returned: Returned | undefined = def.inline
    ? readInline(def, scope)
    : def.fn.type === 'lambda'
      ? (bodyNode ? { value: convertExpr(bodyNode, scope), node: bodyNode } : undefined)
      : readBlock(statementsOf(bodyNode), scope);
  if (!returned) return undefined;
  // `return loss, {"ce": ce}` (a loss with logs, common in PyTorch code): the loss is the first item; but a Keras loss
  // of (y_true, y_pred) returning several tensors is stacked and averaged by Keras (kerasTupleMean)
  const first = returned.node.namedChildren.find((c) => c && !isTrivia(c));
  const stacked = file.framework === 'keras' && isKerasPair(roles) ? kerasTupleMean(returned.value) : undefined;
  if (stacked) returned.value = stacked;
  else if (returned.value.kind === 'tuple' && returned.value.items.length > 0 && first) {
    returned.value = returned.value.items[0];
    returned.node = first;
    // `return (total, weighted_orth), logs`: the first item of the first item, as the caller unpacks `(loss, _), logs`
    while (returned.value.kind === 'tuple' && returned.value.items.length > 0) {
      const inner = firstItemNode(returned.node);
      if (!inner) break;
      returned.value = returned.value.items[0];
      returned.node = inner;
    }
  }

  // `forward(self, inputs, targets)` of a model, or `collate(inputs, labels)`, reads like a loss by its parameter
  // names; unless the name says loss, or the parameters are Keras's own (y_true, y_pred: Keras reduces what the
  // function returns), only computing a loss value (a framework loss, a mean or sum) makes it one.
  // `loss = my_loss(model(x), y)` before `.backward()`: the loop hands its batch to a loss written elsewhere (another is that loss's use (usages.ts), not a loss of the loop's own
  // cell, another module) or in this file (followed into its body), which is that loss's use (usages.ts), not a loss
  // of the loop's own
  // (not when the call is of a parameter its callers hand a loss function, `loss(preds, x)` read as `mse_loss(…)`: the
  // file's uses name the parameter, so the function would be left with no use and the step with no loss)
  const aliased = returned.value.kind === 'call' && returned.node.type === 'call' && returned.node.childForFieldName('function')?.text !== returned.value.callee;
  if (def.inline && !def.inline.valueNode && !aliased && delegatesToLoss(returned.value, scope, file.knownLosses)) return undefined;
  if (def.inline && !def.inline.valueNode && callsRegisteredLoss(returned.node, scope.module?.values)) return undefined;
  // `loss = relation(out, y)` whose module's forward returns nothing: no loss to train, the module is LL114's
  if (def.inline && givesNone(returned.value)) return undefined;
  const kerasPair = isKerasPair(roles);
  if (!kerasPair && !def.usedAsLoss && !shapeKinds.has(def.kind) && !LOSS_NAME.test(def.name) && !computesLossValue(returned.value, file.knownLosses)) return undefined;
  if (def.scalarOnly && !returnsScalarLoss(returned.value, file.knownLosses)) return undefined;

  // a tie of branches (a reduction chosen by a string setting): the branch the class is built to run
  if (cls && classNode) {
    const built = setup ?? classNode;
    markSettledBranches(returned.value, scope, () => settledAttrs(built, def.moduleAttrs, cls.initParams), () => settledInitParams(built, cls.initParams));
  }
  const defaults: Record<string, number> = { ...file.globals };
  for (const p of [...def.outerParams, ...def.params]) {
    const v = numericDefault(p.default);
    if (v !== undefined) defaults[p.name] = v;
  }
  for (const a of [...def.moduleAttrs, ...(cls?.classAttrs ?? [])]) {
    const v = numericDefault(a.default);
    if (v !== undefined) defaults[a.name] = v;
  }
  for (const c of closure) if (typeof c.default === 'number') defaults[c.name] = c.default;
  // an inline total grown in place (`loss = loss_fn(y, p); loss += reg`) names the total, not its first piece
  const ownName = def.inline?.lossVar;
  const labelOf = (e: Expr): string | undefined => {
    const label = scope.labels.get(e) ?? (e === returned.value ? def.inline?.valueLabel : undefined);
    if (label === undefined || label !== ownName) return label;
    // the inline loss's own variable names the total; a single term keeps the name it had (the held loss object)
    return e === returned.value ? (nameBeforeVariable(e) ?? label) : undefined;
  };
  const built = buildTerms(returned.value, { defaults, labelOf, knownLosses: file.knownLosses, framework: file.framework, inlinedFrom: (e) => scope.inlined?.get(e), lists: listNames(def, file), tensors: new Set([...tensorArgNames(def.params.filter((p) => !p.variadic), roles), ...(file.builtValues ?? [])]), unvalued: unvaluedArgs(def.params, roles) });
  // add_loss and a regularizer add to a loss written elsewhere: what they hold is all penalty, and its weight is the
  // λ a run sets (`SPARSITY_BETA * reduce_sum(kl)`; read before the roles changed, the one term was a base)
  const whole = def.kind === 'regularizer' && built.terms.length > 1 ? wholePenalty(returned.value, def.name, { defaults }) : undefined;
  const terms = whole ? [whole] : def.penaltiesOnly ? built.terms.map((t) => ({ ...t, role: 'penalty' as const, ...regularizerLabel(def, built.terms) })) : built.terms;
  const lambdaParam = def.penaltiesOnly ? lambdaParamOf(terms) : built.lambdaParam;
  const weightParams = new Set(terms.map((t) => t.weightParam));
  const hyperOr = (p: { name: string; default?: unknown }): LossParam['role'] =>
    numericDefault(p.default) !== undefined || weightParams.has(p.name) ? 'hyper' : p.default === undefined && isTensorName(p.name) ? 'tensor' : 'other';

  const readNames = readNamesOf(returned.value, terms);
  const constants = file.module?.constants;
  const inlined = (a: { name: string }) => cls?.instances.has(a.name.slice('self.'.length)) || cls?.attrValues.has(a.name.slice('self.'.length));
  const attrParam = (origin: LossParam['origin']) => (written: { name: string; node: Parameters<typeof rangeOf>[0]; default?: number | string | boolean; defaultNode?: Parameters<typeof rangeOf>[0]; initParam?: string }): LossParam => {
    const a: typeof written & Defaulted = withConstantDefault(written, constants);
    const out: LossParam = { name: a.name, role: hyperOr(a), range: rangeOf(a.node), origin };
    if (a.initParam) out.initArgument = a.initParam;
    if (a.default !== undefined) out.default = a.default;
    if (a.defaultNode) out.defaultRange = a.constantRange ?? rangeOf(a.defaultNode);
    if (a.defaultNode?.type === 'none') out.noneDefault = true;
    withItems(out, a.defaultNode);
    return out;
  };
  // `self.enc = nn.Linear(…)` is the model's layer, not a setting of the loss: an attribute without a literal value
  // is a parameter only when the loss reads it
  const readsSelf = (e: Expr, name: string) =>
    some(e, (n) => n.kind === 'attr' && n.object.kind === 'name' && n.object.name === 'self' && `self.${n.name}` === name);
  const readsAttr = (e: Expr, name: string) => some(e, (n) => n.kind === 'attr' && n.text.replace(/\s+/g, '') === name);
  const own = new Set([...def.outerParams, ...def.params].map((p) => p.name));
  const valued = (p: ParamInfo) => withConstantDefault(p, constants);
  const params: LossParam[] = [
    // a loss nested in the function that builds its model (`build_models(n_features)`) closes over that function's
    // parameters; one it never reads and nothing gives a value is no setting of the loss (nor a tensor to make up)
    ...def.outerParams.filter((p) => !p.variadic && !(def.usedAsLoss && p.default === undefined && !p.defaultNode && !readNames.has(p.name))).map(valued).map((p) => toParam(p, hyperOr(p), 'factory')),
    ...closure.filter((c) => !own.has(c.name)).map((c) => ({ ...c, role: hyperOr(c) })),
    ...def.params.filter((p) => !p.variadic).map(valued).map((p) => toParam(p, p.name === roles.yTrue ? 'yTrue' : p.name === roles.yPred ? 'yPred' : hyperOr(p), 'argument')),
    ...def.moduleAttrs
      .filter((a) => (a.onlyWhenRead ? readsAttr(returned.value, a.name) : !inlined(a) && (a.default !== undefined || readsSelf(returned.value, a.name))))
      .map(attrParam('constructor')),
    ...(cls?.classAttrs ?? []).map((a) => ({ ...attrParam('class-attribute')(a), defaultRange: rangeOf(a.value) })),
    ...(cls ? constructorParams(cls, readNames, hyperOr) : []),
  ];
  const updated = classNode ? selfUpdatedAttrs(classNode) : new Set<string>();
  for (const p of params) if (updated.has(p.name)) p.updatedInTraining = true;
  params.push(...globalTensorAttrs(returned.value, new Set(params.map((p) => p.name)), scope));
  params.push(...globalLayerTensors(returned.value, new Set(params.map((p) => p.name)), scope));
  const weights = ownWeightParams(returned.value, ownWeights);
  if (weights.length > 0) params.splice(0, params.length, ...params.filter((p) => !weights.some((w) => w.name === p.name)), ...weights);
  const named = new Set(params.map((p) => p.name));
  if (file.module) params.push(...moduleConstantParams(readNames, file.module.constants, named, weightParams, passedAttributeReads(returned.value, terms)));
  const name = calledLossName(def, returned, scope, file) ?? def.name;
  const model: LossModel = {
    // an inline loss is named where it is assigned: several in one function keep distinct ids
    id: `${name}:${(def.inline ? def.nameNode : def.defNode).startPosition.row + 1}`,
    name,
    kind: def.kind,
    framework: frameworkOf(def, returned.value, file.framework),
    language: 'python',
    params,
    yTrue: roles.yTrue,
    yPred: roles.yPred,
    body: returned.value,
    terms,
    range: rangeOf(def.defNode),
    nameRange: rangeOf(def.nameNode),
    returnRange: rangeOf(returned.node),
    usages: [],
  };
  if (lambdaParam) model.lambdaParam = lambdaParam;
  if (def.className) model.className = def.className;
  if (def.regularizes) model.regularizes = def.regularizes;
  if (def.standsInFor) model.standsInFor = def.standsInFor;
  if (def.targetIsInput) model.targetIsInput = true;
  const dropped = def.droppedTotal ?? (def.inline ? undefined : droppedByReturn(def.fn, returned.node));
  if (dropped) model.droppedTotal = dropped;
  const delegate = terms.length <= 1 || scope.inlined?.get(totalEntryOf(returned.value)) ? delegatedLoss(returned, scope, file) : undefined;
  if (delegate) model.delegatesTo = delegate;
  // a sub-model of the graph run on the target (`encoder(y_true)`): the target is the model's input (an autoencoder)
  const onTarget = scope.graphApplied?.find((g) => g.arg === roles.yTrue);
  if (onTarget && !def.standsInFor) {
    model.targetIsInput = true;
    model.standsInFor = `your Keras model's \`${onTarget.model}\` (run on \`${roles.yTrue}\`, the model's input: an autoencoder)`;
  }
  return model;
}

/**
 * A regularizer's one penalty is the regularizer itself: a reviewer names it by its class or function
 * (`OnUnitCircle`, `Orthogonal`), whether the code returns an expression (`self.strength * reduce_sum(…)`) or a
 * local of the helper's own (`r = tf.matmul(w, w, …)`, `return self.l2 * reduce_mean(r ** 2)`), never by a rendering
 * or that local's name.
 */
function regularizerLabel(def: LossDef, terms: readonly Term[]): Partial<Term> {
  return def.kind === 'regularizer' && terms.length === 1 ? { label: def.name } : {};
}

const isKerasPair = (roles: { yTrue: string; yPred: string }): boolean => /^y_?true$/i.test(roles.yTrue) && /^y_?pred$/i.test(roles.yPred);

/**
 * `return energy, curl, divergence` from a Keras loss: Keras converts what a loss returns to one tensor, stacking the
 * tuple, and averages it, so the items are terms of equal weight: `(energy + curl + divergence) / 3`. Undefined unless
 * every item is computed from the target or the prediction (not a count or a log line).
 */
function kerasTupleMean(value: Expr): Expr | undefined {
  if (value.kind !== 'tuple' || value.items.length < 2) return undefined;
  if (!value.items.every((item) => mentionsRef(item, 'yPred') || mentionsRef(item, 'yTrue'))) return undefined;
  const [head, ...rest] = value.items as [Expr, ...Expr[]];
  const sum = rest.reduce<Expr>((acc, item) => binary('+', acc, item, value.range), head);
  const count: Expr = { kind: 'number', value: value.items.length, range: value.range, text: String(value.items.length) };
  return binary('/', sum, count, value.range, `(${sum.text}) / ${count.text}`);
}
