// Term splitting and weight extraction (ir.ts `Term`): the returned expression is split at top-level `+`/`-`; in
// each piece the factors that are numbers or hyper-parameter references form the weight, the rest is the term.
// A factor is found however the product is written: `lam * p`, `p * self.weight`, `torch.mul(C, p)`, `p.mul(lam)`,
// `tf.multiply(p, lam)`, `tf.scalar(C).mul(p)` (TF.js, made a binary `*` by its front end), and a division by a
// hyper-parameter is a weight 1/x: `p / temperature` has the weight `1 / temperature`, whose value is the code's λ;
// `temperature` itself is not the λ (binding it to a run's λ would invert the sweep), so `weightParamOf` skips names
// in a denominator.
import type { Expr } from '../ir';
import { binary, opName, some } from './expr';
import { innerWeightFactors } from './innerWeights';
import { isNegatedLogLikelihood } from './likelihood';
import { overSizeCount } from './sizes';

export interface Piece {
  sign: 1 | -1;
  /** The additive piece as written (its range is the term's range). */
  whole: Expr;
  expr: Expr;
  weight?: Expr;
}

/**
 * A number offset of a tensor (`1 - iou`, `1.0 - dice`, `x + 1e-7`) is one quantity: a similarity turned into a
 * loss, or an epsilon. Split, it read as a constant "penalty" that ignores the prediction (LL105) beside a
 * subtracted one (LL104). A zero is not an offset: an accumulator's start (`0.0 + …`) is still split off.
 */
const isAdditive = (x: Expr): boolean => x.kind === 'binary' && (x.op === '+' || x.op === '-');
const isNumberOffset = (x: Expr): boolean =>
  x.kind === 'binary' &&
  isAdditive(x) &&
  // one side a non-zero number, the other not itself a sum (a long `a + 1 + 1 + …` is still split, piece by piece)
  ((x.left.kind === 'number' && x.left.value !== 0 && !isAdditive(x.right)) || (x.right.kind === 'number' && x.right.value !== 0 && !isAdditive(x.left)));

/**
 * `a + b - c` → [+a, +b, -c]; `-(x)` flips the sign; anything else is one piece. `keepOffsets` (splitting a loss into
 * terms): a number offset (`1 - iou`) is one piece too, and so is a cross-entropy written by hand (`-mean(t * log_p)`,
 * likelihood.ts): a positive term as written, named by its variable. `keepWhole`: a sum the caller keeps as one.
 */
export function additivePieces(e: Expr, sign: 1 | -1 = 1, keepOffsets = false, keepWhole?: (x: Expr) => boolean): { sign: 1 | -1; expr: Expr }[] {
  // Iterative, into one array: a long sum (`a + 1 + 1 + … `, a left-deep tree thousands of nodes deep) costs linear
  // time and no stack, where spreading the two halves at every level was quadratic.
  const out: { sign: 1 | -1; expr: Expr }[] = [];
  const todo: { sign: 1 | -1; expr: Expr }[] = [{ sign, expr: e }];
  while (todo.length > 0) {
    const { sign: s, expr: x } = todo.pop() as { sign: 1 | -1; expr: Expr };
    if (x.kind === 'binary' && (x.op === '+' || x.op === '-') && !(keepOffsets && isNumberOffset(x)) && !keepWhole?.(x)) {
      // right first, so the left side is popped (and emitted) first: pieces stay in source order
      todo.push({ sign: (x.op === '-' ? -s : s) as 1 | -1, expr: x.right }, { sign: s, expr: x.left });
    } else if (x.kind === 'unary' && x.op === '-' && !isWeightFactor(x) && !(keepOffsets && isNegatedLogLikelihood(x))) {
      todo.push({ sign: (-s) as 1 | -1, expr: x.operand });
    } else {
      out.push({ sign: s, expr: x });
    }
  }
  return out;
}

/** Calls that make a tensor of a number (`tf.scalar(C)`, `torch.tensor(lam)`): a weight when their value is one. */
const NUMBER_TENSORS: ReadonlySet<string> = new Set(['scalar', 'constant', 'tensor', 'as_tensor', 'scalar_tensor', 'convert_to_tensor', 'float32', 'float64', 'float', 'cast_to_floatx']);

/**
 * Names that are never a λ factor: a list or tuple (`QUANTILES = [0.1, 0.5, 0.9]`, `self.weights` with a tuple
 * default), since `mean(w * x)` is not `mean(w) * mean(x)` for a per-output w; and a tensor argument of the loss
 * (`h`, `mu`, `mask`: LossParam role 'tensor'), with what derives from it (`dh = h * (1 - h)`): a weight must not
 * depend on the model. Set by buildTerms for the loss it splits (withListNames), empty otherwise.
 */
let listNames: ReadonlySet<string> = new Set();

/**
 * The loss's own parameters that have no value (`def forward(self, decoded, codebook, target)`): in a product of
 * nothing but names (`self.λ * codebook`), the one with no value is what is weighted, not a weight.
 */
let unvaluedNames: ReadonlySet<string> = new Set();

/**
 * Runs `f` with `names` never read as a λ by isWeightFactor (buildTerms' TermContext.lists and tensors), and
 * `unvalued` the parameters with no value (TermContext.unvalued).
 */
export function withListNames<T>(names: ReadonlySet<string> | undefined, f: () => T, unvalued?: ReadonlySet<string>): T {
  const outer = [listNames, unvaluedNames] as const;
  listNames = names ?? new Set();
  unvaluedNames = unvalued ?? new Set();
  try {
    return f();
  } finally {
    [listNames, unvaluedNames] = outer;
  }
}

const dotted = (e: Expr): string | undefined =>
  e.kind === 'name' ? e.name : e.kind === 'attr' ? ((o) => (o === undefined ? undefined : `${o}.${e.name}`))(dotted(e.object)) : undefined;

/** Every name in `e` has a value (is not one of the loss's arguments without a default). */
function isValued(e: Expr): boolean {
  if (e.kind === 'name') return !unvaluedNames.has(e.name);
  if (e.kind === 'binary') return isValued(e.left) && isValued(e.right);
  return e.kind === 'unary' ? isValued(e.operand) : true;
}

/** Numbers and hyper-parameter references (`lam`, `self.lam`, `config.lam`), and arithmetic of them (`lam / 2`). */
export function isWeightFactor(e: Expr): boolean {
  switch (e.kind) {
    case 'number':
      return true;
    case 'name':
      return e.ref !== 'yTrue' && e.ref !== 'yPred' && e.ref !== 'weight' && e.ref !== 'loop' && !listNames.has(e.name);
    case 'attr':
      return isWeightFactor(e.object) && !listNames.has(dotted(e) ?? '');
    case 'subscript':
      return isConfigEntry(e);
    case 'unary':
      return e.op !== 'not' && isWeightFactor(e.operand);
    case 'binary':
      return ['+', '-', '*', '/', '**'].includes(e.op) && isWeightFactor(e.left) && isWeightFactor(e.right);
    case 'call':
      if (isScheduleCall(e)) return true;
      return NUMBER_TENSORS.has(opName(e) ?? '') && e.args.length >= 1 && isWeightFactor(e.args[0]!);
    case 'method':
      return isSettingLookup(e);
    default:
      return false;
  }
}

/**
 * A mapping of settings the code holds: an attribute, a module or closure value, or one of those defaulted to a
 * literal dict (`(loss_weights or {})`, an optional constructor argument).
 */
function isHeldMapping(o: Expr): boolean {
  if (o.kind === 'binary' && o.op === 'or') return isHeldMapping(o.left) && o.right.kind === 'unsupported' && o.right.what === 'dictionary';
  return (o.kind === 'attr' || (o.kind === 'name' && (o.ref === 'global' || o.ref === 'captured'))) && isWeightFactor(o);
}

/** `self.settings.get("lambda_smooth", 0.04)`, `cfg.get("lam")`: a setting read by its key from a held mapping. */
const isSettingLookup = (e: Extract<Expr, { kind: 'method' }>): boolean => e.method === 'get' && e.args[0]?.kind === 'string' && isHeldMapping(e.object);

/** Python's scalar builtins and the math/NumPy namespaces: a function of settings there is a setting. */
const SCALAR_BUILTINS: ReadonlySet<string> = new Set(['min', 'max', 'float', 'abs', 'round', 'pow', 'int']);
const SCALAR_NAMESPACES: ReadonlySet<string> = new Set(['math', 'np', 'numpy', 'Math']);

/**
 * A λ computed from settings and counters, as a schedule does (`beta = min(1.0, epoch / WARMUP)`, KL annealing;
 * `np.clip(step / ramp, 0, 1)`, `math.exp(-decay * step)`): scalar arithmetic of weight factors is one.
 */
function isScheduleCall(e: Extract<Expr, { kind: 'call' }>): boolean {
  const dot = e.callee.indexOf('.');
  const scalar = dot < 0 ? SCALAR_BUILTINS.has(e.callee) : SCALAR_NAMESPACES.has(e.callee.slice(0, dot));
  const args = [...e.args, ...Object.values(e.kwargs)];
  return scalar && args.length > 0 && args.every(isWeightFactor);
}

/**
 * `self.config["beta"]`, `HPARAMS['kl_weight']`, `this.cfg['lam']`: a setting read by a string key from a config
 * mapping the code holds (an attribute, a module or closure value), not from an argument of the loss (a Lightning
 * `batch["mask"]` is data), the prediction or a list.
 */
function isConfigEntry(e: Extract<Expr, { kind: 'subscript' }>): boolean {
  const [key] = e.index;
  if (e.index.length !== 1 || key?.kind !== 'index' || key.value.kind !== 'string') return false;
  const held = e.object.kind === 'attr' || (e.object.kind === 'name' && (e.object.ref === 'global' || e.object.ref === 'captured'));
  return held && isWeightFactor(e.object);
}

const MULTIPLY: ReadonlySet<string> = new Set(['mul', 'multiply', 'scalar_mul']);
const DIVIDE: ReadonlySet<string> = new Set(['div', 'divide', 'true_divide', 'truediv']);

/** The two operands of a product or quotient written as a call (`torch.mul(a, b)`, `a.mul(b)`), else undefined. */
function operandsOfCall(e: Expr, ops: ReadonlySet<string>): [Expr, Expr] | undefined {
  if (e.kind !== 'call' && e.kind !== 'method') return undefined;
  if (!ops.has(opName(e) ?? '') || Object.keys(e.kwargs).some((k) => k !== 'other' && k !== 'y')) return undefined;
  const operands = e.kind === 'call' ? [...e.args] : [e.object, ...e.args];
  const other = e.kwargs.other ?? e.kwargs.y;
  if (other) operands.push(other);
  return operands.length === 2 ? [operands[0]!, operands[1]!] : undefined;
}

/** `1 / x`, spanning x (x is a weight factor: the weight a division by x applies). */
function reciprocal(x: Expr): Expr {
  const one: Expr = { kind: 'number', value: 1, range: x.range, text: '1' };
  return binary('/', one, x, x.range, `1 / ${x.kind === 'binary' ? `(${x.text})` : x.text}`);
}

/**
 * `0`, `0.0`, `torch.tensor(0.0)`, `torch.zeros(1)`: what a branch adds when the penalty is off; also a tensor times
 * zero, `pred.sum() * 0.0`, PyTorch's way to write a zero that stays in the graph (so `backward()` still runs).
 */
const isZero = (e: Expr): boolean =>
  (e.kind === 'number' && e.value === 0) ||
  (e.kind === 'binary' && e.op === '*' && (isZero(e.left) || isZero(e.right))) ||
  (e.kind === 'call' && NUMBER_TENSORS.has(opName(e) ?? '') && e.args.length === 1 && isZero(e.args[0]!)) ||
  (e.kind === 'call' && /(^|\.)zeros(_like)?$/.test(e.callee));

/**
 * `lam * mean(neg ** 2) if (x < 0).any() else 0.0` (a penalty computed only when violated): the weight of the live
 * branch weights the whole conditional, `lam * (mean(neg ** 2) if … else 0.0)`, the same value for every input; a
 * branch fixed before training (ir.ts `taken`) is the live one whatever the other holds.
 */
function conditionalFactors(e: Extract<Expr, { kind: 'conditional' }>): Expr[] | undefined {
  // the branch the settings the loss is built with select (`if self.hparams.order == 1: … elif … == 2: …`), else the
  // one that is not zero
  const live = e.taken ?? (isZero(e.else) ? 'then' : isZero(e.then) ? 'else' : undefined);
  if (!live) return undefined;
  const factors = factorsOf(e[live]);
  const weights = factors.filter(isWeightFactor);
  const rest = factors.filter((f) => !isWeightFactor(f));
  if (weights.length === 0 || rest.length === 0) return undefined;
  return [...weights, { ...e, [live]: product(rest) }];
}

function factorsOf(e: Expr): Expr[] {
  if (e.kind === 'binary' && e.op === '*') return [...factorsOf(e.left), ...factorsOf(e.right)];
  if (e.kind === 'conditional') return conditionalFactors(e) ?? [e];
  if (e.kind === 'binary' && e.op === '/' && isWeightFactor(e.right) && !isWeightFactor(e.left)) return [...factorsOf(e.left), reciprocal(e.right)];
  // `-self.strength / batch_size * total`: a setting over a tensor is the setting times the tensor's reciprocal
  if (e.kind === 'binary' && e.op === '/' && isWeightFactor(e.left) && readsSetting(e.left) && !isWeightFactor(e.right)) return [...factorsOf(e.left), reciprocal(e.right)];
  const multiplied = operandsOfCall(e, MULTIPLY);
  if (multiplied) return [...factorsOf(multiplied[0]), ...factorsOf(multiplied[1])];
  const quotient = operandsOfCall(e, DIVIDE);
  if (quotient && isWeightFactor(quotient[1]) && !isWeightFactor(quotient[0])) return [...factorsOf(quotient[0]), reciprocal(quotient[1])];
  return innerWeightFactors(e, { factors: factorsOf, isWeight: isWeightFactor, isValued, product }) ?? [e];
}

const product = (items: Expr[]): Expr => items.reduce((acc, f) => binary('*', acc, f));

/** Whether a weight factor names a setting (`lam`, `self.strength`), not numbers alone (`1`, `0.5 * 2`). */
const readsSetting = (e: Expr): boolean => some(e, (n) => n.kind === 'name' || n.kind === 'attr');

/** The product of two optional weights (a factor outside a reduction times one inside it). */
export function timesWeight(a: Expr | undefined, b: Expr | undefined): Expr | undefined {
  return a && b ? binary('*', a, b, b.range, `${a.text} * ${b.text}`) : (a ?? b);
}

/** Numbers only (`-0.5`, `1 / 2`): no hyper-parameter, attribute or tensor call in it. */
/** A number a constructor call bound to an attribute: the user's choice, a weight (ir.ts, `boundTo`). */
const isBoundValue = (e: Expr): boolean =>
  (e.kind === 'number' && e.boundTo !== undefined) ||
  (e.kind === 'unary' && isBoundValue(e.operand)) ||
  // `torch.tensor(weight)` of one (a registered buffer holding the constructor's weight)
  (e.kind === 'call' && NUMBER_TENSORS.has(opName(e) ?? '') && e.args.length === 1 && isBoundValue(e.args[0]!));

const isLiteral = (e: Expr): boolean =>
  e.kind === 'number' ||
  (e.kind === 'unary' && isLiteral(e.operand)) ||
  (e.kind === 'binary' && isLiteral(e.left) && isLiteral(e.right)) ||
  (e.kind === 'call' && NUMBER_TENSORS.has(opName(e) ?? '') && e.args.length === 1 && isLiteral(e.args[0]!));

/**
 * The factors of a product where a variable the code names (`kld = -0.5 * torch.mean(…)`) stays whole when the
 * numbers are all it would give up: its -0.5 is part of what `kld` is. Undefined when no variable was kept whole.
 */
function factorsKeepingNamed(e: Expr, named: (e: Expr) => boolean): Expr[] | undefined {
  // `alpha * soft` with `soft = kl_div(…) * (T * T)`: the code weights `soft` by a hyper-parameter where it adds
  // it, so that is the λ; what `soft`'s own definition multiplies in (the temperature's T²) is part of the term
  const weighted = keepingNamed(e, named, () => true);
  if (weighted?.some((f) => isWeightFactor(f) && !isLiteral(f) && !named(f))) return weighted.flatMap((f) => (named(f) && !isWeightFactor(f) ? ownSettings(f) : [f]));
  return keepingNamed(e, named, (x) => factorsOf(x).every((f) => !isWeightFactor(f) || isLiteral(f)));
}

/**
 * A named variable weighted where it is added (`self.alpha * reg`) whose own definition multiplies in a setting
 * (`reg = self.lambda_ * self.model.compute_reg()`): the setting weights the term too (λ = alpha · lambda_), unless
 * the rest of the definition reads it (`soft = kl_div(s / T, t / T) * T * T`: T is part of what soft is). Its
 * numbers stay in the term, as a KL's -0.5 does. The variable whole when nothing comes out.
 */
function ownSettings(x: Expr): Expr[] {
  const factors = factorsOf(x);
  const isSetting = (f: Expr): boolean => isWeightFactor(f) && !isLiteral(f);
  const settings = factors.filter(isSetting);
  const rest = factors.filter((f) => !isSetting(f));
  if (settings.length === 0 || rest.length === 0 || rest.every(isWeightFactor)) return [x];
  const term = product(rest);
  const names = new Set(settings.flatMap((w) => settingNames(w)));
  const readsOne = some(term, (n) => (n.kind === 'name' && names.has(n.name)) || (n.kind === 'attr' && names.has(n.text.replace(/\s+/g, ''))));
  return readsOne ? [x] : [...settings, term];
}

/** The names and attributes a weight reads (`self.lambda_`, `lam`). */
function settingNames(w: Expr): string[] {
  if (w.kind === 'name') return [w.name];
  // the whole attribute (`self.lambda_`), not its object: `self` is read everywhere in a method
  if (w.kind === 'attr') return [w.text.replace(/\s+/g, '')];
  if (w.kind === 'unary') return settingNames(w.operand);
  if (w.kind === 'binary') return [...settingNames(w.left), ...settingNames(w.right)];
  return w.kind === 'call' ? w.args.flatMap(settingNames) : [];
}

/** The factors of a product, a named variable kept whole when `keep` says so; undefined when none was kept. */
function keepingNamed(e: Expr, named: (e: Expr) => boolean, keep: (x: Expr) => boolean): Expr[] | undefined {
  let kept = false;
  const visit = (x: Expr, root: boolean): Expr[] => {
    if (!root && named(x) && !isWeightFactor(x) && keep(x)) {
      kept = true;
      return [x];
    }
    if (x.kind === 'binary' && x.op === '*') return [...visit(x.left, false), ...visit(x.right, false)];
    const product = operandsOfCall(x, MULTIPLY);
    if (product) return [...visit(product[0], false), ...visit(product[1], false)];
    return factorsOf(x);
  };
  const factors = visit(e, true);
  return kept ? factors : undefined;
}

/**
 * Splits one additive piece into weight and term. With `named` (which expressions are variables of the code): when
 * the piece weights a variable where it is added (`self.beta * kld`), that weight is the λ, and the numbers inside
 * the variable's own definition (`kld = -0.5 * mean(…)`) stay in the term; a variable added unweighted still gives
 * up its numbers (`reg = 0.01 * sum(w ** 2)`; `mse + reg` has λ = 0.01).
 */
export function splitWeight(piece: { sign: 1 | -1; expr: Expr }, named?: (e: Expr) => boolean, fromHelper?: (e: Expr) => boolean): Piece {
  const normalised = overSizeCount(piece.expr);
  if (normalised) return perCount(piece, normalised, named, fromHelper);
  // `kl = divergence(m, lv)` with the helper returning `sum(…) * -0.5`: numbers inside a helper are its formula
  if (fromHelper?.(piece.expr)) {
    const factors = factorsOf(piece.expr);
    const formula = (f: Expr): boolean => !isWeightFactor(f) || (isLiteral(f) && !isBoundValue(f));
    if (factors.every(formula)) return { sign: piece.sign, whole: piece.expr, expr: piece.expr };
    // `return self.lamda * torch.sum(diff ** 2) / 2.0`: the helper's setting weights it, its ½ stays in the formula
    return splitFactors(piece, factors, formula);
  }
  const keeping = named ? factorsKeepingNamed(piece.expr, named) : undefined;
  if (keeping?.some(isWeightFactor) && keeping.some((f) => !isWeightFactor(f))) return splitFactors(piece, keeping);
  return splitFactors(piece, factorsOf(piece.expr));
}

/**
 * `beta * kld / x.size(0)`: a term normalised by a count (sizes.ts) is weighted as its numerator is (λ = beta); the
 * count stays in the term, which is what the code trains (`kld / x.size(0)`).
 */
function perCount(piece: { sign: 1 | -1; expr: Expr }, q: { numerator: Expr; count: Expr }, named?: (e: Expr) => boolean, fromHelper?: (e: Expr) => boolean): Piece {
  // a variable divided as a whole (`kl / len(x)`) keeps its own numbers, as `bce + kl` does
  // the numerator of a helper's returned value is the helper's too (its numbers are its formula)
  const helper = fromHelper?.(piece.expr) ? (e: Expr) => e === q.numerator || !!fromHelper(e) : fromHelper;
  const inner = named?.(q.numerator) ? undefined : splitWeight({ sign: piece.sign, expr: q.numerator }, named, helper);
  if (!inner?.weight) return { sign: piece.sign, whole: piece.expr, expr: piece.expr };
  const text = `${inner.expr.kind === 'binary' ? `(${inner.expr.text})` : inner.expr.text} / ${q.count.kind === 'binary' ? `(${q.count.text})` : q.count.text}`;
  return { ...inner, whole: piece.expr, expr: binary('/', inner.expr, q.count, piece.expr.range, text) };
}

function splitFactors(piece: { sign: 1 | -1; expr: Expr }, factors: Expr[], inTerm: (f: Expr) => boolean = (f) => !isWeightFactor(f)): Piece {
  let weights = factors.filter((f) => !inTerm(f));
  let rest = factors.filter(inTerm);
  // `self.λ * codebook`: all names; the argument with no value is the term, what has a value weights it
  const unvalued = (f: Expr): boolean => f.kind === 'name' && f.ref === 'param' && unvaluedNames.has(f.name);
  if (rest.length === 0 && weights.some(unvalued) && !weights.every(unvalued)) {
    rest = weights.filter(unvalued);
    weights = weights.filter((f) => !unvalued(f));
  }
  if (weights.length === 0 || rest.length === 0) return { sign: piece.sign, whole: piece.expr, expr: piece.expr };
  return { sign: piece.sign, whole: piece.expr, expr: product(rest), weight: product(weights) };
}

/**
 * The hyper-parameter a weight names, when it names exactly one outside denominators (`lam`, `0.5 * lam`,
 * `self.lam`, `lam / 2`, `tf.scalar(lam)`); `1 / temperature` names none (see the header).
 */
export function weightParamOf(weight: Expr | undefined): string | undefined {
  if (!weight) return undefined;
  const names = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.kind === 'name') names.add(e.name);
    else if (e.kind === 'attr' || e.kind === 'subscript') names.add(e.text.replace(/\s+/g, ''));
    else if (e.kind === 'unary') visit(e.operand);
    else if (e.kind === 'call' && e.args[0]) visit(e.args[0]);
    else if (e.kind === 'binary') {
      visit(e.left);
      if (e.op !== '/') visit(e.right);
    }
  };
  visit(weight);
  return names.size === 1 ? [...names][0] : undefined;
}

/** The loss's additive pieces, each split into weight and term; `keepWhole` tells a sum that is one term. */
export function splitTerms(body: Expr, named?: (e: Expr) => boolean, keepWhole?: (x: Expr) => boolean, fromHelper?: (e: Expr) => boolean): Piece[] {
  return additivePieces(body, 1, true, keepWhole && ((x) => x !== body && keepWhole(x))).map((p) => splitWeight(p, named, fromHelper));
}
