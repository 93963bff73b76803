// Term labels: what the user reads in diagnostics and the training panel. A term is named by the local variable it
// came from (`hinge`), or by a short rendering of its expression when it has none (`relu(-y_pred)`), never by the
// function around it: `reduce_mean`, `sum`, `where` are not names of penalties. A framework loss called as the
// whole term is named by its function (`categorical_crossentropy`), which is what it is.
import type { Expr, IndexItem } from '../ir';
import { opName } from './expr';
import { isFrameworkLossCallee, reductionOps } from './ops';

const MAX_LABEL = 40;
/** Namespaces of framework ops (`tf.where`, `torch.relu`): an op is not a name; a user's helper function is. */
const FRAMEWORK_NAMESPACES: ReadonlySet<string> = new Set(['tf', 'K', 'keras', 'torch', 'F', 'nn', 'np', 'math', 'Math', 'jnp', 'scipy']);
const BUILTINS: ReadonlySet<string> = new Set(['abs', 'sum', 'min', 'max', 'pow', 'float', 'len', 'round', 'mean']);
const last = (callee: string): string => callee.slice(callee.lastIndexOf('.') + 1);

/** `mean(x)`, `x.sum(1)` → x: a reduction says how a term is averaged, not what it is. */
function throughReductions(e: Expr, labelOf: (e: Expr) => string | undefined): Expr {
  let cur = e;
  while ((cur.kind === 'call' || cur.kind === 'method') && !labelOf(cur) && (reductionOps[opName(cur) ?? ''] || opName(cur) === 'add_n')) {
    const first = cur.kind === 'call' ? cur.args[0] : cur.object;
    // `tf.add_n([l2(w) for w in …])`: a sum of one penalty per item is named by that penalty
    const inner = first?.kind === 'loop' && !first.accumulator ? first.body : first;
    if (!inner) break;
    cur = inner;
  }
  return cur;
}

/**
 * `policy_loss = -mean(…)` (`tf.neg(tf.mean(…))`): the split takes the sign off a negated term and keeps what it
 * negates, which the variable names too (an objective maximised by minimising its negative), unless it has a name of
 * its own. Called where a front end names a local's value.
 */
export function nameNegated(labels: WeakMap<Expr, string>, value: Expr, name: string): void {
  if (value.kind === 'unary' && value.op === '-' && !labels.has(value.operand)) labels.set(value.operand, name);
}

/** The local variable a term (or what its reductions reduce) came from, if any. */
export function localLabel(e: Expr, labelOf: (e: Expr) => string | undefined): string | undefined {
  return labelOf(e) ?? labelOf(throughReductions(e, labelOf));
}

function renderIndex(items: IndexItem[], r: (e: Expr) => string): string {
  return items
    .map((it) => {
      if (it.kind === 'index') return r(it.value);
      if (it.kind === 'slice') return `${it.start ? r(it.start) : ''}:${it.stop ? r(it.stop) : ''}${it.step ? `:${r(it.step)}` : ''}`;
      return it.kind === 'ellipsis' ? '...' : 'None';
    })
    .join(', ');
}

const PRECEDENCE: Readonly<Record<string, number>> = {
  or: 0, and: 1, '<': 2, '<=': 2, '>': 2, '>=': 2, '==': 2, '!=': 2, '|': 2.25, '^': 2.5, '&': 2.75, '+': 3, '-': 3, '*': 4, '/': 4, '//': 4, '%': 4, '@': 4, '**': 6,
};
const precedence = (x: Expr, labelOf: (e: Expr) => string | undefined): number =>
  labelOf(x) ? 9 : x.kind === 'binary' ? (PRECEDENCE[x.op] ?? 0) : x.kind === 'unary' ? 5 : x.kind === 'conditional' ? -1 : 9;

/** A compact rendering: callees by their last segment, locals by their names, numbers as written. */
export function render(e: Expr, labelOf: (e: Expr) => string | undefined): string {
  const r = (x: Expr): string => labelOf(x) ?? render(x, labelOf);
  const group = (x: Expr): string => (precedence(x, labelOf) < 9 && x.kind !== 'unary' ? `(${r(x)})` : r(x));
  /** An operand of a binary operator, in parentheses only where the operator needs them. */
  const side = (x: Expr, op: string, right: boolean): string => {
    const p = PRECEDENCE[op] ?? 0;
    const q = precedence(x, labelOf);
    const tight = op === '**' ? !right : right && !(op === '+' || op === '*');
    return q < p || (q === p && tight) ? `(${r(x)})` : r(x);
  };
  switch (e.kind) {
    case 'name':
      return e.name;
    case 'number':
    case 'string':
    case 'bool':
    case 'none':
      return e.text;
    case 'attr':
      return `${r(e.object)}.${e.name}`;
    case 'unary':
      return `${e.op === 'not' ? 'not ' : e.op}${precedence(e.operand, labelOf) < 5 ? `(${r(e.operand)})` : r(e.operand)}`;
    case 'binary':
      return `${side(e.left, e.op, false)} ${e.op} ${side(e.right, e.op, true)}`;
    case 'call':
      return `${last(e.callee)}(${[...e.args.map(r), ...Object.entries(e.kwargs).map(([k, v]) => `${k}=${r(v)}`)].join(', ')})`;
    case 'method':
      // Python's `f.__call__(x)` is written `f(x)`
      if (e.method === '__call__') return `${group(e.object)}(${[...e.args.map(r), ...Object.entries(e.kwargs).map(([k, v]) => `${k}=${r(v)}`)].join(', ')})`;
      return `${group(e.object)}.${e.method}(${[...e.args.map(r), ...Object.entries(e.kwargs).map(([k, v]) => `${k}=${r(v)}`)].join(', ')})`;
    case 'subscript':
      return `${group(e.object)}[${renderIndex(e.index, r)}]`;
    case 'tuple':
      return `(${e.items.map(r).join(', ')})`;
    case 'conditional':
      return `${r(e.then)} if ${r(e.test)} else ${r(e.else)}`;
    default:
      return e.text.replace(/\s+/g, ' ');
  }
}

/** Ops that measure the size of what they take: `square(imbalance)` is the imbalance's size, named by it. */
const MAGNITUDE_OPS: ReadonlySet<string> = new Set(['square', 'abs', 'norm']);

/** `square(x)`, `x.abs()`, `x ** 2`, `x.pow(2)`: the x whose magnitude a term measures, else undefined. */
function magnitudeOf(e: Expr): Expr | undefined {
  if (e.kind === 'call' && MAGNITUDE_OPS.has(last(e.callee))) return e.args[0];
  if (e.kind === 'method' && MAGNITUDE_OPS.has(e.method)) return e.object;
  const squared = (x: Expr | undefined) => x?.kind === 'number' && x.value === 2;
  if (e.kind === 'binary' && e.op === '**' && squared(e.right)) return e.left;
  if (e.kind === 'method' && e.method === 'pow' && squared(e.args[0])) return e.object;
  return undefined;
}

/**
 * The callee of a loss call as the code writes it: `criterion` of `criterion(out, y)` with `criterion =
 * nn.CrossEntropyLoss()` built above, `bce` of `self.bce(p, y)`, `mse_loss` of `F.mse_loss(p, y)`. A variable that
 * holds a loss object names its term, as a local names its value (issue 9 §3: a term is named by its variable).
 */
function writtenCallee(e: Extract<Expr, { kind: 'call' }>): string | undefined {
  const callee = /^([\p{L}_][\p{L}\p{N}_.]*)\s*\(/u.exec(e.text)?.[1];
  return callee ? last(callee) : undefined;
}

/** Conversions that keep a value (`tf.cast(x, tf.float64)`, `x.float()`): a term is named by what they convert. */
const CONVERSIONS: ReadonlySet<string> = new Set(['cast', 'convert_to_tensor', 'identity', 'to_float', 'float', 'double', 'to']);
/** A small constant added for numerical safety (`bce + epsilon`, `x + 1e-7`): not part of what the term is. */
const isEpsilon = (x: Expr): boolean => (x.kind === 'number' && Math.abs(x.value) < 1e-3) || (x.kind === 'name' && /^_?(eps|epsilon|tiny)\w*$/i.test(x.name));

/** What a conversion or an added epsilon wraps, else undefined. */
function valueKept(e: Expr): Expr | undefined {
  if (e.kind === 'call' && CONVERSIONS.has(last(e.callee)) && e.args[0] && e.callee.includes('.')) return e.args[0];
  if (e.kind === 'method' && CONVERSIONS.has(e.method)) return e.object;
  if (e.kind === 'binary' && e.op === '+' && isEpsilon(e.right)) return e.left;
  return undefined;
}

/** A number, or a setting read from the object or the module (`self.slack`, `MARGIN`), not a tensor. */
const isSetting = (e: Expr): boolean =>
  e.kind === 'number' || (e.kind === 'attr' && e.object.kind === 'name' && e.object.name === 'self') || (e.kind === 'name' && (e.ref === 'global' || e.ref === 'captured'));

/** A count or a setting a term is scaled by: `len(models)`, `1 / len(models)`, `self.n`, `2.0`. */
const isScale = (e: Expr): boolean =>
  isSetting(e) || (e.kind === 'call' && e.callee === 'len') || (e.kind === 'binary' && e.op === '/' && e.left.kind === 'number' && isScale(e.right));

/** The name of the term a scale multiplies or divides (`(1 / n) * first_agg`, `first_agg / n`), else undefined. */
function scaledTerm(e: Extract<Expr, { kind: 'binary' }>, labelOf: (e: Expr) => string | undefined): string | undefined {
  // a fold whose constant factor was taken out as its weight (linear.ts accumulatedWeight) is named by its accumulator
  const name = (x: Expr): string | undefined => labelOf(x) ?? (x.kind === 'loop' ? x.accumulator : undefined);
  if (e.op === '*' && isScale(e.left)) return name(e.right);
  return isScale(e.right) ? name(e.left) : undefined;
}

/** A call that names its term by its callee (a framework loss, a user's helper), not a rendering of its maths. */
export function namedByCallee(e: Expr): boolean {
  if (e.kind === 'method') return isFrameworkLossCallee(e.method);
  if (e.kind !== 'call') return false;
  return isFrameworkLossCallee(e.callee) || (!FRAMEWORK_NAMESPACES.has(e.callee.split('.')[0]!) && !BUILTINS.has(e.callee) && !reductionOps[last(e.callee)]);
}

/** What each pass of an accumulating loop adds (`loss + x` with `loss` its accumulator): x, else undefined. */
function accumulated(e: Extract<Expr, { kind: 'loop' }>): Expr | undefined {
  const body = e.body;
  if (!e.accumulator || body.kind !== 'binary' || body.op !== '+') return undefined;
  return body.left.kind === 'name' && body.left.name === e.accumulator ? body.right : undefined;
}

const short = (s: string): string => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

/**
 * `isLoss` tells a call to another loss of the file (`my_base(y_true, y_pred)` → `my_base`). Outer reductions are
 * left out of a rendering (`relu(-y_pred)`), and of a bare name (`reduce_mean(q_values)` is `q_values`).
 */
export function labelFor(e: Expr, labelOf: (e: Expr) => string | undefined, isLoss: (callee: string) => boolean = isFrameworkLossCallee): string {
  const local = labelOf(e);
  if (local) return local;
  const kept = valueKept(e);
  if (kept) return labelFor(kept, labelOf, isLoss);
  if (e.kind === 'unary' && e.op === '-') {
    // a non-positive piece made positive (sign.ts): `-minimum(c - y_pred, 0)`
    const inner = throughReductions(e.operand, labelOf);
    return short(`-${labelOf(inner) ?? render(inner, labelOf)}`);
  }
  if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) {
    const l = labelOf(e.left);
    const r = labelOf(e.right);
    if (l && r) return `${l} ${e.op} ${r}`; // `lam * (lower_penalty + upper_penalty)`, also when written tf.add(…)
    // `lam * (gap - self.slack)`: a term offset by a setting is named by what it offsets
    if (l && isSetting(e.right)) return l;
  }
  // `for i in range(T): …; loss += self.compiled_loss(target[:, i], pred)`: a sum over steps of one loss, named by it
  const added = e.kind === 'loop' ? accumulated(e) : undefined;
  if (added && (labelOf(added) || namedByCallee(added))) return labelFor(added, labelOf, isLoss);
  if (e.kind === 'call' && isLoss(e.callee)) return writtenCallee(e) ?? last(e.callee);
  if (e.kind === 'method' && isFrameworkLossCallee(e.method)) return e.method;
  // a callable the code was given, called (`loss_fn(logits, yb)` read as `loss_fn.__call__(…)`): named as written
  if (e.kind === 'method' && e.method === '__call__' && e.object.kind === 'name') return e.object.name;
  const core = throughReductions(e, labelOf);
  // `sum((1 / self.nr_models) * first_agg)`, `spread / n`: a term scaled by a count or a setting is named by the term
  const scaled = core.kind === 'binary' && (core.op === '*' || core.op === '/') ? scaledTerm(core, labelOf) : undefined;
  if (scaled) return scaled;
  const measured = magnitudeOf(core);
  if (measured && labelOf(measured)) return labelOf(measured) as string;
  // a helper of the user's (`SMOOTHNESS * _variation(output)`) is named for what it computes: its name
  if (core.kind === 'call' && !FRAMEWORK_NAMESPACES.has(core.callee.split('.')[0]!) && !BUILTINS.has(core.callee)) return labelOf(core) ?? last(core.callee);
  // a tensor the loss is handed (`q_values.mean()`, `tf.reduce_mean(y_pred)`) is named by its name, not its reduction
  if (core.kind === 'name' && core.ref !== 'global') return core.name;
  return labelOf(core) ?? short(render(core.kind === 'name' ? e : core, labelOf));
}
