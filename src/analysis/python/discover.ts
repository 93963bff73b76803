// Finds the loss definitions of a Python module: plain functions, factories (`def make(lam): def loss(...): …;
// return loss`), lambdas, the losses classes hold (classes.ts: loss classes, methods, training steps, regularizers)
// and losses written inline where training happens (inline.ts). Only top-level and class-level definitions are
// looked at; nested helpers are not losses.
import type { Node } from 'web-tree-sitter';
import type { DroppedTotal, LossKind, Regularizes } from '../ir';
import { isPredictionName, isTargetName, looksLikeLossPair } from '../terms/roles';
import { classLosses, inlineLosses, type RegularizerUses } from './classes';
import { dictKey, entriesOf } from './dictConstants';
import { type InlineSpec, tupleLossItem } from './inline';
import type { KerasGraph } from './kerasGraph';
import { lambdaRegularizers } from './lambdaRegularizer';
import { buildsLossObjects } from './lossSelector';
import { literalOf, type ParamInfo, readParams } from './params';
import { dictSettingRead } from './passedDict';
import { ancestorBases, superInitAttrs } from './superInit';
import { isBuiltinLossBase } from './superLoss';
import { type LossUses, nestedLosses, noLossUses, usedFunction } from './usedAsLoss';
import { valueWrappers, wrappedDefault } from './valueWrappers';

export interface ModuleAttr {
  name: string; // `self.lam`
  node: Node;
  default?: number | string | boolean;
  defaultNode?: Node;
  /** `self.ce = nn.CrossEntropyLoss()`: the value node, read as a constructor by the expression reader. */
  value: Node;
  /** The `__init__` parameter the attribute copies (`self.lam = lam`, `self.w = torch.tensor(w)`): LossParam.initArgument. */
  initParam?: string;
  /** Only a parameter of the loss when the loss reads it (Lightning's `self.hparams.x`: every `__init__` argument). */
  onlyWhenRead?: boolean;
  /** `self.lam = cfg.get("lam", 1.0)` / `cfg["lam"]`: an entry of a settings dict the constructor is given (passedDict.ts). */
  fromDict?: { param: string; key: string; fallback?: Node; keywords?: true };
}

export interface LossDef {
  kind: LossKind;
  name: string;
  nameNode: Node;
  /** The whole definition (outer function for a factory, class for a module). */
  defNode: Node;
  /** The function whose body computes the loss. */
  fn: Node;
  params: ParamInfo[];
  /** A factory's parameters (captured by the loss). */
  outerParams: ParamInfo[];
  /** Statements of a factory before the inner def (their locals are captured). */
  outerStatements: Node[];
  moduleAttrs: ModuleAttr[];
  /** Names a call binds positionally: a factory's or `__init__`'s parameters, else the function's own. */
  bindNames: string[];
  /** The class a method, training step or add_loss is written in. */
  className?: string;
  /** Target and prediction when the shape says them (inline losses, regularizers), instead of the name tables. */
  roles?: { yTrue: string; yPred: string };
  /** An inline loss: the statements to read and where the loss is at the end (instead of `fn`'s return). */
  inline?: InlineSpec;
  /**
   * The loss reads objects the script passes its function (`train(model, CFG)`, enclosingCalls.ts): what it is
   * depends on lines outside the definition, so its analysis is not cached by the definition's text.
   */
  readsCallers?: true;
  /** add_loss and regularizers: every term is a penalty (the loss they add to is elsewhere). */
  penaltiesOnly?: boolean;
  regularizes?: Regularizes;
  /** An nn.Module found by its shape alone: a loss only when it returns one scalar (a model's forward returns tensors). */
  scalarOnly?: boolean;
  /** The file uses it as its loss (usedAsLoss.ts): a loss whatever its name or what it returns. */
  usedAsLoss?: boolean;
  /** LossModel.standsInFor: the user's model whose tensors the loss reads, stood in for by the trial model. */
  standsInFor?: string;
  /** LossModel.targetIsInput. */
  targetIsInput?: true;
  /** LossModel.droppedTotal: a total of this loss and a penalty that is never trained (droppedTotal.ts). */
  droppedTotal?: DroppedTotal;
}

export const names = (ps: ParamInfo[]): string[] => ps.filter((p) => !p.variadic && p.name !== 'self').map((p) => p.name);

const LOSS_NAME = /loss|criterion|objective|penalty|cost/i;

export const unwrapDecorated = (n: Node | null): Node | null => (n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n);

export function bodyStatements(fnOrClass: Node): Node[] {
  return (fnOrClass.childForFieldName('body')?.namedChildren ?? []).filter((n): n is Node => !!n).map((n) => unwrapDecorated(n) ?? n);
}

/** A function that reads as a loss: two positional params named like (target, prediction), or a loss-like name. */
export function isLossFunction(fn: Node, skipSelf: boolean, nameOverride?: string): boolean {
  const names = readParams(fn.childForFieldName('parameters'))
    .filter((p) => !p.variadic)
    .map((p) => p.name)
    .slice(skipSelf ? 1 : 0);
  if (names.length < 2) return false;
  const firstThree = names.slice(0, 3);
  if (looksLikeLossPair(firstThree)) return true;
  const name = nameOverride ?? fn.childForFieldName('name')?.text ?? '';
  return LOSS_NAME.test(name) && (firstThree.some(isTargetName) || firstThree.some(isPredictionName) || names.length === 2);
}

/** A loss value's name: what a helper that adds to the loss takes first (`loss_value`, `total_loss`, `base`). */
const LOSS_VALUE_PARAM = /^(?:(?:base|total|main|task|data)_?)?(?:loss|cost|objective)(?:_?(?:value|val|sum|total))?$|^(?:base|total)$/i;

/**
 * `def _add_nonneg_penalty(self, loss_value, sr)`, `add_l2(loss, model, lam)`: a helper handed a loss already
 * computed, which adds a penalty to it. A step that calls it with its own loss is the loss (the helper is not a
 * loss the step delegates to).
 */
export function addsToLossValue(fn: Node): boolean {
  const first = readParams(fn.childForFieldName('parameters')).find((p) => !p.variadic && p.name !== 'self');
  return !!first && LOSS_VALUE_PARAM.test(first.name);
}

/**
 * A loss function, or a factory returning one: an inner def that reads as a loss, or any inner def of two or more
 * arguments when the file calls the factory to build its loss (`loss=make(0.1)`; `ref` is how the file names it).
 */
export function plainOrFactory(fn: Node, uses: LossUses = noLossUses, ref?: string): LossDef | undefined {
  const nameNode = fn.childForFieldName('name');
  if (!nameNode) return undefined;
  const stmts = bodyStatements(fn);
  const returned = new Set(stmts.filter((s) => s.type === 'return_statement').map((s) => s.namedChild(0)?.text));
  const calledToBuild = uses.factories.has(ref ?? nameNode.text);
  const innerIndex = stmts.findIndex((s) => s.type === 'function_definition' && returned.has(s.childForFieldName('name')?.text) && (isLossFunction(s, false) || (calledToBuild && positionalCount(s) >= 2)));
  if (innerIndex >= 0) {
    const inner = stmts[innerIndex];
    const outerParams = readParams(fn.childForFieldName('parameters')).filter((p) => p.name !== 'self');
    return {
      kind: 'factory', name: nameNode.text, nameNode, defNode: fn, fn: inner,
      params: readParams(inner.childForFieldName('parameters')),
      outerParams,
      outerStatements: stmts.slice(0, innerIndex),
      moduleAttrs: [],
      bindNames: names(outerParams),
      ...(calledToBuild ? { usedAsLoss: true } : {}),
    };
  }
  if (!isLossFunction(fn, false)) return ref === undefined ? usedFunction(fn, uses, nameNode.text, true) : undefined;
  if (buildsLossObjects(fn)) return undefined;
  const params = readParams(fn.childForFieldName('parameters'));
  return { kind: 'function', name: nameNode.text, nameNode, defNode: fn, fn, params, outerParams: [], outerStatements: [], moduleAttrs: [], bindNames: names(params) };
}

/** `lam` in `self.lam = lam` or in `self.lam = float(lam)` (a call that keeps or converts its value, valueWrappers.ts). */
function wrappedArgument(right: Node): string | undefined {
  if (right.type === 'identifier') return right.text;
  const first = right.type === 'call' && valueWrappers.test(right.childForFieldName('function')?.text ?? '') ? right.childForFieldName('arguments')?.namedChild(0) : null;
  return first?.type === 'identifier' ? first.text : undefined;
}

/** `hasattr(pms, "ent_coef")`, `cfg.lam is not None`, `"lam" in kwargs`: a test of whether a setting is given. */
const HAS_SETTING = /\b(?:hasattr|getattr)\s*\(|\bis\s+not\s+None\b|^\s*['"]\w+['"]\s+in\b/;

/**
 * `self.ent_coef = 0.01` then `if hasattr(pms, "ent_coef"): self.ent_coef = pms.ent_coef`: the override holds only
 * when the object passed has that setting, which the analysis cannot know; the value set unconditionally before it
 * is the code's own (the default), so the guarded one does not replace it.
 */
function overridesGuarded(assignment: Node, earlier: readonly ModuleAttr[]): boolean {
  const name = assignment.childForFieldName('left')?.text.replace(/\s+/g, '');
  if (!earlier.some((a) => a.name === name && a.default !== undefined)) return false;
  for (let n = assignment.parent; n && n.type !== 'function_definition'; n = n.parent) {
    if (n.type === 'if_statement' && HAS_SETTING.test(n.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/** `self.x = value` in `__init__`, with the default of the `__init__` parameter it copies. */
export function moduleAttrsOf(init: Node | undefined): ModuleAttr[] {
  if (!init) return [];
  const initParams = new Map(readParams(init.childForFieldName('parameters')).map((p) => [p.name, p]));
  const out: ModuleAttr[] = [];
  for (const stmt of init.childForFieldName('body')?.descendantsOfType('assignment') ?? []) {
    const left = stmt?.childForFieldName('left');
    const right = stmt?.childForFieldName('right');
    if (!stmt || !left || !right || left.type !== 'attribute' || left.childForFieldName('object')?.text !== 'self') continue;
    const attr: ModuleAttr = { name: left.text.replace(/\s+/g, ''), node: left, value: right };
    const fromDict = dictSettingRead(right, (n) => initParams.has(n));
    // (an override from the constructor's own argument, `if lam is not None: self.lam = lam`, is what a call binds)
    if (!fromDict && !initParams.has(wrappedArgument(right) ?? '') && overridesGuarded(stmt, out)) continue;
    if (fromDict) {
      // bound by the constructor call's dict under `cfg['lam']` (usages.ts), or by its keyword `lam=` when the dict is
      // `**kwargs`; else the `.get` default
      const splat = initParams.get(fromDict.param)?.node.type === 'dictionary_splat_pattern';
      out.push(dictSettingAttr(attr, splat ? { ...fromDict, keywords: true } : fromDict));
      continue;
    }
    const param = initParams.get(wrappedArgument(right) ?? '');
    if (param) attr.initParam = param.name;
    const lit = param ? (param.default === undefined ? undefined : wrappedDefault(right.childForFieldName('function')?.text ?? '', param.default)) : literalOf(right);
    if (lit !== undefined) attr.default = lit;
    const defaultNode = param ? param.defaultNode : lit !== undefined ? right : undefined;
    if (defaultNode) attr.defaultNode = defaultNode;
    out.push(attr, ...ownDictEntries(left, right));
  }
  const own = new Set(out.map((a) => a.name));
  return [...out, ...registeredBuffers(init), ...savedHyperparameters(init, initParams), ...superInitAttrs(init, initParams, own)];
}

function dictSettingAttr(attr: ModuleAttr, fromDict: NonNullable<ModuleAttr['fromDict']>): ModuleAttr {
  const out: ModuleAttr = { ...attr, initParam: fromDict.keywords ? fromDict.key : dictKey(fromDict.param, fromDict.key), fromDict };
  const lit = fromDict.fallback ? literalOf(fromDict.fallback) : undefined;
  if (lit !== undefined) out.default = lit;
  if (fromDict.fallback) out.defaultNode = fromDict.fallback;
  return out;
}

/**
 * `self.config = {"beta": 0.5}` (or `dict(beta=0.5)`) in `__init__`: each literal entry is a setting of the object,
 * `self.config['beta']`, read where the loss writes `self.config["beta"]` (expr.ts) and written back in place.
 */
function ownDictEntries(left: Node, right: Node): ModuleAttr[] {
  const attr = left.childForFieldName('attribute')?.text;
  const out: ModuleAttr[] = [];
  for (const [key, value] of (attr && entriesOf(right)) || []) {
    const lit = literalOf(value);
    if (typeof lit === 'number') out.push({ name: `self.${dictKey(attr as string, key)}`, node: value, value, default: lit, defaultNode: value, onlyWhenRead: true });
  }
  return out;
}

/**
 * `self.register_buffer("high", torch.tensor(high))` in `__init__` sets `self.high` to its value as
 * `self.high = torch.tensor(high)` would (a buffer is a tensor the module keeps without training it).
 */
function registeredBuffers(init: Node): ModuleAttr[] {
  const out: ModuleAttr[] = [];
  for (const call of init.childForFieldName('body')?.descendantsOfType('call') ?? []) {
    if (call?.childForFieldName('function')?.text.replace(/\s+/g, '') !== 'self.register_buffer') continue;
    const [nameNode, value] = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a);
    const name = nameNode?.type === 'string' ? literalOf(nameNode) : undefined;
    if (typeof name !== 'string' || !/^[A-Za-z_]\w*$/.test(name) || !value || value.type === 'keyword_argument') continue;
    const lit = literalOf(value);
    out.push({ name: `self.${name}`, node: nameNode as Node, value, ...(lit !== undefined ? { default: lit, defaultNode: value } : {}) });
  }
  return out;
}

/**
 * Lightning's `self.save_hyperparameters()` in `__init__` stores its arguments as `self.hparams.<name>` (all of
 * them, or the ones named as strings, less `ignore=`): each is an attribute copying that argument.
 */
function savedHyperparameters(init: Node, initParams: ReadonlyMap<string, ParamInfo>): ModuleAttr[] {
  const call = (init.childForFieldName('body')?.descendantsOfType('call') ?? []).find((c) => c?.childForFieldName('function')?.text.replace(/\s+/g, '') === 'self.save_hyperparameters');
  if (!call) return [];
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a);
  const strings = (n: Node | undefined | null): string[] =>
    !n ? [] : n.type === 'string' ? [String(literalOf(n))] : n.namedChildren.filter((c): c is Node => c?.type === 'string').map((c) => String(literalOf(c)));
  const named = args.filter((a) => a.type === 'string').flatMap((a) => strings(a));
  const ignored = new Set(strings(args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'ignore')?.childForFieldName('value')));
  const out: ModuleAttr[] = [];
  for (const p of initParams.values()) {
    if (p.variadic || p.name === 'self' || ignored.has(p.name) || (named.length > 0 && !named.includes(p.name))) continue;
    const attr: ModuleAttr = { name: `self.hparams.${p.name}`, node: p.node, value: p.node, initParam: p.name, onlyWhenRead: true };
    if (p.default !== undefined) attr.default = p.default;
    if (p.defaultNode) attr.defaultNode = p.defaultNode;
    out.push(attr);
  }
  return out;
}

/** A loss base class (`keras.losses.Loss`, torch's `_Loss` and `_WeightedLoss`): its `call`/`forward` is a loss by definition. */
const LOSS_BASE = /(^|\.)_?(?:Weighted)?Loss$/;
/** An `nn.Module`: a model or a loss; its forward is a loss when it returns one scalar (python/model.ts). */
const MODULE_BASE = /(^|\.)Module$/;

const positionalCount = (fn: Node): number => readParams(fn.childForFieldName('parameters')).filter((p) => !p.variadic && p.name !== 'self').length;

/**
 * Whether a class's forward/call is its loss, and on what condition: named like one (its arguments or the class),
 * any two arguments of a Loss subclass (`call(self, imgs_true, imgs_pred)`), or an nn.Module's two arguments when
 * what it returns is a scalar loss value (`forward(self, allocation, asset_returns)`: 'scalar').
 */
function forwardIsLoss(cls: Node, nameNode: Node, fn: Node, used: boolean): boolean | 'scalar' {
  // `forward(self, restored, clean)` of a class named like a loss is its loss, whatever its arguments are called
  if (isLossFunction(fn, true) || (LOSS_NAME.test(nameNode.text) && isLossFunction(fn, true, nameNode.text))) return true;
  // a model whose forward returns its loss beside its output (`return out, loss`, the loop's `_, loss = model(x)`)
  if (returnsLossItem(fn)) return true;
  // an instance the file differentiates may take one tensor (`loss_fn(pos_output)`: an energy, a code)
  if (positionalCount(fn) < (used ? 1 : 2)) return false;
  // an in-file base counts for what it derives from (`class RangeLoss(Penalised)`, `class Penalised(nn.Module)`)
  const bases = ancestorBases(cls);
  if (bases.some((b) => LOSS_BASE.test(b) || isBuiltinLossBase(b))) return true;
  return bases.some((b) => MODULE_BASE.test(b)) ? 'scalar' : false;
}

/** The forward's last `return` is a tuple with one item named as the loss (inline.ts tupleLossItem: `return x, loss`). */
function returnsLossItem(fn: Node): boolean {
  const ret = bodyStatements(fn).filter((s) => s.type === 'return_statement').at(-1);
  return !!ret && tupleLossItem(ret.namedChild(0) ?? undefined) !== undefined;
}

/** `used`: the file builds its loss from this class (`loss_fn = Cls(…)` called where it differentiates). */
function moduleLoss(cls: Node, used = false): LossDef | undefined {
  const nameNode = cls.childForFieldName('name');
  const methods = bodyStatements(cls).filter((s) => s.type === 'function_definition');
  const byName = (n: string): Node | undefined => methods.find((m) => m.childForFieldName('name')?.text === n);
  const fn = byName('forward') ?? byName('call') ?? byName('__call__');
  const isLoss = nameNode && fn ? forwardIsLoss(cls, nameNode, fn, used) : false;
  if (!nameNode || !fn || !isLoss) return undefined;
  const params = readParams(fn.childForFieldName('parameters')).slice(1);
  const positional = params.filter((p) => !p.variadic);
  return {
    // one tensor and no target (an energy, a code): the prediction
    ...(positional.length === 1 ? { roles: { yTrue: '', yPred: positional[0]!.name } } : {}),
    ...(isLoss === 'scalar' ? { scalarOnly: true } : {}),
    kind: 'module-forward', name: nameNode.text, nameNode, defNode: cls, fn,
    params,
    outerParams: [], outerStatements: [],
    moduleAttrs: moduleAttrsOf(byName('__init__')),
    bindNames: names(readParams(byName('__init__')?.childForFieldName('parameters') ?? null)),
  };
}

/** `loss = lambda y_true, y_pred: …` at module level. */
function lambdaLoss(stmt: Node): LossDef | undefined {
  const assignment = stmt.namedChild(0);
  const nameNode = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
  const fn = assignment?.childForFieldName('right');
  if (nameNode?.type !== 'identifier' || fn?.type !== 'lambda' || !isLossFunction(fn, false, nameNode.text)) return undefined;
  const params = readParams(fn.childForFieldName('parameters'));
  return { kind: 'arrow', name: nameNode.text, nameNode, defNode: stmt, fn, params, outerParams: [], outerStatements: [], moduleAttrs: [], bindNames: names(params) };
}

/** What discovery needs from the rest of the file. */
export interface DiscoverContext {
  /** Regularizers the file passes to layers, by name (`activity_regularizer=Ortho(0.1)`). */
  regularizers: RegularizerUses;
  /** What the file passes or calls as its loss (usedAsLoss.ts). */
  uses?: LossUses;
  /** The Keras functional model the module builds, and the file's classes (a top-level add_loss reads its tensors). */
  graph?: KerasGraph;
}

const noContext: DiscoverContext = { regularizers: new Map() };

/** `def l1_reg(w): return 0.01 * K.sum(K.abs(w))` passed as `kernel_regularizer=l1_reg`. */
function regularizerFunction(fn: Node, ctx: DiscoverContext): LossDef | undefined {
  const nameNode = fn.childForFieldName('name');
  const on = nameNode ? ctx.regularizers.get(nameNode.text) : undefined;
  const params = readParams(fn.childForFieldName('parameters')).filter((p) => !p.variadic);
  if (!nameNode || !on || params.length === 0) return undefined;
  return {
    kind: 'regularizer', name: nameNode.text, nameNode, defNode: fn, fn, params: params.slice(0, 1), outerParams: [], outerStatements: [],
    moduleAttrs: [], bindNames: names(params), roles: { yTrue: '', yPred: params[0].name }, penaltiesOnly: true, regularizes: on,
  };
}

function functionLosses(fn: Node, ctx: DiscoverContext): LossDef[] {
  const uses = ctx.uses ?? noLossUses;
  const own = plainOrFactory(fn, uses) ?? regularizerFunction(fn, ctx);
  const built = own ? [] : builtClassLosses(fn, ctx);
  // a class's own train_step holds the tape the builder's text shows: the builder is no step of its own
  const stepsOnly = built.length > 0 && built.every((d) => d.kind === 'training-step');
  const found = own ? [own] : [...built, ...(stepsOnly ? [] : inlineLosses(fn, undefined, ctx.graph))];
  return [...found, ...(found.length === 0 && fn.text.includes('regularizer') ? lambdaRegularizers(fn) : []), ...nestedLosses(fn, uses)];
}

/** `return Cls(…)` (or `return Cls`): the class a builder returns an instance of. */
const returnedClass = (s: Node): string | undefined => {
  const v = s.type === 'return_statement' ? s.namedChild(0) : null;
  const callee = v?.type === 'call' ? v.childForFieldName('function') : v;
  return callee?.type === 'identifier' ? callee.text : undefined;
};

/**
 * A loss class defined in a builder function that returns an instance of it (`def build(lam): class SumLoss(
 * keras.losses.Loss): …; return SumLoss()`): the class's losses, with the builder's parameters and earlier locals as
 * their closure (the builder is a factory: a call `build(0.5)` binds its parameters, and names the loss).
 */
function builtClassLosses(fn: Node, ctx: DiscoverContext): LossDef[] {
  const stmts = bodyStatements(fn);
  const returned = new Set(stmts.map(returnedClass).filter((n): n is string => !!n));
  const index = stmts.findIndex((s) => s.type === 'class_definition' && returned.has(s.childForFieldName('name')?.text ?? ''));
  if (index < 0) return builtModelSteps(stmts, ctx);
  const cls = stmts[index] as Node;
  // named by the builder, as a factory is: the file calls it (`loss=build(0.5)`), never the class, to build its loss
  const builder = fn.childForFieldName('name');
  const outerParams = readParams(fn.childForFieldName('parameters')).filter((p) => p.name !== 'self' && !p.variadic);
  return classLosses(cls, cls, ctx.regularizers, moduleLoss, ctx.uses).map((d) =>
    d.kind === 'module-forward' && builder ? { ...d, name: builder.text, nameNode: builder, defNode: fn, outerParams, outerStatements: stmts.slice(0, index), bindNames: names(outerParams) } : d,
  );
}

/**
 * A model class defined in the function that builds the model (`def build_vae(): …; class VAE(Model): def
 * train_step(self, data): …; vae = VAE(encoder, decoder); return vae`): its training step is the file's loss, as it
 * is for a class at module level.
 */
function builtModelSteps(stmts: readonly Node[], ctx: DiscoverContext): LossDef[] {
  return stmts
    .filter((s) => s.type === 'class_definition')
    .flatMap((cls) => classLosses(cls, cls, ctx.regularizers, moduleLoss, ctx.uses).filter((d) => d.kind === 'training-step'));
}

/** Statements that hold a training loop at module level (a script): `for x, y in loader: … loss.backward()`. */
const scriptBlocks: ReadonlySet<string> = new Set(['for_statement', 'while_statement', 'with_statement', 'if_statement', 'try_statement']);

/** The losses a top-level statement defines (a function, a factory, a class's losses, a lambda, a script's loop). */
export function discoverOne(top: Node, ctx: DiscoverContext = noContext): LossDef[] {
  if (top.type === 'expression_statement') {
    const l = lambdaLoss(top);
    if (l) return [l];
    return /\.add_loss\(|\.backward\(/.test(top.text) ? inlineLosses(top, undefined, ctx.graph) : [];
  }
  if (scriptBlocks.has(top.type)) return inlineLosses(top, undefined, ctx.graph);
  const stmt = unwrapDecorated(top);
  if (!stmt) return [];
  const defs = stmt.type === 'function_definition' ? functionLosses(stmt, ctx) : stmt.type === 'class_definition' ? classLosses(stmt, top, ctx.regularizers, moduleLoss, ctx.uses) : [];
  for (const def of defs) if (def.defNode === stmt && stmt !== top) def.defNode = top;
  return defs;
}

/** Every loss defined at the top level of `root` (a module, an ERROR node, or a re-parsed chunk). */
export function discoverLosses(root: Node, ctx: DiscoverContext = noContext): LossDef[] {
  return root.namedChildren.flatMap((child) => (child ? discoverOne(child, ctx) : []));
}
