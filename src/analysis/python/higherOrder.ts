// Library calls that take callables (callables.ts), read as what they compute with the framework's semantics:
// `tf.cond(pred, true_fn, false_fn)` is a conditional (eagerly, TF runs the branch pred picks, and only that branch
// gets a gradient); `tf.case` a chain of them; `tf.map_fn(f, elems)` / `tf.vectorized_map` / `torch.vmap(f)(x)` f of
// each slice along the first axis, stacked; Python's `map(f, xs)` the list of f's values; `functools.partial` f with
// arguments bound; `nn.Parameter(t)` is t; a Keras `Lambda(f)` layer applied to a tensor is f of it. A callable argument that is not a function of the file leaves the call as written (LL113 names it).
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { callableOf, callableValue, callCallable, mappedCallable, partialOf } from './callables';
import { make } from './expr';
import type { Scope } from './scope';

type Applied = { args: Expr[]; kwargs: Record<string, Expr> };
type Reader = (node: Node, applied: Applied, scope: Scope) => Expr | undefined;

const noArgs: Applied = { args: [], kwargs: {} };

/** Argument `i` of a call, or its keyword (the first of `names` given). */
const arg = (a: Applied, i: number, ...names: string[]): Expr | undefined => names.map((n) => a.kwargs[n]).find((v) => v) ?? a.args[i];

/** The value of calling `fn` with no arguments (a branch of tf.cond / tf.case). */
function called(node: Node, fn: Expr | undefined, scope: Scope): Expr | undefined {
  const c = callableOf(fn);
  return c ? callCallable(node, c, noArgs, scope) : undefined;
}

function conditional(node: Node, test: Expr, then: Expr, otherwise: Expr): Expr {
  return make<'conditional'>(node, { kind: 'conditional', test, then, else: otherwise });
}

const cond: Reader = (node, a, scope) => {
  const test = arg(a, 0, 'pred');
  const then = called(node, arg(a, 1, 'true_fn', 'fn1'), scope);
  const otherwise = called(node, arg(a, 2, 'false_fn', 'fn2'), scope);
  return test && then && otherwise ? conditional(node, test, then, otherwise) : undefined;
};

/** `tf.case([(p1, f1), (p2, f2)], default=f3)`: the first pair whose predicate holds, else the default. */
const tfCase: Reader = (node, a, scope) => {
  const pairs = arg(a, 0, 'pred_fn_pairs');
  const fallback = called(node, arg(a, 1, 'default'), scope);
  if (pairs?.kind !== 'tuple' || !fallback) return undefined;
  let out: Expr = fallback;
  for (const pair of [...pairs.items].reverse()) {
    const branch = pair.kind === 'tuple' && pair.items.length === 2 ? called(node, pair.items[1], scope) : undefined;
    if (!branch || pair.kind !== 'tuple') return undefined;
    out = conditional(node, pair.items[0] as Expr, branch, out);
  }
  return out;
};

/** A loop over `elems` (a tuple of tensors is zipped: each pass gets the tuple of their slices) calling `fn`. */
function mapLoop(node: Node, fn: Expr | undefined, elems: Expr[], spread: boolean, scope: Scope): Expr | undefined {
  const c = callableOf(fn);
  if (!c || elems.length === 0) return undefined;
  const zipped = elems.length > 1 || (!spread && elems[0]?.kind === 'tuple');
  const items = !spread && elems[0]?.kind === 'tuple' ? elems[0].items : elems;
  const iterable = zipped ? make<'call'>(node, { kind: 'call', callee: 'zip', args: items, kwargs: {} }) : (items[0] as Expr);
  const variables = spread ? items.map((_, i) => `_mapped${i}`) : ['_mapped0'];
  const slices = variables.map((v) => make<'name'>(node, { kind: 'name', name: v, ref: 'loop' }));
  const body = callCallable(node, c, { args: slices, kwargs: {} }, scope);
  return make<'loop'>(node, { kind: 'loop', variables, iterable, body });
}

const stacked = (node: Node, stack: string, loop: Expr | undefined): Expr | undefined =>
  loop ? make<'call'>(node, { kind: 'call', callee: stack, args: [loop], kwargs: {} }) : undefined;

const mapFn: Reader = (node, a, scope) => {
  const elems = arg(a, 1, 'elems');
  return elems ? stacked(node, 'tf.stack', mapLoop(node, arg(a, 0, 'fn'), [elems], false, scope)) : undefined;
};

const pyMap: Reader = (node, a, scope) => mapLoop(node, a.args[0], a.args.slice(1), true, scope);

/**
 * `functools.reduce(f, xs, init)`: a fold, f(f(init, x0), x1)…; without init the first item starts it
 * (`reduce(lambda a, b: a + b, penalties)`).
 */
const reduce: Reader = (node, a, scope) => {
  const c = callableOf(a.args[0]);
  const items = a.args[1];
  if (!c || !items) return undefined;
  const init = arg(a, 2, 'initial');
  const first: Expr = make<'number'>(node, { kind: 'number', value: 0 });
  const from = (start: number): Expr => make<'subscript'>(node, { kind: 'subscript', object: items, index: [start === 0 ? { kind: 'index', value: first } : { kind: 'slice', start: make<'number'>(node, { kind: 'number', value: start }) }] });
  const acc = make<'name'>(node, { kind: 'name', name: '_folded', ref: 'loop' });
  const item = make<'name'>(node, { kind: 'name', name: '_item', ref: 'loop' });
  const body = callCallable(node, c, { args: [acc, item], kwargs: {} }, scope);
  return make<'loop'>(node, { kind: 'loop', variables: ['_item'], iterable: init ? items : from(1), body, accumulator: '_folded', init: init ?? from(0) });
};

const vmap = (stack: string): Reader => (node, a) => mappedCallable(node, arg(a, 0, 'func'), stack);

/**
 * `nn.Parameter(torch.zeros(…), requires_grad=False)`: a frozen parameter is the tensor it wraps (a mask, a bound); a
 * trainable one is a weight of the model, left as written.
 */
const wrapped: Reader = (_node, a) => {
  const grad = arg(a, 1, 'requires_grad');
  return grad?.kind === 'bool' && !grad.value ? arg(a, 0, 'data') : undefined;
};

/**
 * `tf.keras.layers.Lambda(lambda x: x[..., 0])`: a layer whose call is its function's (Keras calls `f(inputs)`), so
 * `Lambda(f)(t)` is `f(t)`. With `arguments=` (keywords Keras passes on) it is left as written, refused by name.
 */
const lambdaLayer: Reader = (node, a) => {
  const c = a.kwargs['arguments'] ? undefined : callableOf(arg(a, 0, 'function'));
  return c ? callableValue(node, c) : undefined;
};

const table: Readonly<Record<string, Reader>> = {
  'nn.Parameter': wrapped,
  'torch.nn.Parameter': wrapped,
  'nn.parameter.Parameter': wrapped,
  'functools.partial': (node, a) => partialOf(node, a),
  'tf.cond': cond,
  'tf.compat.v1.cond': cond,
  'tf.case': tfCase,
  'tf.map_fn': mapFn,
  'tf.vectorized_map': mapFn,
  'K.map_fn': mapFn,
  map: pyMap,
  'functools.reduce': reduce,
  'tf.keras.layers.Lambda': lambdaLayer,
  'keras.layers.Lambda': lambdaLayer,
  'torch.vmap': vmap('torch.stack'),
  'torch.func.vmap': vmap('torch.stack'),
  'functorch.vmap': vmap('torch.stack'),
};

/** The call of a library function taking callables, read as what it computes; undefined when it is not one. */
export function higherOrderCall(callee: string, node: Node, applied: Applied, scope: Scope): Expr | undefined {
  return table[callee]?.(node, applied, scope);
}
