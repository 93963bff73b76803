// What the loss reads of its prediction and target, walked from its syntax: the index positions and bounds of its
// subscripts, `.shape[k]`/`.size(k)`, per-output constants, reductions over an axis, reshapes. ./shape.ts turns
// these reads into the per-sample shape of the trial's prediction.
import type { Expr, IndexItem, LossModel } from '../../analysis/ir';
import { childrenOf } from '../../analysis/terms/expr';
import { makeLookup } from '../interpreter/scope';
import { type Known, staticIterations } from '../interpreter/staticValues';
import { flatListLength, knownListLength, literalNumber, tensorConstructors } from './listLengths';
import { oneHotOfTarget } from './oneHot';

export interface Reads {
  /** Highest rank a subscript of y_pred / y_true implies (index positions, or `.shape[k]` + 1). */
  rank: number;
  /** Minimum size per axis (axis 1 … rank-1 of the batch tensor), keyed by axis from the start (≥1) or from the end (<0). */
  minFromStart: Map<number, number>;
  minLast: number;
  /** Lengths of per-output constants. */
  constants: number[];
  /**
   * Where the loss reads the prediction's count of outputs (`torch.eye(probs.shape[1])`, `y_pred.size(-1)`): a matrix
   * or a normaliser sized by it, which one output makes a number.
   */
  outputCount: string[];
  /** Axes (from the start, ≥ 1) the loss slices with a bound (`scores[:, :, 1:]`): in a sequence, its time axis. */
  sliced: Set<number>;
  /**
   * Axes whose size the loss fixes by a reshape (`scores.transpose(2, 1).reshape(-1, N_CLASSES)`: axis 1 holds
   * N_CLASSES values), keyed from the start (≥ 1); read for sequences.
   */
  exact: Map<number, number>;
  /** Where each finding is written, for the explanation. */
  evidence: string[];
  /** Reductions over an axis past the first two (reductionRead): the rank they imply, for the explanation. */
  reduced: string[];
  /**
   * Values known before training: the loss's parameters (constants, defaults, lists) and, inside a loop with static
   * bounds, its variables on the pass being read (`y_pred[:, i + 1]` for i in range(N_OUT - 1)).
   */
  lookup: (name: string) => unknown;
}

export function isTarget(e: Expr): boolean {
  return e.kind === 'name' && (e.ref === 'yPred' || e.ref === 'yTrue');
}

/** Whether `e` reads the prediction or the target anywhere inside it (`torch.sigmoid(logits)`). */
function readsTarget(e: Expr | undefined): boolean {
  if (!e) return false;
  if (isTarget(e)) return true;
  switch (e.kind) {
    case 'call':
      return [...e.args, ...Object.values(e.kwargs)].some(readsTarget);
    case 'method':
      return readsTarget(e.object) || [...e.args, ...Object.values(e.kwargs)].some(readsTarget);
    case 'attr':
      return readsTarget(e.object);
    case 'unary':
      return readsTarget(e.operand);
    case 'binary':
      return readsTarget(e.left) || readsTarget(e.right);
    default:
      return false;
  }
}

/**
 * Differences between neighbouring outputs (`torch.diff(p, dim=1)`, `tf.experimental.numpy.diff`): one output
 * leaves none, and a reduction of nothing is no number (NaN, or on wasm whatever the memory held). Four outputs
 * give a few neighbours to order.
 */
const differences = /(^|\.)diff$/;
const NEIGHBOURS = 4;

function readSubscript(r: Reads, index: IndexItem[], text: string, line: number): void {
  const consuming = index.filter((i) => i.kind === 'index' || i.kind === 'slice').length;
  const ellipsis = index.some((i) => i.kind === 'ellipsis');
  if (!ellipsis) r.rank = Math.max(r.rank, consuming);
  let axis = 0;
  let fromEnd = false;
  for (const it of index) {
    if (it.kind === 'ellipsis') {
      fromEnd = true;
      axis = -(index.slice(index.indexOf(it) + 1).filter((i) => i.kind === 'index' || i.kind === 'slice').length);
      continue;
    }
    if (it.kind === 'newaxis') continue;
    const need = it.kind === 'index' ? neededByIndex(literalNumber(it.value, r.lookup)) : neededBySlice(literalNumber(it.start, r.lookup), literalNumber(it.stop, r.lookup), sizeBeforeMinus(it.stop, r));
    if (it.kind === 'slice' && (it.start || it.stop) && !fromEnd && axis > 0) r.sliced.add(axis);
    if (need !== undefined && (fromEnd || axis > 0)) {
      record(r, fromEnd ? axis : axis, need);
      r.evidence.push(`\`${text}\` (line ${line})`);
    }
    axis += 1;
  }
}

/**
 * TF.js `pred.slice([0, 1], [-1, 11])` / `tf.slice(pred, begin, size)`: axis k holds at least begin[k] + size[k]
 * values (begin[k] + 1 when size[k] is -1, the rest of the axis), as a Python slice's bound says.
 */
function boxSliceRead(r: Reads, begin: Expr | undefined, size: Expr | undefined, text: string, line: number): void {
  const numbers = (e: Expr | undefined) => (e?.kind === 'tuple' ? e.items.map((x) => literalNumber(x, r.lookup)) : undefined);
  const [from, count] = [numbers(begin), numbers(size)];
  if (!from) return;
  r.rank = Math.max(r.rank, from.length);
  from.forEach((b, axis) => {
    const n = count?.[axis];
    if (axis === 0 || b === undefined || b < 0) return;
    const need = n === undefined || n < 0 ? b + 1 : b + n;
    if (b > 0 || (n !== undefined && n >= 0)) r.sliced.add(axis);
    record(r, axis, need);
  });
  r.evidence.push(`\`${text}\` (line ${line})`);
}

const neededByIndex = (i: number | undefined) => (i === undefined ? undefined : i >= 0 ? i + 1 : -i);
function neededBySlice(start: number | undefined, stop: number | undefined, assumed = 0): number | undefined {
  const a = start === undefined ? 0 : start >= 0 ? start + 1 : -start;
  const b = stop === undefined ? 0 : stop >= 0 ? stop : -stop + 1;
  const n = Math.max(a, b, assumed);
  return n > 0 ? n : undefined;
}

/**
 * `img[:, :, :h - 1]` is "all but the last row" of an axis the loss assumes has h entries: compared with `img[:, :, 1:]`
 * it lines up only when the axis holds exactly h, so the data gets h, not h - 1.
 */
function sizeBeforeMinus(stop: Expr | undefined, r: Reads): number {
  if (stop?.kind !== 'binary' || stop.op !== '-') return 0;
  const [size, cut] = [literalNumber(stop.left, r.lookup), literalNumber(stop.right, r.lookup)];
  return size !== undefined && cut !== undefined && size > 0 && cut > 0 ? size : 0;
}

function record(r: Reads, axis: number, need: number): void {
  if (axis === -1) r.minLast = Math.max(r.minLast, need);
  else if (axis > 0) r.minFromStart.set(axis, Math.max(r.minFromStart.get(axis) ?? 0, need));
}

function walk(r: Reads, e: Expr): void {
  const line = e.range.startLine + 1;
  switch (e.kind) {
    case 'subscript':
      if (isTarget(e.object) || sameShapeAsTarget(e.object)) readSubscript(r, e.index, e.text, line);
      // `y_pred.shape[3]`, `y_pred.size()[3]`
      else if (e.object.kind === 'attr' && e.object.name === 'shape' && isTarget(e.object.object)) shapeIndex(r, literalNumber(indexValue(e.index)));
      if (e.object.kind === 'attr' && e.object.name === 'shape' && readsPrediction(e.object.object)) countRead(r, literalNumber(indexValue(e.index)), e.text, line);
      walk(r, e.object);
      for (const it of e.index) for (const x of indexExprs(it)) walk(r, x);
      return;
    case 'call':
      reductionRead(r, e.callee, e.args[0], e.kwargs['axis'] ?? e.kwargs['dim'] ?? e.kwargs['axes'] ?? e.args[1], e.text, line);
      if (differences.test(e.callee) && readsTarget(e.args[0])) {
        const dim = literalNumber(e.kwargs['dim'] ?? e.kwargs['axis'] ?? e.args[2], r.lookup); // (input, n, dim)
        record(r, dim === undefined || dim < 0 ? -1 : dim, NEIGHBOURS);
        r.evidence.push(`differences between neighbouring outputs, \`${e.callee}\` (line ${line})`);
      }
      if (/^tf\.slice$/.test(e.callee) && isTarget(e.args[0])) boxSliceRead(r, e.args[1], e.args[2], e.text, line);
      oneHotRead(r, e, line);
      if (tensorConstructors.test(e.callee) && e.args[0]) {
        const n = flatListLength(e.args[0]) ?? knownListLength(e.args[0], r.lookup);
        if (n !== undefined) {
          r.constants.push(n);
          r.evidence.push(`a constant of ${n} values (line ${line})`);
        }
      }
      for (const a of [...e.args, ...Object.values(e.kwargs)]) walk(r, a);
      return;
    case 'method':
      if (e.method === 'size' && isTarget(e.object)) shapeIndex(r, literalNumber(e.args[0]));
      if (e.method === 'size' && readsPrediction(e.object)) countRead(r, literalNumber(e.args[0]), e.text, line);
      if ((e.method === 'reshape' || e.method === 'view') && e.args.length === 2) reshapeRead(r, e, line);
      if (e.method === 'slice' && isTarget(e.object)) boxSliceRead(r, e.args[0], e.args[1], e.text, line);
      walk(r, e.object);
      for (const a of [...e.args, ...Object.values(e.kwargs)]) walk(r, a);
      return;
    case 'attr':
      walk(r, e.object);
      return;
    case 'unary':
      walk(r, e.operand);
      return;
    case 'binary':
      // `pred.abs() - self.limits` with `limits=[1.5] * 6`: a per-output constant read through a name
      for (const side of [e.left, e.right]) {
        const n = knownListLength(side, r.lookup);
        if (n === undefined) continue;
        r.constants.push(n);
        r.evidence.push(`\`${side.text}\`, a constant of ${n} values (line ${line})`);
      }
      walk(r, e.left);
      walk(r, e.right);
      return;
    case 'conditional':
      for (const x of [e.test, e.then, e.else]) walk(r, x);
      return;
    case 'tuple':
      for (const x of e.items) walk(r, x);
      return;
    case 'overWeights':
      walk(r, e.body);
      return;
    case 'loop':
      walkLoop(r, e);
      return;
    default:
      return;
  }
}

/**
 * The target one-hot encoded with a known depth (`tf.oneHot(yTrue.toInt(), NUM_CLASSES)` compared with the logits):
 * the prediction has one output per class, a per-output constant of that length (data/task.ts makes the targets
 * class indices).
 */
function oneHotRead(r: Reads, e: Extract<Expr, { kind: 'call' }>, line: number): void {
  const encoder = oneHotOfTarget(e);
  const depth = encoder ? literalNumber(encoder.depth, r.lookup) : undefined;
  if (depth === undefined || depth < 2 || !Number.isInteger(depth)) return;
  r.constants.push(depth);
  r.evidence.push(`its targets one-hot encoded as ${depth} classes (\`${e.callee}\`, line ${line})`);
}

/** A loop's body is read once per pass when its bounds are static (each pass indexes other outputs), else once. */
function walkLoop(r: Reads, e: Extract<Expr, { kind: 'loop' }>): void {
  walk(r, e.iterable);
  enumeratedColumns(r, e);
  if (e.init) walk(r, e.init);
  const passes = staticIterations(e, r.lookup) ?? [new Map<string, Known>()];
  const outer = r.lookup;
  for (const vars of passes) {
    r.lookup = (name) => (vars.has(name) ? vars.get(name) : outer(name));
    walk(r, e.body);
  }
  r.lookup = outer;
}

/**
 * `for i, q in enumerate(QUANTILES): … y_pred[:, i] …`: one output column per item of a list known before training,
 * so exactly as many outputs as items (a per-output constant read through its loop).
 */
function enumeratedColumns(r: Reads, e: Extract<Expr, { kind: 'loop' }>): void {
  const [counter] = e.variables;
  const it = e.iterable;
  if (!counter || e.variables.length !== 2 || it.kind !== 'call' || it.callee !== 'enumerate' || !it.args[0]) return;
  const n = knownListLength(it.args[0], r.lookup) ?? flatListLength(it.args[0]);
  if (n === undefined || !indexesPredictionBy(e.body, counter)) return;
  r.constants.push(n);
  r.evidence.push(`one output per item of \`${it.args[0].text}\` (${n}), indexed by \`${counter}\` (line ${e.range.startLine + 1})`);
}

function indexesPredictionBy(e: Expr, counter: string): boolean {
  if (e.kind === 'subscript' && isTarget(e.object) && e.object.kind === 'name' && e.object.ref === 'yPred') {
    if (e.index.some((it) => it.kind === 'index' && it.value.kind === 'name' && it.value.name === counter)) return true;
  }
  return childrenOf(e).some((c) => indexesPredictionBy(c, counter));
}

/**
 * Whether `e` has the prediction's (or the target's) shape: an elementwise combination of them (`r = y_true - y_pred`,
 * `torch.abs(pred - target)`), so that indexing it (`r[:, 1:, :, :]`) indexes theirs.
 */
function sameShapeAsTarget(e: Expr): boolean {
  if (isTarget(e)) return true;
  if (e.kind === 'binary') return ['+', '-', '*', '/'].includes(e.op) && (sameShapeAsTarget(e.left) || sameShapeAsTarget(e.right));
  if (e.kind === 'unary') return e.op === '-' && sameShapeAsTarget(e.operand);
  if (e.kind === 'call') return elementwise.test(e.callee) && e.args[0] !== undefined && sameShapeAsTarget(e.args[0]);
  if (e.kind === 'method') return elementwise.test(e.method) && sameShapeAsTarget(e.object);
  return false;
}

/** Whether `e` is the prediction or an elementwise function of it (`torch.sigmoid(logits)`), whose axes are its own. */
function readsPrediction(e: Expr): boolean {
  if (e.kind === 'name') return e.ref === 'yPred';
  if (e.kind === 'call') return elementwise.test(e.callee) && e.args[0] !== undefined && readsPrediction(e.args[0]);
  if (e.kind === 'method') return elementwise.test(e.method) && readsPrediction(e.object);
  return false;
}

const elementwise = /(^|\.)(sigmoid|softmax|log_softmax|tanh|relu|exp|abs|square|softplus|float|detach|clamp|clip|contiguous|stop_gradient)$/;

/** `probs.shape[1]` or `probs.size(-1)` on a 2-D prediction: the loss sizes something by its count of outputs. */
function countRead(r: Reads, k: number | undefined, text: string, line: number): void {
  if (k === 1 || k === -1) r.outputCount.push(`\`${text}\` (line ${line})`);
}

/**
 * `p.reshape(-1, K)` of a 3-D prediction, or of `p.transpose(2, 1)`: the axis that ends up last holds K values
 * (frames × classes flattened for a frame-wise cross-entropy).
 */
function reshapeRead(r: Reads, e: Extract<Expr, { kind: 'method' }>, line: number): void {
  const [first, second] = e.args;
  const k = literalNumber(second, r.lookup);
  if (literalNumber(first, r.lookup) !== -1 || k === undefined || k < 1) return;
  let axis: number | undefined;
  if (isTarget(e.object)) axis = -1;
  else if (e.object.kind === 'method' && (e.object.method === 'transpose' || e.object.method === 'swapaxes') && isTarget(e.object.object)) {
    const [a, b] = e.object.args.map((x) => literalNumber(x, r.lookup));
    const last = (x: number | undefined) => x === -1 || x === 2;
    axis = last(a) ? b : last(b) ? a : undefined;
  }
  if (axis === undefined) return;
  r.exact.set(axis === -1 ? 2 : axis, k);
  r.evidence.push(`\`${e.text}\` (line ${line})`);
}

/** Reductions whose axis argument names axes of the tensor they reduce. */
const reductions = /(^|\.)(reduce_)?(mean|sum|max|min|prod|std|var|logsumexp)$/;

/** Keras's loss functions (`tf.keras.losses.binary_crossentropy(y, p)`): per sample, the mean over the last axis. */
const lastAxisLosses = /^tf\.(keras\.)?(losses|metrics)\.[a-z_]+$/;

/**
 * How many trailing axes of the prediction `e` has lost: 0 when it has the prediction's shape, 1 for a Keras loss
 * function of it (which averages the last axis away); undefined when unknown.
 */
function axesLost(e: Expr | undefined): number | undefined {
  if (!e) return undefined;
  if (sameShapeAsTarget(e)) return 0;
  if (e.kind === 'call' && lastAxisLosses.test(e.callee) && e.args.slice(0, 2).some((a) => sameShapeAsTarget(a))) return 1;
  return undefined;
}

/**
 * `K.mean(K.square(y_pred - y_true), axis=[1, 2])`, `K.sum(losses.binary_crossentropy(p, y), axis=1)`: a reduction
 * over axis k of the prediction (or of what a Keras loss leaves of it) means the prediction has at least k + 1 axes
 * (k + 2 behind a Keras loss function): a sequence (N, T, F) when k is 2.
 */
function reductionRead(r: Reads, callee: string, x: Expr | undefined, axis: Expr | undefined, text: string, line: number): void {
  if (!axis || !reductions.test(callee)) return;
  const lost = axesLost(x);
  if (lost === undefined) return;
  const axes = (axis.kind === 'tuple' ? axis.items : [axis]).map((a) => literalNumber(a, r.lookup));
  const highest = Math.max(...axes.map((a) => (a === undefined || a < 0 ? 0 : a)));
  if (highest + 1 + lost <= 2) return;
  r.rank = Math.max(r.rank, highest + 1 + lost);
  r.reduced.push(`\`${text.length > 60 ? `${text.slice(0, 57)}…` : text}\` (line ${line})`);
}


function shapeIndex(r: Reads, k: number | undefined): void {
  if (k !== undefined && k >= 0) r.rank = Math.max(r.rank, k + 1);
}

function indexValue(index: IndexItem[]): Expr | undefined {
  const [it] = index;
  return index.length === 1 && it?.kind === 'index' ? it.value : undefined;
}

function indexExprs(it: IndexItem): Expr[] {
  if (it.kind === 'index') return [it.value];
  if (it.kind === 'slice') return [it.start, it.stop, it.step].filter((x): x is Expr => x !== undefined);
  return [];
}

/** Everything `loss` reads of its prediction and target, in its body and its terms. */
export function readSample(loss: LossModel): Reads {
  const r: Reads = { rank: 2, minFromStart: new Map(), minLast: 0, constants: [], outputCount: [], sliced: new Set(), exact: new Map(), evidence: [], reduced: [], lookup: makeLookup(loss, {}) };
  walk(r, loss.body);
  for (const t of loss.terms) walk(r, t.expr);
  return r;
}
