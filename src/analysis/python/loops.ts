// `for` loops in a loss body (CONVENTIONS §4): each local the loop accumulates into (`total += …`,
// `total = total + …`) becomes a `loop` node that the trainer runs at train time, a list the loop appends to
// (`outs.append(…)`) becomes the list of the values, and a comprehension is a loop without an accumulator.
// A sum accumulated into a starting value keeps the start outside the loop (`loss = ce; for …: loss += lam * p`
// reads `ce + lam * Σ p`), so the term splitter sees the base loss and the weight.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { childrenOf, rebuild, some } from '../terms/expr';
import type { Scope } from './scope';
import { isTrivia } from './trivia';

type Loop = Extract<Expr, { kind: 'loop' }>;

/** The names a `for` target binds (`p`, `i, (a, b)` is not supported), or undefined. */
export function loopVariables(left: Node | null): string[] | undefined {
  if (!left) return undefined;
  if (left.type === 'identifier') return [left.text];
  if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
    const items = left.namedChildren.filter((n): n is Node => !!n && !isTrivia(n));
    return items.every((n) => n.type === 'identifier') ? items.map((n) => n.text) : undefined;
  }
  return undefined;
}

/** A name standing for a loop variable or an accumulator inside the loop's body. */
export function loopName(name: string, node: Node): Expr {
  return { kind: 'name', name, ref: 'loop', range: rangeOf(node), text: name };
}

const isPlaceholder = (e: Expr, name: string): boolean => e.kind === 'name' && e.ref === 'loop' && e.name === name;
/**
 * Whether `e` reads the accumulator `name`, not counting the body of a nested loop that accumulates into the same
 * name (`for j: for i: total += w * d`: the inner loop's `total` is its own running value, already folded).
 */
function readsAccumulator(e: Expr, name: string): boolean {
  if (isPlaceholder(e, name)) return true;
  if (e.kind === 'loop' && e.accumulator === name) return (!!e.init && readsAccumulator(e.init, name)) || readsAccumulator(e.iterable, name);
  return childrenOf(e).some((c) => readsAccumulator(c, name));
}
const readsLoop = (e: Expr): boolean => some(e, (n) => n.kind === 'name' && n.ref === 'loop');

/** The value of `name` after the loop, given its value before (`init`) and after one pass (`after`). */
export function foldOf(name: string, init: Expr, afterPass: Expr, variables: string[], iterable: Expr, stmt: Node): Expr {
  const at = { range: rangeOf(stmt), text: stmt.text };
  const after = guardedSum(afterPass, name, at);
  const fold = (start: Expr, body: Expr): Loop => ({ kind: 'loop', variables, iterable, accumulator: name, init: start, body, ...at });
  // `acc + X` with X not reading acc: acc = init + Σ X, and Σ (w · Y) = w · Σ Y for a loop-invariant w.
  if (after.kind === 'binary' && after.op === '+' && isPlaceholder(after.left, name) && !readsAccumulator(after.right, name)) {
    const zero: Expr = { kind: 'number', value: 0, ...at };
    const x = after.right;
    const weighted = x.kind === 'binary' && x.op === '*' && !readsLoop(x.left) && readsLoop(x.right);
    const sum = (y: Expr): Expr => parameterFold(variables, iterable, y, at) ?? fold(zero, { ...after, right: y });
    // a guarded add (`if c: total += w * Y`, `if c: continue`) keeps its weight outside the sum too
    const guardedWeight = !weighted && x.kind === 'conditional' ? pullWeight(x) : undefined;
    const total: Expr = weighted
      ? { kind: 'binary', op: '*', left: x.left, right: sum(x.right), ...at }
      : guardedWeight && readsLoop(guardedWeight.rest)
        ? { kind: 'binary', op: '*', left: guardedWeight.weight, right: sum(guardedWeight.rest), ...at }
        : sum(x);
    if (isZeroStart(init)) return total;
    return { kind: 'binary', op: '+', left: init, right: total, ...at };
  }
  return fold(init, after);
}

/** Constructors of a zero the framework writes as a tensor (`torch.tensor(0.)`, `torch.zeros(1)`, `tf.constant(0.)`). */
const ZERO_TENSOR_CALLS: ReadonlySet<string> = new Set(['torch.tensor', 'torch.as_tensor', 'torch.scalar_tensor', 'tf.constant', 'tf.convert_to_tensor', 'np.float32', 'np.array']);
const ZEROS_CALLS: ReadonlySet<string> = new Set(['torch.zeros', 'tf.zeros']);
/** Methods that only move or cast a tensor (`.to(device)`, `.cuda()`, `.float()`): a zero stays a zero. */
const CAST_METHODS: ReadonlySet<string> = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'type_as', 'requires_grad_', 'detach']);
const isZeroNumber = (e: Expr | undefined): boolean => e?.kind === 'number' && e.value === 0;

/**
 * Whether an accumulator starts at zero, so `acc = start + Σ X` is just `Σ X`: `0`, `0.0`, and the zero tensors real
 * loops start from (`torch.tensor(0., device=d, requires_grad=True)`, `torch.zeros(1).to(device)`, `tf.constant(0.0)`).
 * A zero tensor kept as the start would become a term of its own, always 0, beside the sum.
 */
export function isZeroStart(init: Expr): boolean {
  if (isZeroNumber(init)) return true;
  if (init.kind === 'method' && CAST_METHODS.has(init.method)) return isZeroStart(init.object);
  if (init.kind !== 'call') return false;
  const first = init.args[0];
  if (ZERO_TENSOR_CALLS.has(init.callee)) return isZeroNumber(first) || (first?.kind === 'tuple' && first.items.length === 1 && isZeroNumber(first.items[0]));
  // torch.zeros(1), torch.zeros(()), tf.zeros([]): a scalar (or one-element) zero
  const shape = first?.kind === 'tuple' ? first.items : init.args;
  return ZEROS_CALLS.has(init.callee) && shape.length <= 1 && shape.every((d) => d.kind === 'number' && d.value === 1);
}

/**
 * A guarded pass `acc + X if c else acc` (from `if c: acc += X`) adds `X if c else 0`: `acc + (X if c else 0)`, so
 * the fold is a sum again (`for name, w in net.named_parameters(): if name.endswith("weight"): total += …`).
 */
function guardedSum(after: Expr, name: string, at: { range: Expr['range']; text: string }): Expr {
  if (after.kind !== 'conditional') return after;
  const adds = (e: Expr) => e.kind === 'binary' && e.op === '+' && isPlaceholder(e.left, name) && !some(e.right, (n) => isPlaceholder(n, name));
  const zero: Expr = { kind: 'number', value: 0, ...at };
  const [added, addedWhen] = adds(after.then) && isPlaceholder(after.else, name) ? [after.then, true] : adds(after.else) && isPlaceholder(after.then, name) ? [after.else, false] : [undefined, false];
  if (added?.kind !== 'binary') return after;
  // biome-ignore lint/suspicious/noThenProperty: `then` is the IR's field name (ir.ts), never awaited
  const guarded: Expr = { ...after, then: addedWhen ? added.right : zero, else: addedWhen ? zero : added.right };
  return { ...added, right: guarded };
}

/**
 * `for p in net.parameters(): total += f(p)` is the sum over the model's parameters: an `overWeights` node, as
 * `sum(f(p) for p in net.parameters())` is (the trainer passes each run's weights; p reads one of them).
 */
function parameterFold(variables: string[], iterable: Expr, body: Expr, at: { range: Expr['range']; text: string }): Expr | undefined {
  const method = weightsMethod(iterable);
  if (method === 'parameters' && variables.length === 1) return { kind: 'overWeights', variable: variables[0]!, body: asWeight(body, variables[0]!), ...at };
  // `for name, p in net.named_parameters()`: p is each parameter, name its name
  const [nameVariable, variable] = variables;
  if (method === 'named_parameters' && variables.length === 2 && nameVariable && variable) {
    return { kind: 'overWeights', variable, nameVariable, body: asWeight(body, variable), ...at };
  }
  return undefined;
}

/**
 * The method a loop iterates a model by, with no arguments: `net.parameters()`, `self.net.named_parameters()`, also
 * read as a call of a dotted name when `net` is a module-level object (`for p in model.parameters()` in a function).
 */
function weightsMethod(iterable: Expr): string | undefined {
  // the whole model (`net`, `self.net`); a member's parameters (`net.fc1.parameters()`) are that layer's alone
  if (iterable.kind === 'method') {
    const o = iterable.object;
    // not a loop's variable (`block.named_parameters(recurse=False)` of `for block in net.modules()`: one layer's)
    const onModel = (o.kind === 'name' && o.ref !== 'loop') || (o.kind === 'attr' && o.object.kind === 'name' && o.object.name === 'self');
    return onModel && iterable.args.length === 0 ? iterable.method : undefined;
  }
  if (iterable.kind !== 'call' || iterable.args.length > 0 || Object.keys(iterable.kwargs).length > 0) return undefined;
  const parts = iterable.callee.split('.');
  return parts.length === 2 || (parts.length === 3 && parts[0] === 'self') ? parts.at(-1) : undefined;
}

/** `body` with the loop variable read as the weight it stands for (ref 'weight'). Plain data: rebuilt by walking it. */
function asWeight<T>(value: T, variable: string): T {
  return rebuild(value, (node) => (node.kind === 'name' && node.ref === 'loop' && node.name === variable ? { ...node, ref: 'weight' } : undefined));
}

/** The list a loop collects; with a filter, only the passes where it holds (ir.ts). */
export function collectOf(variables: string[], iterable: Expr, body: Expr, node: Node, filter?: Expr): Expr {
  return { kind: 'loop', variables, iterable, body, ...(filter ? { filter } : {}), range: rangeOf(node), text: node.text };
}

export type { Scope };

/** `value` with each loop placeholder of `slots` (an accumulator's value before the pass) replaced by its slot. */
function withSlots<T>(value: T, slots: ReadonlyMap<string, Expr>): T {
  return rebuild(value, (node) => (node.kind === 'name' && node.ref === 'loop' ? slots.get(node.name) : undefined));
}

/** `w * Y` with w loop-invariant (also under a guard, `w * Y if c else 0`): w and what it weights, else undefined. */
function pullWeight(x: Expr): { weight: Expr; rest: Expr } | undefined {
  if (x.kind === 'binary' && x.op === '*' && !readsLoop(x.left)) return { weight: x.left, rest: x.right };
  if (x.kind === 'conditional' && isZeroNumber(x.else)) {
    const inner = pullWeight(x.then);
    // biome-ignore lint/suspicious/noThenProperty: `then` is the IR's field name (ir.ts), never awaited
    return inner && { weight: inner.weight, rest: { ...x, then: inner.rest } };
  }
  // `if "bias" in name: continue` before the add: `0 if c else w * Y`
  if (x.kind === 'conditional' && isZeroNumber(x.then)) {
    const inner = pullWeight(x.else);
    return inner && { weight: inner.weight, rest: { ...x, else: inner.rest } };
  }
  return undefined;
}

/** The `w * Y` a pass `acc + w * Y` (or `acc + w * Y if c else acc`) adds, as the pass holds it. */
function weightedIncrement(after: Expr, name: string): Extract<Expr, { kind: 'binary' }> | undefined {
  const pass = after.kind === 'conditional' ? after.then : after;
  const x = pass.kind === 'binary' && pass.op === '+' && isPlaceholder(pass.left, name) ? pass.right : undefined;
  return x?.kind === 'binary' && x.op === '*' ? x : undefined;
}

/** `value` with each copy of the node `from` (the same source and structure) replaced by `to`. Plain data. */
function replaced<T>(value: T, from: Expr, to: Expr, key = JSON.stringify(from)): T {
  if (Array.isArray(value)) return value.map((v) => replaced(v, from, to, key)) as T;
  if (value === null || typeof value !== 'object') return value;
  const node = value as unknown as Expr;
  if (node.kind === from.kind && node.text === from.text && JSON.stringify(node) === key) return to as T;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, k === 'range' ? v : replaced(v, from, to, key)])) as T;
}

/** An accumulator the loop also changes, with its value before the loop and after one pass. */
export interface Partner {
  name: string;
  init: Expr;
  after: Expr;
}

/**
 * An accumulator that adds another's running value each pass: `for p in net.parameters(): reg += p.abs().sum();
 * loss = loss + lam * reg` (the add written inside the loop). Python gives loss = loss₀ + lam · Σₖ regₖ, each pass's
 * running reg; that sum is one loop whose accumulator is the tuple (reg, Σ) (the trainer runs it as Python would),
 * so the split still sees the start, the weight and the penalty, named by the accumulator it sums. Undefined for
 * any other coupling (left to the caller's refusal).
 */
export function coupledFold(name: string, init: Expr, afterPass: Expr, partners: Partner[], variables: string[], iterable: Expr, stmt: Node): { value: Expr; summed: Expr; label: string } | undefined {
  const at = { range: rangeOf(stmt), text: stmt.text };
  const reads = (e: Expr, n: string) => some(e, (x) => isPlaceholder(x, n));
  // `if isinstance(m, nn.Linear): …; loss = loss + reg`: the guarded pass adds `reg if c else 0`
  const pass = guardedSum(afterPass, name, at);
  if (pass.kind !== 'binary' || pass.op !== '+' || !isPlaceholder(pass.left, name) || reads(pass.right, name)) return undefined;
  if (partners.length === 0 || partners.some((p) => reads(p.after, name))) return undefined;
  // the partners' passes read only the loop's variables and each other (else their state is not all in the tuple)
  const known = new Set([...variables, ...partners.map((p) => p.name)]);
  if (partners.some((p) => some(p.after, (n) => n.kind === 'name' && n.ref === 'loop' && !known.has(n.name)))) return undefined;
  const x = pass.right;
  const weighted = x.kind === 'binary' && x.op === '*' && !readsLoop(x.left);
  let y = weighted ? x.right : x;
  // `reg += cof * layer_term; loss = loss + reg`: the partner's loop-invariant weight is the penalty's
  // (Σₖ Σ_{j≤k} cof·tⱼ = cof · Σₖ Σ_{j≤k} tⱼ), so it is taken out of the partner's pass
  let weight: Expr | undefined;
  if (!weighted && partners.length === 1) {
    const p = partners[0]!;
    const own = guardedSum(p.after, p.name, at);
    const pulled = own.kind === 'binary' && own.op === '+' && isPlaceholder(own.left, p.name) ? pullWeight(own.right) : undefined;
    if (pulled) {
      partners = [{ ...p, after: { ...own, right: pulled.rest } as Expr }];
      weight = pulled.weight;
      // the loss adds the partner's updated value, written out in place: its weighted increment loses the weight too
      const increment = weightedIncrement(p.after, p.name);
      if (increment) y = replaced(y, increment, increment.right);
    }
  }
  const state = `${partners.map((p) => p.name).join('_')}_running`;
  const stateName: Expr = { kind: 'name', name: state, ref: 'loop', ...at };
  const slot = (i: number): Expr => ({ kind: 'subscript', object: stateName, index: [{ kind: 'index', value: { kind: 'number', value: i, ...at } }], ...at });
  const slots = new Map(partners.map((p, i) => [p.name, slot(i)]));
  const total = slot(partners.length);
  const items = [...partners.map((p) => withSlots(p.after, slots)), { kind: 'binary', op: '+', left: total, right: withSlots(y, slots), ...at } as Expr];
  const zero: Expr = { kind: 'number', value: 0, ...at };
  const loop: Loop = { kind: 'loop', variables, iterable, accumulator: state, init: { kind: 'tuple', items: [...partners.map((p) => p.init), zero], ...at }, body: { kind: 'tuple', items, ...at }, ...at };
  const summed: Expr = { kind: 'subscript', object: loop, index: [{ kind: 'index', value: { kind: 'number', value: partners.length, ...at } }], ...at };
  const factor = weight ?? (weighted && x.kind === 'binary' ? x.left : undefined);
  const term: Expr = factor ? { kind: 'binary', op: '*', left: factor, right: summed, ...at } : summed;
  const label = partners.find((p) => reads(y, p.name))?.name ?? name;
  return { value: { kind: 'binary', op: '+', left: init, right: term, ...at }, summed, label };
}
