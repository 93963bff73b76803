// A loss class derived from a BUILT-IN loss (`class ParityCE(nn.CrossEntropyLoss)`, `class Curve(nn.MSELoss)`,
// `class Smooth(keras.losses.MeanSquaredError)`) is a loss class, and its `super().forward(input, target)` /
// `super(Cls, self).call(y_true, y_pred)` / `nn.MSELoss.forward(self, a, b)` is that built-in loss, configured by
// what `__init__` hands `super().__init__(…)` (`reduction='sum'`, `label_smoothing=ls` with its default): read as
// a call of the built-in's instance, as `self.ce = nn.CrossEntropyLoss(…)` then `self.ce(a, b)` would be.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { resolveCallee } from './imports';
import { literalOf, readParams } from './params';
import type { Scope } from './scope';
import { ancestorBases } from './superInit';
import { TORCH_LOSS_CTOR_PARAMS } from './torchLossParams';
import { isTrivia } from './trivia';

type Call = Extract<Expr, { kind: 'call' }>;

/**
 * torch's concrete losses (`nn.CrossEntropyLoss`, `BCEWithLogitsLoss`…: any `…Loss` but the abstract `_Loss`,
 * `_WeightedLoss`) and Keras's loss classes (`losses.MeanSquaredError`, `Huber`, `…Crossentropy`…).
 */
const BUILTIN_LOSS = /(?:^|\.)(?:[A-Z]\w*Loss|MeanSquaredError|MeanAbsoluteError|MeanSquaredLogarithmicError|MeanAbsolutePercentageError|\w*Crossentropy|Huber|KLDivergence|LogCosh|\w*Hinge|Poisson|CosineSimilarity)$/;
const ABSTRACT = /(?:^|\.)(?:_?Loss|_WeightedLoss)$/;

/** Whether a base class name is a built-in loss class of torch or Keras (its forward/call computes a loss). */
export const isBuiltinLossBase = (base: string): boolean => BUILTIN_LOSS.test(base) && !ABSTRACT.test(base);

/** The built-in loss a class derives from, directly or through bases of the same file. */
export function builtinLossBaseOf(cls: Node): string | undefined {
  return ancestorBases(cls).find(isBuiltinLossBase);
}

const lastSegment = (s: string): string => s.slice(s.lastIndexOf('.') + 1);
const SUPER_METHODS: ReadonlySet<string> = new Set(['forward', 'call', '__call__']);

/** `super().__init__(…)` / `super(Cls, self).__init__(…)` / `Base.__init__(self, …)` in `__init__`: its arguments. */
function superInitArgs(init: Node): Node[] | undefined {
  for (const call of init.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== '__init__') continue;
    const obj = fn.childForFieldName('object');
    const args = (call?.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && !isTrivia(a));
    if (obj?.type === 'call' && obj.childForFieldName('function')?.text === 'super') return args;
    if (args[0]?.text === 'self') return args.slice(1);
  }
  return undefined;
}

/** A literal argument, or an `__init__` parameter's literal default (`reduction=reduction` with `reduction='mean'`). */
function literalNode(value: Node, init: Node): Node | undefined {
  if (value.type !== 'none' && literalOf(value) !== undefined) return value;
  const param = value.type === 'identifier' ? readParams(init.childForFieldName('parameters')).find((p) => p.name === value.text) : undefined;
  return param?.defaultNode && param.defaultNode.type !== 'none' && literalOf(param.defaultNode) !== undefined ? param.defaultNode : undefined;
}

/** The built-in instance `super()` stands for in the class's methods, with the literal settings its `__init__` passes. */
export function superLossInstance(cls: Node, scope: Scope, convert: (n: Node, s: Scope) => Expr, make: (n: Node, c: Omit<Call, 'range' | 'text'>) => Expr): Call | undefined {
  const base = builtinLossBaseOf(cls);
  if (!base) return undefined;
  const init = (cls.childForFieldName('body')?.namedChildren ?? []).find((s) => s?.type === 'function_definition' && s.childForFieldName('name')?.text === '__init__');
  const args = init ? (superInitArgs(init) ?? []) : [];
  const positionalNames = TORCH_LOSS_CTOR_PARAMS[lastSegment(base)] ?? [];
  const kwargs: Record<string, Expr> = {};
  for (const [i, a] of args.entries()) {
    const keyword = a.type === 'keyword_argument';
    const name = keyword ? a.childForFieldName('name')?.text : positionalNames[i];
    const value = keyword ? a.childForFieldName('value') : a;
    const lit = name && value && init ? literalNode(value, init) : undefined;
    if (name && lit) kwargs[name] = convert(lit, scope);
  }
  const at = cls.childForFieldName('superclasses') ?? cls;
  return make(at, { kind: 'call', callee: resolveCallee(base, scope.imports), args: [], kwargs }) as Call;
}

/**
 * skorch's nets compute their loss in `get_loss` with the criterion they are given: a subclass's
 * `super().get_loss(y_pred, y_true, *args, **kwargs)` is that criterion's call. The criterion is the `criterion=`
 * the file's constructions of the class pass (a class, `nn.MSELoss`, or an instance), else the net's default.
 */
const SKORCH_DEFAULT_CRITERION: Readonly<Record<string, string | undefined>> = {
  NeuralNet: undefined,
  NeuralNetRegressor: 'nn.MSELoss',
  NeuralNetClassifier: 'nn.NLLLoss',
  NeuralNetBinaryClassifier: 'nn.BCEWithLogitsLoss',
};
export const SKORCH_LOSS_METHODS: ReadonlySet<string> = new Set(['get_loss']);

/** The criterion every construction of `cls` in the file passes as `criterion=` (all the same), as written. */
function passedCriterion(cls: Node): Node | undefined {
  const name = cls.childForFieldName('name')?.text;
  let root: Node = cls;
  while (root.parent) root = root.parent;
  const passed = root
    .descendantsOfType('call')
    .filter((c): c is Node => c?.childForFieldName('function')?.text.split('.').at(-1) === name)
    .flatMap((c) => (c.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'criterion'))
    .map((a) => a.childForFieldName('value'))
    .filter((v): v is Node => !!v);
  return passed.length > 0 && new Set(passed.map((v) => v.text)).size === 1 ? passed[0] : undefined;
}

/** The criterion instance a skorch net subclass's `super().get_loss(…)` calls, or undefined. */
export function skorchCriterionInstance(cls: Node, scope: Scope, make: (n: Node, c: Omit<Call, 'range' | 'text'>) => Expr): { base: string; instance: Call } | undefined {
  const base = ancestorBases(cls).find((b) => Object.hasOwn(SKORCH_DEFAULT_CRITERION, lastSegment(b)));
  if (!base || !/\bskorch\b/.test(scope.imports.get(lastSegment(base)) ?? base)) return undefined;
  const passed = passedCriterion(cls);
  // `criterion=nn.MSELoss` (the class, as skorch takes it) or `nn.MSELoss()`: the class's name
  const written = passed?.type === 'call' ? passed.childForFieldName('function')?.text : passed?.text;
  const callee = written && /^[\w.]+$/.test(written) ? written : passed ? undefined : SKORCH_DEFAULT_CRITERION[lastSegment(base)];
  if (!callee) return undefined;
  const at = passed ?? cls.childForFieldName('superclasses') ?? cls;
  return { base, instance: make(at, { kind: 'call', callee: resolveCallee(callee, scope.imports), args: [], kwargs: {} }) as Call };
}

/** `super().forward(…)`, `super(Cls, self).call(…)`, `Base.forward(self, …)`: the built-in's call; `self` dropped. */
export function superLossCall(fn: Node, base: string | undefined, methods: ReadonlySet<string> = SUPER_METHODS): { dropSelf: boolean } | undefined {
  if (fn.type !== 'attribute' || !methods.has(fn.childForFieldName('attribute')?.text ?? '')) return undefined;
  const obj = fn.childForFieldName('object');
  if (obj?.type === 'call' && obj.childForFieldName('function')?.text === 'super') return { dropSelf: false };
  return base && obj?.text.replace(/\s+/g, '') === base ? { dropSelf: true } : undefined;
}
