// A loss written as a method of a class (a model's `loss_function`, a Lightning `training_step`, a Keras
// `train_step`, an `add_loss` in a layer's `call`) reads its own class as an nn.Module loss's forward does: it calls
// the class's other methods (`self.rate_penalty(h)`, `loss, logs = self.shared_step(batch)`), which are followed
// like same-file helpers with `self` kept, and it reads what `__init__` built (`self.loss_function = nn.MSELoss()`).
// Methods a class inherits from a base written in the same file are its own too (an override wins), and a base
// class whose loss calls a method only its subclasses define (a template method: `self.data_term(pred, y)` in a
// Lightning base, defined by the one model below it) reaches that subclass's definition.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { isLossFunction, type LossDef, unwrapDecorated } from './discover';
import { methodsOf } from './helperCalls';
import type { ModuleScope } from './moduleScope';
import { readParams } from './params';
import type { Scope } from './scope';

/** A method named like a loss (classes.ts reads the same names as a model's loss method). */
const LOSS_METHOD = /loss|criterion|objective|cost/i;

/** The class whose methods and `__init__` a loss reads: the loss class itself, or the class a method is written in. */
export function lossClassNode(def: LossDef): Node | null {
  if (def.kind === 'module-forward' || def.kind === 'regularizer') return unwrapDecorated(def.defNode);
  if (!def.className) return null;
  for (let n = def.fn.parent; n; n = n.parent) if (n.type === 'class_definition') return n;
  return null;
}

/** Methods that run a model or a loss object on its inputs (Python's call protocol, PyTorch's and Keras's). */
const forwardNames: ReadonlySet<string> = new Set(['forward', 'call', '__call__']);

const baseNames = (cls: Node): string[] =>
  (cls.childForFieldName('superclasses')?.namedChildren ?? []).flatMap((b) => (b?.type === 'identifier' ? [b.text] : []));

/** The class's bases written in this file, nearest first (`class RidgeNet(BaseRegressor)`), without cycles. */
export function fileBases(cls: Node, module: ModuleScope | undefined): Node[] {
  const out: Node[] = [];
  const queue = [cls];
  while (queue.length > 0 && out.length < 8) {
    const next = queue.shift() as Node;
    for (const name of baseNames(next)) {
      const base = module?.classes?.get(name);
      if (base && base.id !== cls.id && !out.some((o) => o.id === base.id)) {
        out.push(base);
        queue.push(base);
      }
    }
  }
  return out;
}

// (tree-sitter hands out a new Node object per access: nodes are compared by id)

/** The classes of the file that derive from `cls` (directly or not), in the order they are written. */
export function fileSubclasses(cls: Node, module: ModuleScope | undefined): Node[] {
  return [...(module?.classes?.values() ?? [])].filter((c) => c.id !== cls.id && fileBases(c, module).some((b) => b.id === cls.id));
}

/**
 * The methods `self.m(...)` reaches from a loss written in `cls`: its own (given, without the loss and `__init__`),
 * then its in-file bases' not overridden, then methods only a subclass defines (the first subclass that does).
 */
export function reachableMethods(def: LossDef, cls: Node, own: ReadonlyMap<string, Node>, module: ModuleScope | undefined): Map<string, Node> {
  const fn = def.fn;
  const out = new Map(own);
  // a model's own forward pass (`self.forward(x)` in a training step) runs the model: it is not a helper of its loss
  if (def.kind !== 'module-forward') for (const name of forwardNames) out.delete(name);
  const add = (c: Node): void => {
    for (const [name, m] of methodsOf(c)) if (!out.has(name) && m.id !== fn.id && name !== '__init__' && !forwardNames.has(name)) out.set(name, m);
  };
  for (const base of fileBases(cls, module)) add(base);
  const subs = fileSubclasses(cls, module);
  for (const sub of subs) add(sub);
  // an abstract method (`@abstractmethod`, or a body that only raises) runs as the subclass implements it: the first
  // subclass of the file that does (a base's `training_step` calling `self._loss(batch)` its one model defines)
  for (const [name, m] of out) {
    const impl = isAbstract(m) ? subs.map((c) => methodsOf(c).get(name)).find((s) => s && !isAbstract(s)) : undefined;
    if (impl) out.set(name, impl);
  }
  return out;
}

/** Whether a method is abstract: decorated `@abstractmethod`, or its body (past a docstring) only raises or passes. */
function isAbstract(m: Node): boolean {
  const decorated = m.parent?.type === 'decorated_definition' ? m.parent : undefined;
  if (decorated?.namedChildren.some((d) => d?.type === 'decorator' && /(^|\.)abstractmethod$/.test(d.text.replace(/^@\s*/, '')))) return true;
  const body = (m.childForFieldName('body')?.namedChildren ?? []).filter((s): s is Node => !!s && s.type !== 'comment');
  const rest = body[0]?.type === 'expression_statement' && body[0].namedChild(0)?.type === 'string' ? body.slice(1) : body;
  return rest.length > 0 && rest.every((s) => s.type === 'raise_statement' || s.type === 'pass_statement');
}

/**
 * Whether an inline loss's value is a loss method of a class of this file: `loss = self.compute_loss(self(x), y)`
 * in the model's own step (followed, `helper` is `self.compute_loss`) or `loss = model.objective(out, x, h)` in a
 * loop handed the model. The loop then uses that loss (its own definition is the loss), it is not a second one.
 */
export function callsClassLoss(value: Expr, helper: string | undefined, scope: Scope): boolean {
  const own = helper?.startsWith('self.') ? scope.methods?.get(helper.slice('self.'.length)) : undefined;
  if (own) return isLossFunction(own, true);
  if (value.kind !== 'method' || value.object.kind !== 'name' || value.object.ref === 'module') return false;
  return [...(scope.module?.classes?.values() ?? [])].some((c) => {
    const m = methodsOf(c).get(value.method);
    return !!m && LOSS_METHOD.test(value.method) && isLossFunction(m, true);
  });
}

/** A step's helper method and what the step passes its other parameters (or their defaults), read before its body. */
export interface DelegatedStep {
  method: Node;
  /** The helper's parameter that receives the batch. */
  batchParam: Node;
  bound: { name: string; node: Node }[];
}

/** The value a step returns, seen through one local: `loss = self.step(batch)` (or `loss, logs = …`) then `return loss`. */
function stepValueCall(value: Node, step: Node): Node | undefined {
  if (value.type === 'call') return value;
  if (value.type !== 'identifier') return undefined;
  let found: Node | undefined;
  for (const s of step.childForFieldName('body')?.namedChildren ?? []) {
    const a = s?.type === 'expression_statement' ? s.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const first = left?.type === 'pattern_list' || left?.type === 'tuple_pattern' ? left.namedChild(0) : left;
    const right = a?.childForFieldName('right');
    if (first?.type === 'identifier' && first.text === value.text && right) found = right;
  }
  return found?.type === 'call' ? found : undefined;
}

/**
 * A training step that hands its batch to a method of its class (`return self.shared_step(batch, batch_idx,
 * "train")`, Lightning's usual shape): the method runs the model and computes the loss, so it is read as the step,
 * its batch parameter the step's batch, its other parameters bound to what the step passes or their defaults
 * (`with_penalty=True` then decides a static branch). Undefined when the step computes anything itself.
 */
export function delegatedStep(value: Node, step: Node, methods: readonly Node[], batch: Node | undefined): DelegatedStep | undefined {
  const call = stepValueCall(value, step);
  const fn = call?.childForFieldName('function');
  const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const name = fn?.childForFieldName('attribute')?.text;
  const method = obj?.text === 'self' && name ? methods.find((m) => m.childForFieldName('name')?.text === name) : undefined;
  const params = method ? readParams(method.childForFieldName('parameters')).slice(1) : [];
  const args = (call?.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  const keyword = new Map(args.flatMap((a) => (a.type === 'keyword_argument' ? [[a.childForFieldName('name')?.text ?? '', a.childForFieldName('value') as Node] as const] : [])));
  const batchAt = positional.findIndex((a) => a.type === 'identifier' && a.text === batch?.text);
  const batchParam = params[batchAt];
  if (!method || !batchParam || batchParam.variadic || params.some((p) => p.variadic)) return undefined;
  const bound = params.flatMap((p, i) => {
    const node = i === batchAt ? undefined : (keyword.get(p.name) ?? positional[i] ?? p.defaultNode);
    return node ? [{ name: p.name, node }] : [];
  });
  return { method, batchParam: batchParam.node, bound };
}

/**
 * The class whose `__init__` sets up the `self` a method-shaped loss reads: its own class when that has an
 * `__init__`, else the nearest in-file base with one, else the first in-file subclass with one (a Lightning base
 * class whose step reads `self.lam`, set by the one model deriving from it).
 */
export function setupClass(cls: Node, module: ModuleScope | undefined): Node {
  const hasInit = (c: Node): boolean => methodsOf(c).has('__init__');
  if (hasInit(cls)) return cls;
  return fileBases(cls, module).find(hasInit) ?? fileSubclasses(cls, module).find(hasInit) ?? cls;
}
