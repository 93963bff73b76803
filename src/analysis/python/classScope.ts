// What a loss class (`nn.Module`, `keras.losses.Loss`) gives its `forward`/`call` beside `self.x = param`:
// class attributes (`weight = 0.1` in the class body), constructor expressions (`self.bound =
// torch.tensor(bound).to(device)`, read in place with `bound` a constructor parameter), attributes set to a literal
// (static branches), callable instances (`self.ce = nn.CrossEntropyLoss()`), and its other methods (helpers).
import type { Node } from 'web-tree-sitter';
import type { Expr, LossParam } from '../ir';
import { rangeOf } from '../parsing/range';
import { some } from '../terms/expr';
import { functionAlias, partialAlias } from './aliases';
import { attrSetOutside } from './attrsSetOutside';
import { statementsOf } from './body';
import { callableOf } from './callables';
import { argsPassedToClass } from './classCalls';
import { dictEntryInstance } from './dictInstance';
import { dictEntries } from './dictValues';
import type { ModuleAttr } from './discover';
import { convertExpr } from './expr';
import { fieldDefault } from './fieldDefault';
import { heldCriterion } from './heldCriterion';
import { literalOf, type ParamInfo, readParams, staticItemsOf } from './params';
import { dictLiteralOf, passedDictEntries } from './passedDict';
import type { Scope } from './scope';
import { setupInstances } from './setupInstances';
import { initParamTypes, type PyType } from './staticTypes';
import { valueWrappers, wrappedDefault } from './valueWrappers';

type Call = Extract<Expr, { kind: 'call' }>;

export interface ClassScope {
  instances: Map<string, Call>;
  attrValues: Map<string, Expr>;
  staticAttrs: Map<string, number | string | boolean>;
  methods: Map<string, Node>;
  /** `weight = 0.1` in the class body, not set in `__init__`: read as `self.weight`. */
  classAttrs: { name: string; node: Node; value: Node; default: number | string | boolean }[];
  /** `__init__`'s parameters (a constructor expression reads them as captured names). */
  initParams: ParamInfo[];
  /** `self.x = x`: the Python types every call of the class passes for x, and its default (staticTypes.ts). */
  attrTypes: Map<string, readonly PyType[]>;
}

const unwrap = (n: Node | null): Node | null => (n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n);

/** A class-like constructor (`nn.MSELoss()`, `CustomLoss(…)`): its instance is called like a function. */
/** Calls that hold a number as a tensor without changing it. */
const isConstructor = (callee: string): boolean => /^[A-Z]/.test(callee.slice(callee.lastIndexOf('.') + 1));

/**
 * `self.cfg = cfg` with `cfg: VAEConfig` in `__init__`, or `self.cfg = VAEConfig()`: a settings class of the file
 * (a dataclass or namespace whose literals moduleScope reads as `VAEConfig.kl_weight`), so `self.cfg.kl_weight`
 * reads that constant, its default and where it is written. Undefined for anything else.
 */
function settingsClassOf(value: Node, initParams: ParamInfo[], scope: Scope, classNode?: Node): string | undefined {
  // `self.cfg = config or PoseLossConfig()`: what the calls pass for `config` (`WifiPoseLoss(PoseLossConfig())`), else,
  // with `config=None` no call passes, the fallback built with its defaults
  const left = value.type === 'boolean_operator' && value.childForFieldName('operator')?.type === 'or' ? value.childForFieldName('left') : null;
  const passedClass = left ? settingsClassOf(left, initParams, scope, classNode) : undefined;
  if (passedClass) return passedClass;
  const fallback = classNode ? orFallbackNode(value, classNode, initParams) : undefined;
  if (fallback) return settingsClassOf(fallback, initParams, scope, classNode);
  const param = value.type === 'identifier' ? initParams.find((p) => p.name === value.text) : undefined;
  const annotation = param?.node.parent?.type === 'typed_parameter' ? param.node.parent.childForFieldName('type')?.text : undefined;
  const built = value.type === 'call' ? builtWithDefaults(value) : undefined;
  // `Coach(Options())`: every call of the class in the file passes the settings class built with its defaults
  const passed = param && !annotation && classNode ? argsPassedToClass(classNode, param.name, initParams.indexOf(param)) : [];
  const passedBuilt = passed.map(builtWithDefaults);
  const fromCalls = passedBuilt.length > 0 && passedBuilt.every((n) => n !== undefined && n === passedBuilt[0]) ? passedBuilt[0] : undefined;
  const name = annotation ?? built ?? fromCalls;
  const constants = scope.module?.constants;
  if (!name || !/^[A-Za-z_]\w*$/.test(name) || !scope.module?.classes?.has(name) || !constants) return undefined;
  return [...constants.keys()].some((k) => k.startsWith(`${name}.`)) ? name : undefined;
}

/** Calls that build a tensor from the numbers they are given (a fixed weight profile, a band, a bound per output). */
const TENSOR_FACTORY = /^(torch\.(tensor|as_tensor|linspace|full|ones|zeros|arange|eye|logspace)|tf\.(constant|linspace|ones|zeros|fill|range|eye)|np\.(array|linspace|full|ones|zeros|arange|eye))$/;

/**
 * The tensor every construction of the class passes for `param` when it is one such call over literals and module
 * constants (`WeightedLoss(rise_w=torch.linspace(0.5, 1.5, N_RADII - 1))`), read at module level; else undefined.
 */
function passedTensorConstant(classNode: Node, param: ParamInfo, index: number, scope: Scope): Expr | undefined {
  const passed = argsPassedToClass(classNode, param.name, index);
  const [first] = passed;
  if (!first || passed.some((n) => n.text !== first.text) || first.type !== 'call') return undefined;
  if (!TENSOR_FACTORY.test(first.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '')) return undefined;
  const v = convertExpr(first, { ...scope, locals: new Map(), refs: new Map() });
  const constants = scope.module?.constants;
  const known = (n: Expr): boolean => n.kind !== 'name' || (n.ref === 'global' && (constants?.has(n.name) ?? false));
  return v.kind === 'call' && !some(v, (n) => n.kind === 'unsupported' || !known(n)) ? v : undefined;
}

/**
 * `self.W = W` with `def __init__(self, …, W=W)` and a module dict `W = {"w_aux": 0.5, …}` that no call of the class
 * replaces: the attribute is that dict, so `self.W["w_aux"]` reads its entry as the module's `W["w_aux"]` does.
 */
function moduleDictDefault(value: Node, initParams: ParamInfo[], scope: Scope, classNode: Node): string | undefined {
  const index = value.type === 'identifier' ? initParams.findIndex((p) => p.name === value.text) : -1;
  const param = initParams[index];
  const dict = param?.defaultNode?.type === 'identifier' ? param.defaultNode.text : undefined;
  if (!param || !dict || passedByACall(classNode, param.name, index)) return undefined;
  const constants = scope.module?.constants;
  return constants && [...constants.keys()].some((k) => k.startsWith(`${dict}[`)) ? dict : undefined;
}

/** `Options()`: the class a call with no arguments builds (its defaults), else undefined. */
const builtWithDefaults = (n: Node): string | undefined =>
  n.type === 'call' && n.childForFieldName('arguments')?.namedChildren.length === 0 ? n.childForFieldName('function')?.text : undefined;

/**
 * `__init__`'s own locals (`name = expr` at the top of its body), each read with the ones above it: what an attribute
 * set from them holds. `before(node)` gives the locals assigned before `node`, as Python has run them there.
 */
function initLocals(init: Node | undefined, ctorScope: Scope, initParams: readonly ParamInfo[]): (node: Node) => Map<string, Expr> {
  const assigned: { at: number; name: string; value: Expr }[] = [];
  const locals = new Map<string, Expr>();
  // a local computed from data the constructor is handed (`n_classes = train_df[label].nunique()`) is data: left
  // unknown (the trainer says so), not read in place as ops the trial would run
  const data = new Set(initParams.filter((p) => p.default === undefined && !p.defaultNode && !p.variadic).map((p) => p.name));
  const readsData = (e: Expr): boolean => some(e, (n) => n.kind === 'name' && data.has(n.name));
  for (const s of statementsOf(init?.childForFieldName('body') ?? null)) {
    const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) continue;
    const value = convertExpr(right, { ...ctorScope, locals: new Map(locals) });
    if (readsData(value)) continue;
    locals.set(left.text, value);
    assigned.push({ at: s.endIndex, name: left.text, value });
  }
  return (node) => new Map(assigned.filter((x) => x.at <= node.startIndex).map((x) => [x.name, x.value]));
}

export function readClassScope(classNode: Node, fn: Node, moduleAttrs: ModuleAttr[], scope: Scope): ClassScope {
  const out: ClassScope = { instances: new Map(), attrValues: new Map(), staticAttrs: new Map(), methods: new Map(), classAttrs: [], initParams: [], attrTypes: new Map() };
  const body = (classNode.childForFieldName('body')?.namedChildren ?? []).map((n) => unwrap(n)).filter((n): n is Node => !!n);
  const init = body.find((s) => s.type === 'function_definition' && s.childForFieldName('name')?.text === '__init__');
  out.initParams = init ? readParams(init.childForFieldName('parameters')).slice(1) : [];
  for (const s of body) {
    const name = s.type === 'function_definition' ? s.childForFieldName('name')?.text : undefined;
    if (name && s !== fn && name !== '__init__') out.methods.set(name, s);
    const assignment = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    const written = assignment?.childForFieldName('right');
    const right = written && fieldDefault(written);
    const lit = right ? literalOf(right) : undefined;
    if (left?.type !== 'identifier' || !right || moduleAttrs.some((a) => a.name === `self.${left.text}`)) continue;
    if (lit !== undefined) {
      out.classAttrs.push({ name: `self.${left.text}`, node: left, value: right, default: lit });
      out.staticAttrs.set(left.text, lit);
    }
    // `base = nn.MSELoss()` in the class body: an instance shared by the class, called as `self.base(out, y)`
    const built = right.type === 'call' ? convertExpr(right, { ...scope, locals: new Map(), refs: new Map() }) : undefined;
    if (built?.kind === 'call' && isConstructor(built.callee)) out.instances.set(left.text, built);
  }
  // Constructor expressions read `__init__`'s parameters as captured values (bound by `Loss(bound=2.0)` calls).
  const ctorScope: Scope = { ...scope, locals: new Map(), refs: new Map(out.initParams.map((p) => [p.name, 'captured' as const])) };
  const localsBefore = initLocals(init, ctorScope, out.initParams);
  const initParamNames = new Set(out.initParams.map((p) => p.name));
  for (const a of moduleAttrs) {
    const attr = a.name.slice('self.'.length);
    const typed = a.initParam ? out.initParams.findIndex((p) => p.name === a.initParam) : -1;
    const types = typed >= 0 ? initParamTypes(classNode, out.initParams[typed] as ParamInfo, typed) : undefined;
    if (types) out.attrTypes.set(attr, types);
    if (a.fromDict) {
      // a settings dict's entry: a parameter the constructor call binds, else `.get`'s default (a tensor, say) in place
      const fallback = a.fromDict.fallback;
      if (a.default === undefined && fallback && !dictEntryPassed(classNode, a.fromDict, out.initParams)) out.attrValues.set(attr, convertExpr(fallback, ctorScope));
      continue;
    }
    if (a.default !== undefined) {
      // a constructor argument (`self.lam = lam`, `self.lam = float(lam)`) is what each construction passes, not its default
      if (!readsInitParam(a.value, initParamNames)) out.staticAttrs.set(attr, a.default);
      continue;
    }
    const settings = settingsClassOf(a.value, out.initParams, scope, classNode) ?? moduleDictDefault(a.value, out.initParams, scope, classNode);
    if (settings) {
      out.attrValues.set(attr, { kind: 'name', name: settings, ref: 'global', range: rangeOf(a.value), text: settings });
      continue;
    }
    // `self.weight = weight` (or a base constructor's) with `weight=None`: None until a call binds it
    const param = a.value.type === 'identifier' ? out.initParams.find((p) => p.name === a.value.text) : undefined;
    if (param?.defaultNode?.type === 'none' && !passedByACall(classNode, param.name, out.initParams.indexOf(param))) out.attrValues.set(attr, convertExpr(param.defaultNode, ctorScope));
    // `self.settings = settings` with every construction passing one dict literal: that dict, read entry by entry
    // (only where the class reads it entry by entry: `self.pairs or {}` and `len(self.pairs)` read the dict whole, and a
    // branch on them is the trainer's to check against the construction, interpreter/termBranch.ts)
    const readByKey = new RegExp(`self\\.${attr}\\s*(?:\\.get\\(|\\[\\s*['"])`).test(classNode.text);
    const kept = param && !param.variadic && readByKey ? keptSettingsDict(classNode, param, out.initParams.indexOf(param), scope) : undefined;
    if (kept) {
      out.attrValues.set(attr, kept);
      continue;
    }
    if (param && !param.variadic) {
      // `self.base_loss_fn = base_loss_fn` with `base_loss_fn=nn.L1Loss()`: the criterion object, called in forward
      const held = heldCriterion(classNode, param, out.initParams.indexOf(param), scope);
      if (held) out.instances.set(attr, held);
    }
    // `self.register_buffer("rise_w", rise_w)` with every construction passing `torch.linspace(0.5, 1.5, N - 1)`: that
    // tensor, built from literals and module constants, read in place
    const tensorArg = param && !param.variadic ? passedTensorConstant(classNode, param, out.initParams.indexOf(param), scope) : undefined;
    if (tensorArg) {
      out.attrValues.set(attr, tensorArg);
      continue;
    }
    if (a.value.type === 'identifier' && initParamNames.has(a.value.text)) continue; // `self.lam = lam` without a default
    const alias = functionAlias(a.value, scope.imports) ?? partialAlias(a.value, scope.imports, (n) => convertExpr(n, { ...ctorScope, locals: localsBefore(a.value) }));
    if (alias) {
      out.instances.set(attr, alias); // `self.loss_fn = F.mse_loss`: called as `self.loss_fn(p, y)`
      continue;
    }
    // `self.loss = LOSSES[loss]`: the registry's entry for the setting the class is built with (dictInstance.ts);
    // `channels = 1 if mask_only else n_sites` above `self.zero_mask = torch.zeros(b, channels, …)`: read in place
    const entry = dictEntryInstance(a.value, classNode, out.initParams, scope.module);
    const v = convertExpr(entry ?? a.value, entry ? { ...scope, locals: new Map(), refs: new Map() } : { ...ctorScope, locals: localsBefore(a.value) });
    const wrapped = v.kind === 'call' && valueWrappers.test(v.callee) && v.args[0]?.kind === 'name' ? out.initParams.find((p) => v.args[0]?.kind === 'name' && p.name === v.args[0].name) : undefined;
    if (wrapped) {
      // `self.w = tf.convert_to_tensor(w, dtype=…)`: the same number as `self.w = w`, so λ stays `self.w`
      a.initParam = wrapped.name;
      if (wrapped.default !== undefined) a.default = v.kind === 'call' ? wrappedDefault(v.callee, wrapped.default) : wrapped.default;
      if (wrapped.defaultNode) a.defaultNode = wrapped.defaultNode;
      continue;
    }
    const fallback = noneOrFallback(a.value, classNode, out.initParams, ctorScope);
    if (fallback) out.instances.set(attr, fallback);
    else if (v.kind === 'call' && isConstructor(v.callee)) out.instances.set(attr, v);
    else if (v.kind === 'none') out.attrValues.set(attr, attrSetOutside(classNode, attr, scope) ?? v);
    // `self.excess = lambda x: …`: a callable, called as `self.excess(pred)` (callables.ts)
    // `self.settings = {"lam": 0.2}`: a dict known entry by entry (dictValues.ts), read as `self.settings.get("lam", d)`
    else if (v.kind !== 'unsupported' || callableOf(v) || dictEntries(v, ctorScope)) out.attrValues.set(attr, v);
  }
  // a criterion a setup method builds (`self.criterion_regul = WeightNormPenalty(…)` in `_build_loss_function`)
  const setup = body.filter((s) => s.type === 'function_definition' && s !== fn && s !== init);
  for (const [attr, built] of setupInstances(setup, scope)) {
    if (out.instances.has(attr) || out.attrValues.has(attr)) continue;
    if (built.kind === 'call') out.instances.set(attr, built);
    else out.attrValues.set(attr, built); // a choice of objects, called as that choice (expr.ts)
  }
  return out;
}

/**
 * The dict literal every construction of the class passes for `param` (`GateTrainer({"epochs": 20})`, or a module
 * settings dict), converted with its entries known; undefined when a call passes anything else or the calls differ.
 */
function keptSettingsDict(classNode: Node, param: ParamInfo, index: number, scope: Scope): Expr | undefined {
  const passed = argsPassedToClass(classNode, param.name, index).map((arg) => dictLiteralOf(arg));
  const dict = passed[0];
  if (!dict || passed.some((d) => d?.text !== dict.text)) return undefined;
  const value = convertExpr(dict, { ...scope, locals: new Map(), refs: new Map() });
  return dictEntries(value, scope) ? value : undefined;
}

/** Whether a call of the class passes the entry the attribute reads (`Loss({"lam": 0.5})`, `Loss(lam=0.5)` into `**kwargs`). */
function dictEntryPassed(classNode: Node, from: { param: string; key: string; keywords?: true }, initParams: ParamInfo[]): boolean {
  // `**kwargs`: the call passes the entry as a keyword of its own
  if (from.keywords) return argsPassedToClass(classNode, from.key, -1).length > 0;
  const index = initParams.findIndex((p) => p.name === from.param);
  return argsPassedToClass(classNode, from.param, index).some((arg) => passedDictEntries(arg)?.has(from.key) ?? true);
}

/** Whether a call of the class in this file passes its `__init__` parameter `name` (at `index`, or by keyword). */
const passedByACall = (classNode: Node, name: string, index: number): boolean => argsPassedToClass(classNode, name, index).length > 0;

/** The constructor parameters a constructor expression the loss reads uses, as parameters of the loss. */
export function constructorParams(cls: ClassScope, readNames: ReadonlySet<string>, role: (p: ParamInfo) => LossParam['role']): LossParam[] {
  return cls.initParams
    .filter((p) => !p.variadic && readNames.has(p.name))
    .map((p) => {
      const out: LossParam = { name: p.name, role: role(p), range: rangeOf(p.node), origin: 'constructor' };
      if (p.default !== undefined) out.default = p.default;
      if (p.defaultNode) out.defaultRange = rangeOf(p.defaultNode);
      if (p.defaultNode?.type === 'none') out.noneDefault = true;
      // `levels=(0.1, 0.9)`: a list of numbers, a value known before training (not a tensor the trial must give)
      const items = p.default === undefined && p.defaultNode ? staticItemsOf(p.defaultNode) : undefined;
      if (items) out.items = items;
      return out;
    });
}

/** `lam`, `float(lam)`, `int(n_steps)`: the constructor parameter itself, perhaps through a number conversion. */
function readsInitParam(value: Node, initParamNames: ReadonlySet<string>): boolean {
  if (value.type === 'identifier') return initParamNames.has(value.text);
  const fn = value.type === 'call' ? value.childForFieldName('function')?.text : undefined;
  const args = value.childForFieldName('arguments')?.namedChildren.filter((n) => !!n && n.type !== 'comment') ?? [];
  // `float(lam)`, `K.cast_to_floatx(l2)`: the argument's value, converted (valueWrappers.ts)
  return !!fn && valueWrappers.test(fn) && args.length === 1 && !!args[0] && readsInitParam(args[0], initParamNames);
}

/** `param or fallback` with `param=None` that no constructor call passes: the fallback's node (what Python's `or` gives). */
function orFallbackNode(value: Node, classNode: Node, initParams: readonly ParamInfo[]): Node | undefined {
  if (value.type !== 'boolean_operator' || value.childForFieldName('operator')?.type !== 'or') return undefined;
  const left = value.childForFieldName('left');
  const right = value.childForFieldName('right');
  const param = left?.type === 'identifier' ? initParams.find((p) => p.name === left.text) : undefined;
  if (!param || !right || param.defaultNode?.type !== 'none' || passedByACall(classNode, param.name, initParams.indexOf(param))) return undefined;
  return right;
}

/**
 * `self.base = base_loss or MAELoss()` with `base_loss=None` that no constructor call passes: Python's `or` gives the
 * fallback object, built by its constructor; undefined for anything else.
 */
function noneOrFallback(value: Node, classNode: Node, initParams: readonly ParamInfo[], scope: Scope): Call | undefined {
  const right = orFallbackNode(value, classNode, initParams);
  if (!right) return undefined;
  const built = convertExpr(right, scope);
  return built.kind === 'call' && isConstructor(built.callee) ? built : undefined;
}
