// A loss that takes the model and runs it itself (`def loss(model, x, y): pred = model(x); …`, Keras custom loops'
// `loss_fn(model, x, y, training)`): the model argument called on the loss's input is the trial model's prediction.
// The analysis writes `model(x)` as `model.__call__(x)` and takes `x` (the tensor the model is called on) as the
// prediction argument; the trainer passes that argument the trial model's output, so each call of the model on it
// becomes the argument itself. Only when every read of the input is such a call: an input read otherwise (a
// reconstruction compared with `x`, a gradient with respect to it) keeps the call, which the trainer refuses by name.
// `model.parameters()` beside it is the trial model's weights as before (interpreter/modelValues.ts).
import type { Expr, LossModel, Term } from '../analysis/ir';
import { childrenOf, some } from '../analysis/terms/expr';
import { isPredictionName } from '../analysis/terms/roles';
import { stepModelCall, stepModelCallNote, withStepModelCall } from './stepModelCall';

/** Methods that run the model on its input (a training flag or keywords beside it change nothing here); TF.js: `predict`, `apply`. */
const RUNS_MODEL: ReadonlySet<string> = new Set(['__call__', 'forward', 'predict_on_batch', 'predict', 'apply', 'predictOnBatch']);
/** A model the loss's class holds (`this.model.predict(x)`, `self.net(x)`): an attribute of self/this named as a model. */
const HELD_MODEL = /^(model|net|network|\w*(Model|Net|_model|_net))$/;

/** The model a call runs: a parameter of the loss, or a model attribute of its own object; else undefined. */
function modelObject(e: Expr): string | undefined {
  if (e.kind === 'name' && e.ref === 'param') return e.name;
  const own = e.kind === 'attr' && e.object.kind === 'name' && (e.object.name === 'this' || e.object.name === 'self');
  return own && HELD_MODEL.test(e.name) ? e.text : undefined;
}

interface Called {
  /** The model argument. */
  model: string;
  /** The argument it is called on: the analysis' prediction argument. */
  input: string;
}

const isInput = (e: Expr | undefined, input: string): boolean => e?.kind === 'name' && e.ref === 'yPred' && e.name === input;

function modelCall(e: Expr, input: string): string | undefined {
  if (e.kind !== 'method') return undefined;
  // Python writes `self.net(x)` as the method `net` of `self`
  const ownCall = e.object.kind === 'name' && e.object.name === 'self' && HELD_MODEL.test(e.method) ? `self.${e.method}` : undefined;
  const model = ownCall ?? (RUNS_MODEL.has(e.method) ? modelObject(e.object) : undefined);
  if (!model) return undefined;
  return isInput(e.args[0] ?? e.kwargs['x'] ?? e.kwargs['inputs'], input) ? model : undefined;
}

/** Models called on the input, and whether the input is read anywhere outside those calls. */
function survey(roots: Expr[], input: string): { models: Set<string>; readsInputOtherwise: boolean } {
  const models = new Set<string>();
  let readsInputOtherwise = false;
  const visit = (e: Expr): void => {
    const model = modelCall(e, input);
    if (model) {
      models.add(model);
      return;
    }
    if (isInput(e, input)) readsInputOtherwise = true;
    for (const c of childrenOf(e)) visit(c);
  };
  for (const r of roots) visit(r);
  return { models, readsInputOtherwise };
}

/** A copy of `v` with each model call on the input replaced by the input (the trial model's prediction). */
function rewrite<T>(v: T, input: string): T {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, input)) as T;
  if (!v || typeof v !== 'object') return v;
  const e = v as unknown as Expr;
  if ('kind' in e && modelCall(e, input)) {
    const call = e as Extract<Expr, { kind: 'method' }>;
    return { ...(call.args[0] ?? call.kwargs['x'] ?? call.kwargs['inputs'])!, range: call.range, text: call.text } as T;
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'range' ? x : rewrite(x, input)])) as T;
}

/** Whether the held model is also run on something else than the input. */
function runsOnOther(roots: Expr[], model: string, input: string): boolean {
  const other = (e: Expr): boolean =>
    e.kind === 'method' && !modelCall(e, input) && (`${e.object.text}.${e.method}` === model || (RUNS_MODEL.has(e.method) && e.object.text === model));
  return roots.some((r) => some(r, other));
}

const stillReads = (roots: Expr[], name: string): boolean => roots.some((r) => some(r, (e) => e.kind === 'name' && e.name === name));

/** What the rewrite did, for the panel's header; undefined when the loss does not call a model on its input. */
export function modelCalledOnInput(loss: LossModel): Called | undefined {
  const input = loss.params.find((p) => p.role === 'yPred')?.name;
  if (!input) return undefined;
  const { models, readsInputOtherwise } = survey([loss.body, ...loss.terms.map((t) => t.expr)], input);
  const [model] = models;
  if (!model || models.size !== 1 || readsInputOtherwise) return undefined;
  // a model the class holds runs on the loss's input (`states`, `x`), never on its prediction or its target: a
  // feature network applied to both (`self.feature_net(pred)`, `self.feature_net(target)`) is a perceptual loss
  const held = model.includes('.');
  if (held && (isPredictionName(input) || runsOnOther([loss.body, ...loss.terms.map((t) => t.expr)], model, input))) return undefined;
  return { model, input };
}

/**
 * The loss as the trainer runs it: `model(x)` → `x`, which the trainer binds to its trial model's output. The model
 * argument is dropped from the parameters when nothing else reads it (else `model.parameters()` still gets the
 * trial model's weights).
 */
export function withModelCallsAsPrediction(loss: LossModel): LossModel {
  const called = modelCalledOnInput(loss);
  // a training step running its module on its batch (`self(x)` with `x, y = batch`): ./stepModelCall.ts
  if (!called) return withStepModelCall(loss);
  const body = rewrite(loss.body, called.input);
  const terms = loss.terms.map((t): Term => rewrite(t, called.input));
  const roots = [body, ...terms.flatMap((t) => (t.weight ? [t.expr, t.weight] : [t.expr]))];
  const params = stillReads(roots, called.model) ? loss.params : loss.params.filter((p) => p.name !== called.model);
  return { ...loss, body, terms, params };
}

/** The trial header's line for a model call the trainer maps to its prediction, or undefined when there is none. */
export function modelCallNote(loss: LossModel): string | undefined {
  const called = modelCalledOnInput(loss);
  if (called) return `\`${called.model}(${called.input})\` = this model's prediction (the loss runs its model argument on its input)`;
  const step = stepModelCall(loss);
  return step && stepModelCallNote(step);
}
