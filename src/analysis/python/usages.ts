// How the file uses its losses (ir.ts `LossUsage`) and which output activation its model shows. The calls worth
// reading (loss names, variables holding a loss, compile/fit/backward/partial, layers) are found in the text by
// name first and then read from the tree, in document order.
import type { Node } from 'web-tree-sitter';
import type { LossModel, LossUsage, SourceRange, StaticValue } from '../ir';
import { callNames } from '../parsing/callNames';
import { rangeOf } from '../parsing/range';
import { scanSegments, type TextMemo } from '../parsing/textSegments';
import { some } from '../terms/expr';
import { callsOfClass } from './classCalls';
import { dictKey } from './dictConstants';
import { dottedName } from './expr';
import { type ImportMap, resolveCallee } from './imports';
import { isLossRegistry, registryPick } from './lossRegistryFn';
import { selectedLossCall } from './lossSelector';
import type { ModuleConstant, ModuleScope } from './moduleScope';
import { dictKeysOf, literalOf, staticItemsOf } from './params';
import { passedDictEntries } from './passedDict';
import { type PassedValue, passedValue } from './passedValue';
import { registryClass, registryFunctionPick } from './registryCall';
import { returnedAsOutput } from './returnedActivation';
import { splatKeywords } from './splatKwargs';
import { factoryMethodConstructors, subclassConstructors } from './subclassCtors';
import { isTrivia } from './trivia';
import { type CachedVar, type CallEffect, lineStartsOf, rowAt, snippetAt, type UsageCache } from './usageCache';

type Bound = Record<string, number | string | boolean>;
interface Target {
  model: LossModel;
  /** True when the value is the function itself (compiling it leaves its extra parameters at their defaults). */
  bare: boolean;
  /** True when the value is a factory itself, not its product (`loss=make_loss`). */
  factory?: boolean;
}

/** Layer constructors that name the output activation, by last callee segment. */
const activationLayers: Readonly<Record<string, string>> = {
  Softmax: 'softmax', Sigmoid: 'sigmoid', LogSoftmax: 'log_softmax', Tanh: 'tanh', ReLU: 'relu', Softplus: 'softplus',
};
/** Activation functions applied in a model's code outside any loss (`torch.softmax(self.fc(x), dim=1)`). */
const activationFunctions: Readonly<Record<string, string>> = { softmax: 'softmax', sigmoid: 'sigmoid', log_softmax: 'log_softmax' };
const activationNamespaces = /^(torch|F|tf\.nn|tf\.math|tf\.keras\.activations|K)\./;
/** Layers with no activation of their own: when one of them comes last, the output is linear (a hidden ReLU is not the output). */
const linearLayers: ReadonlySet<string> = new Set(['Linear', 'LazyLinear', 'Bilinear']);

const lastSegment = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

export function argsOf(call: Node): { positional: Node[]; keyword: Map<string, Node> } {
  const positional: Node[] = [];
  const keyword = new Map<string, Node>();
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || isTrivia(a)) continue;
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) keyword.set(name, value);
    } else positional.push(a);
  }
  return { positional, keyword };
}

/** Reads what an argument passes (python/passedValue.ts); notes when the value was read outside the call. */
export type ArgValue = (node: Node) => PassedValue | undefined;

/** Each argument's name and node: positional ones by the callee's parameter names, then keywords. */
function namedArgs(positionalNames: string[], positional: Node[], keyword: Map<string, Node>): [string | undefined, Node][] {
  return [...positional.map((node, i): [string | undefined, Node] => [positionalNames[i], node]), ...keyword];
}

/** What a factory call, a partial or a constructor call binds, and where each value bound through a name is written. */
export function boundArgs(positionalNames: string[], positional: Node[], keyword: Map<string, Node>, argValue: ArgValue): Pick<LossUsage, 'boundArgs' | 'boundAt'> {
  const out: Bound = {};
  const at: Record<string, SourceRange> = {};
  for (const [name, node] of namedArgs(positionalNames, positional, keyword)) {
    const v = name ? argValue(node) : undefined;
    if (name && !v) bindDictEntries(name, node, out, at);
    if (!name || !v) continue;
    out[name] = v.value;
    // a literal in the call is edited there (lambdaSite.ts boundByCall); a name, where its literal is written
    if (v.at && literalOf(node) === undefined) at[name] = v.at;
  }
  return Object.keys(at).length > 0 ? { boundArgs: out, boundAt: at } : { boundArgs: out };
}

/** A settings dict passed as `name` (`Loss(CONFIG["loss"])`): each literal entry bound as `name['key']` (passedDict.ts). */
function bindDictEntries(name: string, node: Node, out: Bound, at: Record<string, SourceRange>): void {
  for (const [key, valueNode] of passedDictEntries(node) ?? []) {
    const v = literalOf(valueNode);
    if (v === undefined) continue;
    out[dictKey(name, key)] = v;
    at[dictKey(name, key)] = rangeOf(valueNode);
  }
}

/**
 * A Regularizer subclass, a layer that adds a loss, or a loss written as a method of its class (a model's
 * `loss_function`, a training step, a trainer class's loop before `loss.backward()`): its settings are constructor
 * values, bound by the class's constructor call (`SparseCoder(beta=3e-4)` sets the `self.beta` its loss method
 * reads; `Trainer(net, l1_weight=5e-4)` the `self.l1_weight` of its loop).
 */
const builtByClass = (m: LossModel): boolean =>
  (m.kind === 'regularizer' || m.kind === 'add-loss' || m.kind === 'method' || m.kind === 'training-step' || m.kind === 'inline') && m.params.some((p) => p.origin === 'constructor');

/** A regularizer a layer factory builds (python/lambdaRegularizer.ts): a call of the factory binds its settings. */
const builtByFactory = (m: LossModel): boolean => m.kind === 'regularizer' && m.params.some((p) => p.origin === 'factory');

/** A plain call's number arguments by parameter name and where each is written (LossUsage.passedArgs / passedAt). */
export function callBinding(positionalNames: string[], positional: Node[], keyword: Map<string, Node>, argValue: ArgValue): Pick<LossUsage, 'passedArgs' | 'passedAt'> {
  const passedArgs: Record<string, number> = {};
  const passedAt: Record<string, SourceRange> = {};
  for (const [name, node] of namedArgs(positionalNames, positional, keyword)) {
    const v = name ? argValue(node) : undefined;
    if (!name || typeof v?.value !== 'number' || !v.at) continue;
    passedArgs[name] = v.value;
    passedAt[name] = v.at;
  }
  return Object.keys(passedArgs).length > 0 ? { passedArgs, passedAt } : {};
}

/** Lists and tuples of literals bound the same way (`make_loss((0.01, 0.5))`), for LossUsage.boundItems. */
function boundItems(positionalNames: string[], positional: Node[], keyword: Map<string, Node>, constantItems: (node: Node) => StaticValue[] | undefined): Record<string, StaticValue[]> | undefined {
  const out: Record<string, StaticValue[]> = {};
  for (const [name, node] of namedArgs(positionalNames, positional, keyword)) {
    // a dict is read as its keys: what `len(d)`, `for k in d` and `if d:` see of it
    const items = name ? (staticItemsOf(node) ?? dictKeysOf(node) ?? constantItems(node)) : undefined;
    if (name && items) out[name] = items;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A settings namespace of the module passed whole (`Instructor(opt)` with `opt = SimpleNamespace(lamda=0.3)` or
 * `args = parser.parse_args()`): each of its settings bound as `param.key`, what `self.lamda = opt.lamda` reads,
 * written where the namespace sets it.
 */
function bindNamespaces(args: [string | undefined, Node][], constants: ReadonlyMap<string, ModuleConstant>, u: LossUsage): boolean {
  let bound = false;
  for (const [name, node] of args) {
    if (!name || node.type !== 'identifier' || u.boundArgs?.[name] !== undefined) continue;
    const prefix = `${node.text}.`;
    for (const [key, c] of constants) {
      const setting = key.startsWith(prefix) ? key.slice(prefix.length) : '';
      if (!setting || setting.includes('.') || Array.isArray(c.value)) continue;
      u.boundArgs = { ...u.boundArgs, [`${name}.${setting}`]: c.value };
      u.boundAt = { ...u.boundAt, [`${name}.${setting}`]: c.valueRange };
      bound = true;
    }
  }
  return bound;
}

/** The arguments a call passes that it binds neither as a value nor as items (LossUsage.unreadArgs). */
function unreadArgs(positionalNames: string[], positional: Node[], keyword: Map<string, Node>, u: LossUsage): string[] {
  const names = namedArgs(positionalNames, positional, keyword).flatMap(([name]) => (name ? [name] : []));
  const readAsDict = (n: string) => Object.keys(u.boundArgs ?? {}).some((k) => k.startsWith(`${n}[`) || k.startsWith(`${n}.`));
  return names.filter((n) => u.boundArgs?.[n] === undefined && u.boundItems?.[n] === undefined && !readAsDict(n));
}

export interface FileUsages {
  outputActivation?: string;
  outputUnits?: LossModel['outputUnits'];
}

/**
 * `x = callee(` / `x = name` on one line: a variable that may hold a loss. Unpacked (`loss, parts = criterion(out,
 * y)`), the first name holds it: a loss that returns a tuple gives its total first.
 */
const assignedCall = /^[ \t]*([\p{L}_][\p{L}\p{N}_]*)(?:[ \t]*,[ \t]*[\p{L}_][\p{L}\p{N}_]*)*[ \t]*=[ \t]*([\p{L}_][\p{L}\p{N}_.]*)(\[[^\n]*?\])?[ \t]*(\(|$)/gmu;
const definitionHead = /\b(def|class)[ \t]+$/;
/** Keras convolutions: like Dense, their `activation=` (linear without it) is the output's when they come last. */
const KERAS_CONV_LAYERS = ['Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv1D', 'SeparableConv2D', 'DepthwiseConv2D'];
/** Keras layers with an `activation=` keyword (linear without it): the model's last one sets its output activation. */
const KERAS_WEIGHTED_LAYERS = new RegExp(`^(Dense|${KERAS_CONV_LAYERS.join('|')})$`);
const usageWords: ReadonlySet<string> = new Set([
  'partial', 'compile', 'backward', 'fit', 'fit_generator', 'Dense', 'Activation', ...KERAS_CONV_LAYERS, ...linearLayers, ...Object.keys(activationLayers), ...Object.keys(activationFunctions),
]);

/** A call written in a segment of the text (its name, where it is, and the lines holding it, read when needed). */
interface CallSite {
  name: string;
  /** Index of the name in the segment. */
  at: number;
  /** Row in the segment. */
  row: number;
  /** `def name(` / `class name(`: a definition's head, not a call. */
  head: boolean;
  /** snippetAt in the segment: undefined until read, null when it cannot be delimited. */
  snippet?: { text: string; start: number; end: number; row: number } | null;
}

/** What a segment holds for collectUsages: its calls and its `x = callee(` lines (each match's text and groups). */
interface UsageSites {
  calls: CallSite[];
  /** `indexed`: the callee is indexed before the call (`REGISTRY[key](…)`, registryCall.ts). */
  assigns: { text: string; index: number; name: string; callee: string; call: boolean; indexed?: true }[];
  /** The assignments' texts joined by line breaks (part of the usages' cache key). */
  assignText: string;
  lineStarts: number[];
}

function usageSites(text: string): UsageSites {
  const lineStarts = lineStartsOf(text);
  const calls = [...callNames(text)].map(({ name, index }) => ({ name, at: index, row: rowAt(lineStarts, index), head: definitionHead.test(text.slice(Math.max(0, index - 8), index)) }));
  const assigns = [...text.matchAll(assignedCall)].map((m) => ({ text: m[0], index: m.index ?? 0, name: m[1]!, callee: m[2]!, call: m[4] === '(', ...(m[3] ? { indexed: true as const } : {}) }));
  return { calls, assigns, assignText: assigns.map((a) => a.text).join('\n'), lineStarts };
}

/** The call's snippet (usageCache.ts snippetAt) in its segment's text, read once per segment text. */
function snippetOf(site: CallSite, text: string, sites: UsageSites): CallSite['snippet'] {
  if (site.snippet === undefined) site.snippet = snippetAt(text, sites.lineStarts, site.at) ?? null;
  return site.snippet;
}

/** The call whose callee ends with the identifier at `index` (`make(…)`, `model.compile(…)`), if that is what it is. */
export function callAt(root: Node, index: number): Node | undefined {
  const id = root.descendantForIndex(index);
  if (id?.type !== 'identifier') return undefined;
  let fn: Node = id;
  const parent = id.parent;
  if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.startIndex === id.startIndex) fn = parent;
  const call = fn.parent;
  return call?.type === 'call' && call.childForFieldName('function')?.startIndex === fn.startIndex ? call : undefined;
}

/**
 * Adds usages to `models` (in place) and returns what the file shows about the model's output activation.
 * Candidates are found in the text by name (loss names, variables holding one, compile/fit/backward/partial and
 * layer names) so a large file is not walked node by node; with a UsageCache only changed call sites are read.
 */
export function collectUsages(
  root: Node,
  source: string,
  models: LossModel[],
  bindNames: ReadonlyMap<string, string[]>,
  imports: ImportMap,
  cache?: UsageCache,
  module?: ModuleScope,
  memo?: TextMemo,
): FileUsages {
  const byName = new Map(models.map((m) => [m.name, m]));
  // `loss, logs = self.calc_loss(out, y)`, `losses = model.compute_loss(…)`: a class's loss method called on an object,
  // when one loss method of the file has that name
  const methodLoss = (callee: string): LossModel | undefined => {
    const dot = callee.lastIndexOf('.');
    if (dot < 0) return undefined;
    const found = models.filter((m) => m.kind === 'method' && m.className && m.name === callee.slice(dot + 1));
    return found.length === 1 ? found[0] : undefined;
  };
  // a layer whose `call` adds a loss is built by its class's constructor call (`ActivationPenalty(strength=1e-3)(h)`)
  for (const m of models) if (builtByClass(m) && m.className && !byName.has(m.className)) byName.set(m.className, m);
  // every loss of a class is built by its constructor call: a Lightning module's `loss` method and the
  // `training_step` that calls it both run with `ForecastTask(…, loss="mse_with_regularizer")`'s values
  const sameClass = new Map<string, LossModel[]>();
  for (const m of models) if (builtByClass(m) && m.className && byName.get(m.className) !== m) sameClass.set(m.className, [...(sameClass.get(m.className) ?? []), m]);
  // ... or by a subclass's (`RidgeNet(12, 32, lam=0.05)` of a Lightning base whose step is the loss), bound by its own __init__
  const ctorNames = subclassConstructors(models, byName, builtByClass, module);
  for (const [sub, { model }] of ctorNames) byName.set(sub, model);
  // ... or, for a class's factory method, by the class's own constructor call (subclassCtors.ts)
  for (const [cls, ctor] of factoryMethodConstructors(models, byName, module)) {
    ctorNames.set(cls, ctor);
    byName.set(cls, ctor.model);
  }
  const constants = module?.constants ?? new Map<string, ModuleConstant>();
  let readOutside = false;
  const argValue: ArgValue = (node) => {
    const v = passedValue(node, constants);
    if (v && literalOf(node) === undefined) readOutside = true;
    return v;
  };
  // `PinballLoss(quantiles=QUANTILES)`: a module constant holding a list is its items (read outside the call)
  const constantItems = (node: Node): StaticValue[] | undefined => {
    const value = node.type === 'identifier' ? constants.get(node.text)?.value : undefined;
    if (!Array.isArray(value)) return undefined;
    readOutside = true;
    return value;
  };
  const vars = new Map<string, Target>();
  // calls and assignments found per top-level segment of the text (with a memo, an edit re-reads only its own)
  const segments = scanSegments(source, memo, 'usageSites', usageSites);
  const helperRows = rowsOfHelpers(models);
  const inModel = rowInRanges(models.map((m) => m.range));
  // a helper a loss reads (`p = F.softmax(logits)` in an entropy helper) is the loss's, not the model's last layer
  const insideLoss = (row: number): boolean => helperRows.has(row) || inModel(row);

  /** The loss a value node stands for: a loss name, a variable holding one, a factory/partial/module product. */
  // `criterion = get_loss("range", weight=0.3)`: the object of the file's loss class the selector builds (lossSelector.ts)
  const selectedLoss = (name: string): Node | undefined => selectedLossCall(root, name, (cls) => byName.get(cls)?.kind === 'module-forward');
  const targetOf = (value: Node | undefined): Target | undefined => {
    if (!value) return undefined;
    if (value.type === 'identifier') {
      const m = byName.get(value.text);
      if (m?.kind === 'factory') return { model: m, bare: false, factory: true };
      return m ? { model: m, bare: m.kind !== 'module-forward' } : vars.get(value.text);
    }
    // `loss=lambda yt, yp: constrained_loss(yt, yp, lam=0.5)`: the wrapped loss, with its arguments bound
    if (value.type === 'lambda') {
      const inner = targetOf(value.childForFieldName('body') ?? undefined);
      return inner && { model: inner.model, bare: false };
    }
    if (value.type !== 'call') return undefined;
    const fn = value.childForFieldName('function');
    const name = fn ? dottedName(fn) : undefined;
    if (!name) return undefined;
    if (resolveCallee(name, imports) === 'functools.partial') {
      const first = argsOf(value).positional[0];
      const m = first?.type === 'identifier' ? byName.get(first.text) : undefined;
      return m ? { model: m, bare: false } : undefined;
    }
    const m = byName.get(name) ?? methodLoss(name);
    if (m) return { model: m, bare: false };
    const selected = selectedLoss(name);
    if (selected) return targetOf(selected);
    // `loss_fn = loss_switcher(CONFIG["loss"])`: the function of the file the registry's key picks (lossRegistryFn.ts)
    const registered = isLossRegistry(root, name) ? byName.get(registryPick(root, value) ?? '') : undefined;
    if (registered) return { model: registered, bare: true };
    const v = vars.get(name);
    return v ? { model: v.model, bare: false } : undefined;
  };

  /** `REGISTRY[key](…)` whose registry's name starts at `at`: an object of the file's loss class the key picks. */
  const registryTarget = (at: number): Target | undefined => {
    const id = root.descendantForIndex(at);
    const fn = id?.parent?.type === 'subscript' ? id.parent : undefined;
    const cls = fn && fn.parent?.type === 'call' ? registryClass(fn, module) : undefined;
    const m = cls ? byName.get(cls) : undefined;
    return m ? { model: m, bare: false } : undefined;
  };

  // Variables first (in order): `criterion = Loss(…)`, `wl = partial(fn, …)`, `loss = criterion(out, y)`, `f = fn`.
  const assignTexts = segments.flatMap(({ value }) => (value.assigns.length > 0 ? [value.assignText] : []));
  const signature = `${JSON.stringify([models.map((m) => [m.name, m.kind, bindNames.get(m.name) ?? []]), [...imports], [...ctorNames].map(([k, c]) => [k, c.names])])}\n${assignTexts.join('\n')}`;
  if (cache && cache.varsKey === signature) {
    for (const [name, model, bare] of cache.vars) {
      const m = byName.get(model);
      if (m) vars.set(name, { model: m, bare });
    }
  } else {
    // a function's body runs when it is called, after the module-level lines below it: `loss = loss_fn(out)` in
    // `def train_loop(…, loss_fn)` reads the `loss_fn = CDivLoss(…)` written later, so a second pass picks it up
    for (let pass = 0; pass < 2; pass++) {
      const known = vars.size;
      for (const { segment, value: sites } of segments) {
        for (const m of sites.assigns) {
          const callee = m.callee;
          if (m.indexed) {
            const built = m.call ? registryTarget(segment.start + m.index + m.text.indexOf(callee, m.name.length)) : undefined;
            if (built && !vars.has(m.name)) vars.set(m.name, built);
            continue;
          }
          const last = lastSegment(callee);
          if (vars.has(m.name) || (!byName.has(callee) && !vars.has(callee) && last !== 'partial' && !(m.call && (methodLoss(callee) || selectedLoss(callee) || isLossRegistry(root, callee))))) continue;
          const at = segment.start + m.index + m.text.lastIndexOf(callee) + callee.length - last.length;
          const value = m.call ? callAt(root, at) : (root.descendantForIndex(at) ?? undefined);
          // a loss method's call is the variable's value only when it is the whole right side (`loss = m.calc(…)
          // + 0.01 * reg` is the loop's own loss)
          if (!byName.has(callee) && !vars.has(callee) && methodLoss(callee) && value?.parent?.type !== 'assignment') continue;
          const t = targetOf(value);
          if (t) vars.set(m.name, t);
        }
      }
      if (vars.size === known) break;
    }
    if (cache) {
      cache.varsKey = signature;
      cache.vars = [...vars].map(([k, t]): CachedVar => [k, t.model.name, t.bare]);
    }
  }

  /** What one call contributes, read from the tree. */
  const readCall = (node: Node, row: number): CallEffect => {
    const effect: CallEffect = { usages: [] };
    const fn = node.childForFieldName('function');
    if (!fn) return effect;
    const add = (m: LossModel, usage: LossUsage): void => {
      effect.usages.push({ model: m.name, usage });
    };
    // `REGISTRY[cfg["loss"]](**cfg["loss_kwargs"])`: the call builds the class the key picks (registryCall.ts)
    // `get(CONFIG["loss"])(theta=0.2)`: the call calls the factory the registry function returns for that key
    const picked = fn.type === 'subscript' ? registryClass(fn, module) : fn.type === 'call' ? registryFunctionPick(fn, module) : undefined;
    const name = picked ?? dottedName(fn);
    const { positional, keyword: written } = argsOf(node);
    const unpacked = splatKeywords(node, module);
    // the dict may be written elsewhere: the effect must not be cached by the call's own text
    if (unpacked.size > 0) readOutside = true;
    const keyword = new Map([...unpacked, ...written]);
    const range = rangeOf(node);
    const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    const direct = name ? byName.get(name) : undefined;
    if (direct) {
      // a loss class (also a Regularizer subclass, whose settings are constructor values) is built by the call
      const built = builtByClass(direct);
      const kind = direct.kind === 'factory' || direct.kind === 'module-forward' || built || builtByFactory(direct) ? 'factory-call' : 'call';
      const u: LossUsage = { kind, range };
      // a plain function called with its λ (`objective(out, y, 0.8)`): what the call passes, where it is written
      const names = (name ? ctorNames.get(name)?.names : undefined) ?? bindNames.get(direct.name) ?? [];
      if (kind === 'call' && direct.kind === 'function') Object.assign(u, callBinding(names, positional, keyword, argValue));
      if (kind === 'factory-call') {
        Object.assign(u, boundArgs(names, positional, keyword, argValue));
        // a literal unpacked from a dict is written in the dict, not in the call: write-back edits it there
        for (const [k, v] of unpacked) if (!written.has(k) && u.boundArgs?.[k] !== undefined && literalOf(v) !== undefined) u.boundAt = { ...u.boundAt, [k]: rangeOf(v) };
        if (bindNamespaces(namedArgs(names, positional, keyword), constants, u)) readOutside = true;
        const items = boundItems(names, positional, keyword, constantItems);
        if (items) u.boundItems = items;
        const unread = unreadArgs(names, positional, keyword, u);
        if (unread.length > 0) u.unreadArgs = unread;
      }
      add(direct, u);
      for (const sibling of name && direct.className === name ? (sameClass.get(name) ?? []) : []) add(sibling, { ...u });
    } else if (name && vars.has(name) && fn.type === 'identifier') {
      // `criterion = objective` then `criterion(out, y, lam=0.8)`: the alias is the function, and its call binds λ too
      const { model, bare } = vars.get(name) as Target;
      const u: LossUsage = { kind: 'call', range };
      if (bare && model.kind === 'function') Object.assign(u, callBinding(bindNames.get(model.name) ?? [], positional, keyword, argValue));
      add(model, u);
    } else if (name && resolveCallee(name, imports) === 'functools.partial') {
      const first = positional[0];
      const target = first?.type === 'identifier' ? byName.get(first.text) : undefined;
      if (target) {
        add(target, { kind: 'partial', range, ...boundArgs([], [], keyword, argValue) });
        effect.partialOf = target.name;
      }
    } else if (method === 'compile' || name === 'compile') {
      const lossNode = keyword.get('loss') ?? positional[1];
      const targets = lossNode?.type === 'dictionary' || lossNode?.type === 'list' ? lossNode.namedChildren.map((c) => (c?.type === 'pair' ? c.childForFieldName('value') : c)) : [lossNode];
      for (const t of targets.map((n) => targetOf(n ?? undefined))) {
        if (t) add(t.model, { kind: 'compile', range, passesBareFunction: t.bare, ...(t.factory ? { passesFactory: true } : {}) });
      }
    } else if (method === 'backward') {
      const obj = fn.childForFieldName('object');
      const t = obj?.type === 'call' ? targetOf(obj) : obj?.type === 'identifier' ? vars.get(obj.text) : undefined;
      if (t) add(t.model, { kind: 'backward', range });
    } else if (method === 'fit' || method === 'fit_generator') {
      effect.fit = range;
    } else if (name && !insideLoss(row) && node && feedsOuterLayer(node, imports)) {
      // `Dense(1)(Dense(64, activation="tanh")(x))`: the inner layer runs first; the outer one is the output
      readOutside = true;
    } else if (name && !insideLoss(row)) {
      const resolved = resolveCallee(name, imports);
      const activation = activationOf(resolved, positional, keyword);
      // a functional activation inside a function is the output's only where that function returns it: an attention
      // softmax in forward is not (it depends on the function's returns, so the effect is not cached by the line)
      const functional = activation !== undefined && isFunctionalActivation(resolved);
      if (functional) readOutside = true;
      if (activation && (!functional || returnedAsOutput(node))) effect.activation = activation;
      const count = unitsOf(resolveCallee(name, imports), positional, keyword, (n) => {
        const v = literalOf(n) ?? (n.type === 'identifier' ? constants.get(n.text)?.value : undefined);
        if (literalOf(n) === undefined) readOutside = true;
        return typeof v === 'number' ? v : undefined;
      });
      if (count !== undefined) effect.units = { count, startLine: row };
    }
    return effect;
  };

  const fits: SourceRange[] = [];
  const activations: string[] = [];
  const widths: { count: number; startLine: number }[] = [];
  cache?.begin(signature);
  for (const { segment, value: sites } of segments) {
    for (const site of sites.calls) {
      const word = site.name;
      if (site.head || (!byName.has(word) && !vars.has(word) && !usageWords.has(word))) continue;
      const index = segment.start + site.at;
      const row = segment.row + site.row;
      const local = cache && snippetOf(site, segment.text, sites);
      const snippet = local && { text: local.text, start: segment.start + local.start, end: segment.start + local.end, row: segment.row + local.row };
      const key = snippet && `${insideLoss(row) ? 'in' : 'out'}:${index - snippet.start}:${snippet.text}`;
      let effect = key && snippet ? cache?.get(key, snippet.row) : undefined;
      if (!effect) {
        const node = callAt(root, index);
        readOutside = false;
        effect = node ? readCall(node, row) : { usages: [] };
        // cached only when the whole call lies in the snippet its key is made of, and binds nothing read elsewhere
        if (cache && key && snippet && !readOutside && (!node || (node.startIndex >= snippet.start && node.endIndex <= snippet.end))) cache.set(key, snippet.row, effect);
        if (cache) cache.read++;
      }
      for (const { model, usage } of effect.usages) byName.get(model)?.usages.push(usage);
      const wrapped = effect.partialOf ? byName.get(effect.partialOf) : undefined;
      if (wrapped?.kind === 'function') wrapped.kind = 'partial';
      if (effect.fit) fits.push(effect.fit);
      if (effect.activation) activations.push(effect.activation);
      if (effect.units) widths.push(effect.units);
    }
  }
  cache?.end();
  // `criterion = REGISTRY[cfg["loss"]](**cfg["loss_kwargs"])`: no name precedes its `(`, so the sites above miss the
  // construction; read from the assignments (never cached: what it binds is read from the registry and the settings)
  for (const { segment, value: sites } of segments) {
    for (const m of sites.assigns) {
      if (!m.indexed || !m.call) continue;
      const id = root.descendantForIndex(segment.start + m.index + m.text.indexOf(m.callee, m.name.length));
      const call = id?.parent?.type === 'subscript' ? id.parent.parent : undefined;
      if (call?.type !== 'call' || !registryTarget(id!.startIndex)) continue;
      for (const { model, usage } of readCall(call, call.startPosition.row).usages) byName.get(model)?.usages.push(usage);
    }
  }
  // `get(CONFIG["loss"])(theta=0.2)`: no name precedes the outer `(` either; the registry function's calls are indexed
  for (const fnName of module?.functions.keys() ?? []) {
    for (const inner of callsOfClass(root, fnName)) {
      const outer = inner.parent;
      if (outer?.type !== 'call' || outer.childForFieldName('function')?.id !== inner.id || !registryFunctionPick(inner, module)) continue;
      for (const { model, usage } of readCall(outer, outer.startPosition.row).usages) byName.get(model)?.usages.push(usage);
    }
  }
  const outputActivation = outputActivationOf(activations);
  const compiled = models.filter((m) => m.usages.some((u) => u.kind === 'compile'));
  for (const range of fits) for (const m of compiled) m.usages.push({ kind: 'fit', range });
  // the file's last layer is its model's output layer, as for the activation
  const last = widths.at(-1);
  return { ...(outputActivation ? { outputActivation } : {}), ...(last && last.count > 0 ? { outputUnits: { count: last.count, line: last.startLine + 1 } } : {}) };
}

/**
 * The width of the layer a call builds: `Dense(6)` / `Dense(units=6)`, `nn.Linear(h, 6)` / `out_features=6` (a number
 * or a module constant holding one).
 */
function unitsOf(resolved: string, positional: Node[], keyword: Map<string, Node>, numberOf: (n: Node) => number | undefined): number | undefined {
  const last = lastSegment(resolved);
  const dense = last === 'Dense' && /^((tf\.)?keras\.layers\.|layers\.)?Dense$/.test(resolved);
  const linear = linearLayers.has(last) && last !== 'Bilinear' && /^(torch\.)?nn\./.test(resolved);
  if (!dense && !linear) return undefined;
  const arg = dense ? (keyword.get('units') ?? positional[0]) : (keyword.get('out_features') ?? positional[1]);
  const count = arg ? numberOf(arg) : undefined;
  // a layer whose width is not known (`nn.Linear(64, n_out)`) is still the last layer so far: 0 stands for unknown
  return count !== undefined && Number.isInteger(count) && count > 0 ? count : 0;
}

/**
 * Whether the layer `ctor` builds is applied (`ctor(x)`) only to feed another layer applied where it is built
 * (`Outer(…)(ctor(x))`): a layer inside the model, not its last, whatever the order the text shows them in.
 */
function feedsOuterLayer(ctor: Node, imports: ImportMap): boolean {
  const applied = ctor.parent?.type === 'call' && ctor.parent.childForFieldName('function')?.id === ctor.id ? ctor.parent : undefined;
  const list = applied?.parent?.type === 'argument_list' ? applied.parent : undefined;
  const outer = list?.parent?.type === 'call' ? list.parent.childForFieldName('function') : undefined;
  const outerName = outer?.type === 'call' ? outer.childForFieldName('function')?.text.replace(/\s+/g, '') : undefined;
  if (!outer || !outerName) return false;
  // only an outer layer that sets the output's activation (a Dense, an Activation); a custom layer passing its
  // input on (`CountPrior()(Dense(10, activation="softmax")(x))`) leaves the inner one's
  const { positional, keyword } = argsOf(outer);
  return activationOf(resolveCallee(outerName, imports), positional, keyword) !== undefined;
}

/** Activations that end a model's head (a hidden layer's is relu or the like). */
const HEAD_ACTIVATIONS: ReadonlySet<string> = new Set(['softmax', 'sigmoid', 'tanh', 'softplus']);

/**
 * The model's output activation: the last one the file's layers set, unless the file ends heads in two different
 * ways (a sigmoid head beside a softmax head): which one a loss sees is then not known, and a rule must not guess.
 */
function outputActivationOf(activations: readonly string[]): string | undefined {
  const heads = new Set(activations.map((a) => a.toLowerCase()).filter((a) => HEAD_ACTIVATIONS.has(a)));
  return heads.size > 1 ? undefined : activations.at(-1);
}

/** The lines outside each loss's own text that its body was read from (the bodies of the helpers it calls). */
function rowsOfHelpers(models: readonly LossModel[]): Set<number> {
  const rows = new Set<number>();
  for (const m of models) for (const r of helperRowsOf(m)) rows.add(r);
  return rows;
}

/**
 * One model's helper rows, remembered per body: an edit re-analyses one definition, and the other models keep
 * their bodies (DocumentAnalyzer's cache), so walking every body of the file on every edit is not needed.
 */
const helperRowsMemo = new WeakMap<object, { start: number; end: number; rows: number[] }>();

function helperRowsOf(m: LossModel): number[] {
  const { startLine: start, endLine: end } = m.range;
  const memo = helperRowsMemo.get(m.body);
  if (memo && memo.start === start && memo.end === end) return memo.rows;
  const rows = new Set<number>();
  some(m.body, (e) => {
    if (e.range.endLine < start || e.range.startLine > end) for (let r = e.range.startLine; r <= e.range.endLine; r++) rows.add(r);
    return false;
  });
  const out = [...rows];
  helperRowsMemo.set(m.body, { start, end, rows: out });
  return out;
}

/**
 * Whether a row lies in any of the ranges, by binary search over their starts with the furthest end so far
 * (ranges may nest: a factory's inner loss), so reading a file's call sites is not quadratic in its losses.
 */
export function rowInRanges(ranges: readonly SourceRange[]): (row: number) => boolean {
  const sorted = [...ranges].sort((a, b) => a.startLine - b.startLine);
  const starts = sorted.map((r) => r.startLine);
  const reach: number[] = [];
  for (const [i, r] of sorted.entries()) reach.push(Math.max(r.endLine, i > 0 ? reach[i - 1]! : -1));
  return (row) => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= row) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && reach[lo - 1]! >= row;
  };
}

/** Random draws: `torch.softmax(torch.randn(n, k), dim=1)` makes synthetic targets, not the model's output. */
const randomDraw = /^(rand|randn|rand_like|randn_like|randint|normal|uniform|random)$/;
const isRandomDraw = (arg: Node | undefined): boolean =>
  arg?.type === 'call' && randomDraw.test(lastSegment(arg.childForFieldName('function')?.text ?? ''));

const isFunctionalActivation = (resolved: string): boolean => !!activationFunctions[lastSegment(resolved)] && activationNamespaces.test(resolved);

/** The output activation a layer call names (`Dense(…, activation='softmax')`, `nn.Softmax()`, `torch.sigmoid(…)`). */
function activationOf(resolved: string, positional: Node[], keyword: Map<string, Node>): string | undefined {
  const last = lastSegment(resolved);
  const act = keyword.get('activation') ?? (last === 'Activation' ? positional[0] : undefined);
  if ((last === 'Activation' || KERAS_WEIGHTED_LAYERS.test(last)) && act) {
    const v = literalOf(act);
    if (typeof v === 'string') return v;
    return act.type === 'attribute' || act.type === 'identifier' ? lastSegment(act.text) : undefined;
  }
  if (KERAS_WEIGHTED_LAYERS.test(last) && /^((tf\.)?keras\.layers\.|layers\.)?\w+$/.test(resolved)) return 'linear';
  if (linearLayers.has(last) && /^(torch\.)?nn\./.test(resolved)) return 'linear';
  if (activationLayers[last] && /^(nn|tf\.keras\.layers)\./.test(resolved)) return activationLayers[last];
  if (activationFunctions[last] && activationNamespaces.test(resolved) && !isRandomDraw(positional[0])) return activationFunctions[last];
  return undefined;
}
