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

/** The factors of `e` when a weight sits inside it (see the header), else undefined. */
export function innerWeightFactors(e: Expr, f: Factoring): Expr[] | undefined {
  if (e.kind === 'overWeights') {
    const split = splitBody(e.body, f);
    return split && [...split.weights, { ...e, body: split.rest, text: retexted(e.text, e.body.text, split.rest.text) }];
  }
  if (e.kind !== 'call') return undefined;
  const [only] = e.args;
  if (LINEAR_AGGREGATES.has(opName(e) ?? '') && e.args.length === 1 && only?.kind === 'loop' && !only.accumulator && Object.keys(e.kwargs).every((k) => k === 'name')) {
    const out = outOfLoop(only, f);
    return out && [...out.weights, { ...e, args: [out.loop], text: retexted(e.text, only.text, out.loop.text) }];
  }
  return regularizerFactors(e, f);
}
