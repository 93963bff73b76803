// A penalty's weight written inside what sums its parts, as weight decay usually is:
// `tf.add_n([WD * tf.nn.l2_loss(v) for v in model.trainable_variables])`, `sum(lam * p.pow(2).sum() for p in
// model.parameters())`; and a Keras regularizer applied on the spot, whose coefficient is its weight
// (`regularizers.l2(1e-4)(v)`, `regularizers.l1(l1=self.l1)(w)`). By linearity
// (Σ w·fᵢ = w·Σ fᵢ when w does not depend on the loop's variable) the weight comes out as if written outside, so the
// penalty has its λ (no LL101 false alarm) and a run's λ replaces it. Split.ts calls this from its factor reader.
import type { Expr } from '../ir';
import { opName } from './expr';

/** Sums and means of a list of terms: linear, so a factor common to every item comes out. */
const LINEAR_AGGREGATES: ReadonlySet<string> = new Set(['sum', 'fsum', 'add_n', 'accumulate_n', 'reduce_sum', 'reduce_mean', 'mean']);

/** `tf.keras.regularizers.l2`, `keras.regularizers.L1`: one coefficient, bound by position or by its name. */
const ONE_COEFFICIENT_REGULARIZER = /(?:^|\.)regularizers\.(l1|l2)$/i;

interface Factoring {
  /** The factors of an expression (split.ts factorsOf). */
  factors: (e: Expr) => Expr[];
  isWeight: (e: Expr) => boolean;
  /** A weight whose names all have values: an argument with none (`emphasis` in `relu(-pred * emphasis)`) may be a tensor. */
  isValued: (e: Expr) => boolean;
  product: (items: Expr[]) => Expr;
}

const one = (at: Expr): Expr => ({ kind: 'number', value: 1, range: at.range, text: '1' });

/** The weight factors of a loop's body and the body without them; undefined when it has none or is all weight. */
function splitBody(body: Expr, f: Factoring): { weights: Expr[]; rest: Expr } | undefined {
  // `l2(c)(w) / tf.size(w)`: a per-item normaliser divides what the weight multiplies, (c·f)/n = c·(f/n)
  if (body.kind === 'binary' && body.op === '/' && !f.isWeight(body.right)) {
    const numerator = splitBody(body.left, f);
    const text = `${numerator?.rest.text} / ${body.right.kind === 'binary' ? `(${body.right.text})` : body.right.text}`;
    return numerator && { weights: numerator.weights, rest: { ...body, left: numerator.rest, text } };
  }
  const factors = f.factors(body);
  const weights = factors.filter(f.isWeight);
  const rest = factors.filter((x) => !f.isWeight(x));
  return weights.length > 0 && rest.length > 0 ? { weights, rest: f.product(rest) } : undefined;
}

const escaped = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const retexted = (whole: string, part: string, by: string): string => (whole.includes(part) ? whole.replace(part, by) : whole);

/** The loop's body weights, then the loop without them; undefined when nothing comes out. */
function outOfLoop(loop: Extract<Expr, { kind: 'loop' }>, f: Factoring): { weights: Expr[]; loop: Expr } | undefined {
  const split = splitBody(loop.body, f);
  if (!split) return undefined;
  return { weights: split.weights, loop: { ...loop, body: split.rest, text: retexted(loop.text, loop.body.text, split.rest.text) } };
}

/** `regularizers.l2(c)(x)` → [c, `regularizers.l2(1)(x)`]: its coefficient, when written, is its weight. */
function regularizerFactors(e: Extract<Expr, { kind: 'call' }>, f: Factoring): Expr[] | undefined {
  const which = ONE_COEFFICIENT_REGULARIZER.exec(e.callee)?.[1]?.toLowerCase();
  if (!which) return undefined;
  const positional = e.ctorArgs?.[0];
  const coefficient = positional ?? e.kwargs[which];
  // a coefficient of 1 is what this leaves behind: nothing more to take out
  if (!coefficient || !f.isWeight(coefficient) || (coefficient.kind === 'number' && coefficient.value === 1)) return undefined;
  const unit = positional ? { ...e, ctorArgs: [one(positional), ...(e.ctorArgs ?? []).slice(1)] } : { ...e, kwargs: { ...e.kwargs, [which]: one(coefficient) } };
  const written = positional ? retexted(e.text, `(${coefficient.text}`, '(1') : e.text.replace(new RegExp(String.raw`\b${which}\s*=\s*${escaped(coefficient.text)}`, 'i'), `${which}=1`);
  return [coefficient, { ...unit, text: written }];
}

/** A zero the hinge compares with: `0`, `0.0`, `torch.tensor(0.0)`, `tf.constant(0.)`. */
function isZero(e: Expr | undefined): boolean {
  if (!e) return false;
  if (e.kind === 'number') return e.value === 0;
  return e.kind === 'call' && /(?:^|\.)(?:tensor|constant|scalar|convert_to_tensor)$/.test(e.callee) && e.args.length >= 1 && isZero(e.args[0]);
}

/** `relu(x)`, `maximum(0, x)`, `torch.max(torch.tensor(0.), x)`, `clamp(x, min=0)`: the x a hinge at zero takes. */
function hingeOperand(e: Extract<Expr, { kind: 'call' }>): Expr | undefined {
  const name = opName(e) ?? '';
  if (name === 'relu' && e.args.length === 1) return e.args[0];
  if ((name === 'maximum' || name === 'max') && e.args.length === 2) return isZero(e.args[0]) ? e.args[1] : isZero(e.args[1]) ? e.args[0] : undefined;
  if ((name === 'clamp' || name === 'clamp_min') && e.args.length >= 1) {
    const min = e.kwargs.min ?? e.args[1];
    return isZero(min) && e.kwargs.max === undefined && e.args.length <= 2 ? e.args[0] : undefined;
  }
  return undefined;
}

/**
 * `max(0, 10 * (margin - gap))`: a hinge at zero is positively homogeneous (max(0, c·x) = c·max(0, x) for c > 0), so
 * a positive weight written inside it is the penalty's λ as if written outside.
 */
function hingeFactors(e: Extract<Expr, { kind: 'call' }>, f: Factoring): Expr[] | undefined {
  const inside = hingeOperand(e);
  if (!inside) return undefined;
  const factors = f.factors(inside);
  const positive = (x: Expr): boolean => f.isWeight(x) && f.isValued(x) && (x.kind !== 'number' || x.value > 0);
  const weights = factors.filter(positive);
  const rest = factors.filter((x) => !positive(x));
  if (weights.length === 0 || rest.length === 0) return undefined;
  const unweighted = f.product(rest);
  const args = e.args.map((a) => (a === inside ? unweighted : a));
  return [...weights, { ...e, args, text: retexted(e.text, inside.text, unweighted.text) }];
}

/** The factors of `e` when a weight sits inside it (see the header), else undefined. */
export function innerWeightFactors(e: Expr, f: Factoring): Expr[] | undefined {
  if (e.kind === 'overWeights') {
    const split = splitBody(e.body, f);
    return split && [...split.weights, { ...e, body: split.rest, text: retexted(e.text, e.body.text, split.rest.text) }];
  }
  const copied = valueCopyFactors(e, f);
  if (copied) return copied;
  if (e.kind !== 'call') return undefined;
  const [only] = e.args;
  if (LINEAR_AGGREGATES.has(opName(e) ?? '') && e.args.length === 1 && only?.kind === 'loop' && !only.accumulator && Object.keys(e.kwargs).every((k) => k === 'name')) {
    const out = outOfLoop(only, f);
    return out && [...out.weights, { ...e, args: [out.loop], text: retexted(e.text, only.text, out.loop.text) }];
  }
  return regularizerFactors(e, f) ?? hingeFactors(e, f) ?? reducedFactors(e, f) ?? commonWeightFactors(e, f);
}

/** Calls that make a tensor of one number without changing it (`tf.constant(1e-3, name="lambda_w")`). */
const NUMBER_TENSOR = /(?:^|\.)(?:constant|scalar|tensor|as_tensor|convert_to_tensor|variable)$/;

/** The number a weight written with numbers only stands for, else undefined. */
function numberOf(e: Expr): number | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'unary' && e.op === '-') return ((v) => (v === undefined ? undefined : -v))(numberOf(e.operand));
  if (e.kind === 'call' && NUMBER_TENSOR.test(e.callee) && e.args.length === 1) return numberOf(e.args[0]!);
  if (e.kind !== 'binary' || (e.op !== '*' && e.op !== '/')) return undefined;
  const [a, b] = [numberOf(e.left), numberOf(e.right)];
  return a === undefined || b === undefined ? undefined : e.op === '*' ? a * b : a / b;
}

/** Two weights that are the same λ: written alike, or numbers of one value (`tf.constant(0.001, name="lambda_w")`, `… "lambda_v"`). */
function sameWeight(a: Expr, b: Expr): boolean {
  if (a.text.replace(/\s+/g, '') === b.text.replace(/\s+/g, '')) return true;
  const [x, y] = [numberOf(a), numberOf(b)];
  return x !== undefined && x === y;
}

/**
 * `tf.reduce_sum(tf.multiply(lambda_w, W ** 2) + tf.multiply(lambda_v, V ** 2))` with lambda_w = lambda_v: a sum
 * (or mean) of addends that all carry the same weight is that weight times the sum of the rest, whatever the
 * addends' shapes (c·a + c·b = c·(a + b) before any reduction), so the weight is the penalty's λ. Addends weighted
 * differently are not one λ: they stay as written.
 */
function commonWeightFactors(e: Extract<Expr, { kind: 'call' }>, f: Factoring): Expr[] | undefined {
  const [only] = e.args;
  if (!LINEAR_AGGREGATES.has(opName(e) ?? '') || e.args.length !== 1 || !only) return undefined;
  const addends = plusPieces(only);
  if (addends.length < 2) return undefined;
  const splits = addends.map((a) => splitBody(a, f));
  const first = splits[0];
  if (!first || splits.some((s) => !s || !sameWeight(f.product(s.weights), f.product(first.weights)))) return undefined;
  const weight = f.product(first.weights);
  const others = splits.slice(1).map((s) => f.product(s!.weights));
  // equal numbers written apart are one λ only if write-back can set them all: each a single literal
  const spelledAlike = others.every((w) => w.text.replace(/\s+/g, '') === weight.text.replace(/\s+/g, ''));
  const literals = others.map(numberNode);
  if (!spelledAlike && (first.weights.length !== 1 || !numberNode(weight) || literals.some((n) => !n))) return undefined;
  const rests = splits.map((s) => s!.rest);
  const sum = rests.slice(1).reduce<Expr>((acc, r) => ({ kind: 'binary', op: '+', left: acc, right: r, range: only.range, text: `${acc.text} + ${r.text}` }), rests[0]!);
  const written = spelledAlike ? weight : { ...weight, alsoWritten: literals.map((n) => n!.range) };
  return [written, { ...e, args: [sum], text: `${e.callee}(${sum.text})` }];
}

/** The number literal a weight written with one number is (`0.001`, `tf.constant(0.001, name="lambda_w")`), or undefined. */
function numberNode(e: Expr): Expr | undefined {
  if (e.kind === 'number') return e;
  return e.kind === 'call' && NUMBER_TENSOR.test(e.callee) && e.args.length === 1 ? numberNode(e.args[0]!) : undefined;
}

/** `a + b + c` → [a, b, c]; anything else is one piece (a difference is left whole: its sign is its own). */
function plusPieces(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === '+' ? [...plusPieces(e.left), ...plusPieces(e.right)] : [e];
}

/**
 * `torch.sum(max(0, 10 * gap), dim=0)` kept in a variable: a sum or mean is linear, so the weight inside the hinge it
 * reduces is the variable's λ, as `10 * torch.sum(…)` would be. Only through a hinge: the numbers a variable's own
 * formula reduces (`K.sum(-0.5 * (1 + logvar - …))`) are part of what it is.
 */
function reducedFactors(e: Extract<Expr, { kind: 'call' }>, f: Factoring): Expr[] | undefined {
  const [only] = e.args;
  if (!LINEAR_AGGREGATES.has(opName(e) ?? '') || e.args.length !== 1 || only?.kind !== 'call') return undefined;
  const hinge = hingeFactors(only, f);
  const weights = hinge?.filter(f.isWeight) ?? [];
  const rest = hinge?.filter((x) => !f.isWeight(x)) ?? [];
  if (weights.length === 0 || rest.length === 0) return undefined;
  const unweighted = f.product(rest);
  return [...weights, { ...e, args: [unweighted], text: retexted(e.text, only.text, unweighted.text) }];
}

/** Calls that hand on the value of their one argument (as a number, or cut from the graph): linear in it. */
const COPY_CALLS = /(?:^|\.)(?:scalar|stop_gradient)$|^float$/;
/** Methods that hand on their object's value (a JS number, a Python float, a detached tensor). */
const COPY_METHODS: ReadonlySet<string> = new Set(['arraySync', 'dataSync', 'item', 'detach', 'clone']);

/**
 * `tf.scalar(tf.mul(this.l2, tf.sum(tf.square(x))).arraySync())`, `(lam * p).detach()`, `float(c * p)`: copying a
 * value (to a number, out of the graph) is linear, so a weight inside the copy is the penalty's λ as if written
 * outside; what is copied stays in the term (a copy cut from the graph still has no gradient: LL105/LL106 see it).
 */
function valueCopyFactors(e: Expr, f: Factoring): Expr[] | undefined {
  const inner = e.kind === 'call' && COPY_CALLS.test(e.callee) && e.args.length === 1 && Object.keys(e.kwargs).length === 0 ? e.args[0] : e.kind === 'method' && COPY_METHODS.has(e.method) && e.args.length === 0 ? e.object : undefined;
  if (!inner) return undefined;
  const factors = f.factors(inner);
  const weights = factors.filter(f.isWeight);
  const rest = factors.filter((x) => !f.isWeight(x));
  if (weights.length === 0 || rest.length === 0) return undefined;
  const copied = f.product(rest);
  const text = retexted(e.text, inner.text, copied.text);
  return [...weights, e.kind === 'call' ? { ...e, args: [copied], text } : { ...e, object: copied, text } as Expr];
}