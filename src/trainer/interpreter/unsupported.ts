// findUnsupported: every op of a LossModel that the trainer could not evaluate, found from the IR alone (no tfjs),
// so "line N: `tf.foo` is not supported" is shown before training starts.
import type { Expr, Framework, LossModel, OutsideValue, SourceRange } from '../../analysis/ir';
import { childrenOf } from '../../analysis/terms/expr';
import { extraTensorParams, refusedTensorArgs, unprovidedTensor } from '../tensorArgs';
import { OUTSIDE_VALUE_UNKNOWN, UNINTERPRETED_HINT } from './errors';
import { dottedName, weightsLoopMethod } from './evaluate';
import { chainKey } from './modelMembers';
import { MODEL_CALL_REFUSAL, modelReads, modelValueNames, variableCopies } from './modelValues';
import { opTables } from './ops';
import { constructorArgsRefusal, constructorParamNames } from './ops/ctorParams';
import { layerCallees, ownsWeights } from './ops/layers';
import { unhonouredKeyword, unhonouredKeywords } from './ops/lossClasses';
import { outsideRefusal } from './outside';
import { scheduledLambda } from './schedule';
import { makeLookup } from './scope';
import { liveChildrenFor } from './staticBranch';
import { branchChoices, branchRefusal } from './termBranch';
import { emptyNameFilters } from './weightNameFilter';

/** One op the trainer cannot evaluate; `message` says what (the line is in `range`, zero-based). */
export interface UnsupportedOp {
  op: string;
  range: SourceRange;
  message: string;
  /** Every line (1-based) the same refusal applies to, when there are several: it is listed once. */
  lines?: number[];
  /** What the user can do, said once for all the refusals that share it (refusalMessage). */
  hint?: string;
}

/** What to do about ops outside the trainer's tables, said once however many there are. */
export const NOT_IN_TABLE_HINT = 'rewrite those pieces with ops the trainer supports (`loss-lab check` marks each with LL113), or train another loss of the file with --function';

/**
 * The one refusal of a loss: each refused construct once, with its line (or lines), then what to do, once per kind
 * of advice (issue 10 §3).
 */
export function refusalMessage(lossName: string, unsupported: readonly UnsupportedOp[]): string {
  const first = unsupported[0];
  const at = (u: UnsupportedOp) => (u.lines && u.lines.length > 1 ? `lines ${u.lines.join(', ')}` : `line ${u.range.startLine + 1}`);
  const what = unsupported.length === 1 && first && !first.lines ? first.message : unsupported.map((u) => `${at(u)}: ${u.message}`).join('; ');
  const hints = [...new Set(unsupported.flatMap((u) => (u.hint ? [u.hint] : [])))];
  return `${lossName} cannot be trained: ${what}${hints.length > 0 ? `. To train it: ${hints.join('; ')}` : ''}`;
}

/**
 * The sub-expressions the trainer evaluates: the IR's children (analysis/terms/expr.ts), the constructor arguments a
 * called module keeps apart, and for a call of the file's own loss class what its forward runs (ir.ts `forward`).
 */
export const evaluatedChildren = (e: Expr): Expr[] => (e.kind === 'call' && e.forward ? [e.forward] : e.kind === 'call' && e.ctorArgs ? [...childrenOf(e), ...e.ctorArgs] : childrenOf(e));

/** An expression of numbers and names with a value before training: what a new variable is initialised from. */
function madeFromValues(e: Expr, lookup: (name: string) => unknown): boolean {
  if (e.kind === 'number') return true;
  if (e.kind === 'name') return e.ref !== 'yPred' && e.ref !== 'yTrue' && lookup(e.name) !== undefined;
  if (e.kind === 'unary') return madeFromValues(e.operand, lookup);
  if (e.kind === 'binary') return madeFromValues(e.left, lookup) && madeFromValues(e.right, lookup);
  return false;
}

export function findUnsupported(model: LossModel): UnsupportedOp[] {
  const ops = opTables[model.framework];
  const lookup = makeLookup(model, {});
  const hyper = new Set(model.params.map((p) => p.name));
  // Parameters that are neither targets, predictions nor numbers (a model, a batch of inputs): nothing can bind them.
  // Extra tensors (`mu`, `encoded`) are not among them: the tensor-argument table (../tensorArgs.ts) provides the ones
  // the trial model has and refuses the others by name, once.
  const extra = new Set(extraTensorParams(model).map((p) => p.name));
  const objects = new Set(model.params.filter((p) => p.role === 'other' && p.default === undefined && !extra.has(p.name)).map((p) => p.name));
  const found: UnsupportedOp[] = [];
  const seen = new Map<string, UnsupportedOp>();
  const live = liveChildrenFor(model);
  // The same refusal (op and message) on several lines is listed once, with its lines.
  const record = (op: string, range: SourceRange, message: string, hint?: string) => {
    const key = `${op}\u0000${message}`;
    const line = range.startLine + 1;
    const first = seen.get(key);
    if (first) {
      const lines = first.lines ?? [first.range.startLine + 1];
      if (!lines.includes(line)) first.lines = [...lines, line];
      return;
    }
    const item: UnsupportedOp = hint ? { op, range, message, hint } : { op, range, message };
    seen.set(key, item);
    found.push(item);
  };
  // inside a value built outside the loss (outsideValueRefusal), what is refused there is gathered, not reported
  let report = record;
  const outside = new Map<string, string | null>();
  const outsideValueRefusal = (name: string, v: OutsideValue): string | null => {
    if (outside.has(name)) return outside.get(name) ?? null;
    outside.set(name, null); // a value built from itself is refused when evaluated (outside.ts)
    const inner: string[] = [];
    const saved = report;
    report = (_op, range, message) => void inner.push(`line ${range.startLine + 1}: ${message}`);
    try {
      walk(v.expr);
    } finally {
      report = saved;
    }
    const why = inner[0] === undefined ? null : outsideRefusal(name, v, inner[0]);
    outside.set(name, why);
    return why;
  };
  // the model or a layer whose weights the loss reads: the trainer passes the trial model's (modelValues.ts)
  const modelRead = modelReads(model, (visit) => walkExprs(evaluatedExprs(model), visit));
  const models = modelRead.roots;
  const memberKeys = new Set(modelRead.members.map((r) => r.key));
  // a model also run on an input is refused for that call alone (below), not a second time as a model argument
  const called = new Set<string>();
  walkExprs(evaluatedExprs(model), (e) => {
    if (e.kind === 'method' && e.method === '__call__' && e.object.kind === 'name') called.add(e.object.name);
  });
  const tensorArgs = new Map(refusedTensorArgs(model).filter((r) => !models.has(r.name) && !(r.kind === 'model' && called.has(r.name))).map((r) => [r.name, r.message]));
  const notSupported = (op: string) => `\`${op}\` is not supported by the Loss Lab trainer (not in its ${frameworkName[model.framework]} op table)`;

  const walk = (e: Expr): void => {
    if (!knownKinds.has(e.kind)) {
      report(String(e.kind), e.range, `an expression of kind '${String(e.kind)}' is not supported by the Loss Lab trainer`);
      return;
    }
    // a layer the loss builds binds its constructor by its own table (ops/layers.ts)
    if (e.kind === 'call' && !e.forward && ownsWeights(e.callee, model.framework)) {
      // nothing to refuse before training: a keyword it does not honour is refused when it is built
    } else if (e.kind === 'call' && !e.forward && !ops.calls[e.callee]) report(e.callee, e.range, notSupported(e.callee), NOT_IN_TABLE_HINT);
    // a class of the file runs its forward, whose state its constructor arguments already bound (ir.ts `forward`)
    else if (e.kind === 'call' && !e.forward && e.ctorArgs?.length && !constructorParamNames(e.callee, e.ctorArgs.length)) {
      report(e.callee, e.range, constructorArgsRefusal(e.callee, e.range.startLine + 1).replace(/^line \d+: /, ''));
    }
    // a criterion's keyword the trainer does not honour, refused where it is written (the constructor's line)
    if (e.kind === 'call') {
      for (const [key, v] of unhonouredKeywords(e, ops.calls[e.callee])) report(`${e.callee}(${key}=…)`, v.range, unhonouredKeyword(e.callee, key, ops.calls[e.callee]!.keywords!, v.range.startLine + 1));
    }
    // `model(x)` left by ../modelCall.ts (the model run on something other than the loss's input alone): one refusal
    if (e.kind === 'method' && e.method === '__call__' && e.object.kind === 'name') {
      report(`${e.object.name}(…)`, e.range, `\`${e.text}\`: ${MODEL_CALL_REFUSAL}`);
      return;
    }
    if (e.kind === 'method' && !ops.methods[e.method]) report(`.${e.method}`, e.range, notSupported(`.${e.method}`), NOT_IN_TABLE_HINT);
    if (e.kind === 'unsupported') {
      report(e.what, e.range, `${e.what} cannot be interpreted by the Loss Lab trainer (\`${e.text}\`): ${UNINTERPRETED_HINT}`);
    }
    // a helper's body read into the loss refers to the loss's own arguments as captured values: a tensor the table
    // refuses by name is refused there too
    const argument = e.kind === 'name' && (e.ref === 'param' || (e.ref === 'captured' && hyper.has(e.name)));
    if (e.kind === 'name' && argument && tensorArgs.has(e.name)) report(e.name, e.range, tensorArgs.get(e.name)!);
    if (e.kind === 'name' && models.has(e.name)) return;
    if (e.kind === 'name' && e.ref === 'param' && objects.has(e.name) && lookup(e.name) === undefined) {
      report(e.name, e.range, unprovidedTensor(e.name));
    }
    if (e.kind === 'name' && (e.ref === 'global' || e.ref === 'captured') && lookup(e.name) === undefined && ops.constants[e.name] === undefined && !hyper.has(e.name)) {
      const built = e.ref === 'global' && model.outsideValues && Object.hasOwn(model.outsideValues, e.name) ? model.outsideValues[e.name] : undefined;
      const refusal = built ? outsideValueRefusal(e.name, built) : `\`${e.name}\` ${OUTSIDE_VALUE_UNKNOWN}`;
      if (refusal) report(e.name, e.range, refusal);
    }
    if (e.kind === 'attr' && memberKeys.has(chainKey(e) ?? '')) return;
    if (e.kind === 'attr') {
      const dotted = dottedName(e);
      if (dotted !== undefined && (ops.constants[dotted] !== undefined || lookup(dotted) !== undefined)) return;
      // a model object's hidden activations (`vae.logvar`): a tensor argument, provided or refused by the table
      if (dotted !== undefined && extra.has(dotted)) {
        const refusal = tensorArgs.get(dotted);
        if (refusal) report(dotted, e.range, refusal);
        return;
      }
      if (dotted !== undefined && e.object.kind === 'name' && e.object.ref === 'global') {
        report(dotted, e.range, notSupported(dotted), NOT_IN_TABLE_HINT);
        return;
      }
    }
    // a loop over the model's parameters: the trainer passes its weights (evaluate.ts weightItems)
    if (e.kind === 'loop' && weightsLoopMethod(e.iterable)) {
      for (const c of live(e, evaluatedChildren)) if (c !== e.iterable) walk(c);
      return;
    }
    for (const c of live(e, evaluatedChildren)) walk(c);
  };

  // terms read from the branch the code does not run (termBranch.ts): refused first, naming the branch that runs
  const wrongBranch = branchChoices(model).flatMap((c) => {
    const message = branchRefusal(c);
    return message ? [{ op: 'if … else', range: { startLine: c.line - 1, startCol: 0, endLine: c.line - 1, endCol: 0 }, message }] : [];
  });
  for (const e of evaluatedExprs(model)) walk(e);
  // a filter on the parameters' names that keeps none of the trial's would train a zero penalty (weightNameFilter.ts)
  for (const f of emptyNameFilters(model, evaluatedExprs(model))) report('named_parameters()', f.range, f.message);
  return [...wrongBranch, ...found];
}

const knownKinds = new Set<string>(['number', 'string', 'bool', 'none', 'name', 'attr', 'unary', 'binary', 'conditional', 'call', 'method', 'subscript', 'tuple', 'overWeights', 'loop', 'unsupported']);

/**
 * Whether the loss reads the model's parameters (`sum(… for p in model.parameters())`, `next(iter(net.parameters()))`,
 * `layer.get_weights()`): the trainer then passes them.
 */
export function readsModelWeights(model: LossModel): boolean {
  const reads = (e: Expr): boolean => e.kind === 'overWeights' || (e.kind === 'loop' && !!weightsLoopMethod(e.iterable)) || evaluatedChildren(e).some(reads);
  return evaluatedExprs(model).some(reads) || modelValueNames(model, (visit) => walkExprs(evaluatedExprs(model), visit)).size > 0;
}

/** Whether the loss builds and runs layers of its own (ops/layers.ts), whose weights it trains. */
export function buildsLayers(model: LossModel): boolean {
  const lookup = makeLookup(model, {});
  let found = false;
  walkExprs(evaluatedExprs(model), (e) => {
    if (e.kind === 'call' && !e.forward && (ownsWeights(e.callee, model.framework) || (variableCopies[e.callee] && e.args[0] && madeFromValues(e.args[0], lookup)))) found = true;
  });
  return found;
}

/** Calls `visit` on every node of `exprs`. */
export function walkExprs(exprs: readonly Expr[], visit: (e: Expr) => void): void {
  const walk = (e: Expr): void => {
    visit(e);
    for (const c of evaluatedChildren(e)) walk(c);
  };
  for (const e of exprs) walk(e);
}

/**
 * Every expression the trainer evaluates: each term and its weight, or the whole body when there are no terms. A λ
 * scheduled by the training counter is not evaluated: each run holds its own (schedule.ts).
 */
export function evaluatedExprs(model: LossModel): Expr[] {
  if (model.terms.length === 0) return [model.body];
  const scheduled = scheduledLambda(model) !== undefined;
  return model.terms.flatMap((t) => (t.weight && !(scheduled && t.role === 'penalty') ? [t.expr, t.weight] : [t.expr]));
}

const frameworkName: Record<Framework, string> = { keras: 'TensorFlow/Keras', pytorch: 'PyTorch', tfjs: 'TensorFlow.js' };

/** The callees the trainer can evaluate for a framework (for the analysis' supported-op rule). */
export function supportedCallees(framework: Framework): ReadonlySet<string> {
  return memo(calleeSets, framework, () => new Set([...Object.keys(opTables[framework].calls), ...layerCallees(framework)]));
}

/** The tensor methods the trainer can evaluate (`sum` for `x.sum(dim=1)`). */
export function supportedMethods(framework: Framework): ReadonlySet<string> {
  return memo(methodSets, framework, () => new Set(Object.keys(opTables[framework].methods)));
}

const calleeSets = new Map<Framework, ReadonlySet<string>>();
const methodSets = new Map<Framework, ReadonlySet<string>>();

function memo(cache: Map<Framework, ReadonlySet<string>>, framework: Framework, make: () => ReadonlySet<string>): ReadonlySet<string> {
  let set = cache.get(framework);
  if (!set) {
    set = make();
    cache.set(framework, set);
  }
  return set;
}
