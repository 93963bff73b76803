// A training step that runs its module on its batch itself (issue 10 §2): `x, y = batch` and `self(x)` in a helper
// the step calls (`predictions, y = self.shared_step(batch)`, `loss = self._loss(batch)`), so the analysis finds the
// batch as the step's one tensor argument and the model call inside the loss. The trial model stands for the module:
// its call on the batch's input item is the trial model's prediction, and the batch's other item is the targets.
// The user's layout changes around them (`.transpose(1, 2).reshape(-1, nodes)` for a (batch, time, nodes) series)
// are for the user's tensors, not the trial's (N, outputs) prediction and targets, which already line up row for row:
// they are dropped and said in the header. Anything else (a batch of three items, the input read beside the call) is
// left as it is, and the trainer refuses the call by name.
import type { Expr, LossModel, LossParam, Term } from '../analysis/ir';
import { childrenOf } from '../analysis/terms/expr';

/** Methods that run the module (or a model it holds) on their first argument. */
const RUNS_MODULE: ReadonlySet<string> = new Set(['__call__', 'forward']);
/** A model the module holds (`self.model(x)`, `self.net(x)`): the step's helper runs it as the module. */
const HELD_MODEL = /^(model|net|network|backbone|\w*(_model|_net))$/;
/** Methods that only move a tensor's elements into another layout. */
const LAYOUT: ReadonlySet<string> = new Set(['transpose', 'permute', 'reshape', 'view', 'flatten', 'contiguous', 'squeeze', 'unsqueeze', 't']);

type Name = Extract<Expr, { kind: 'name' }>;
type Method = Extract<Expr, { kind: 'method' }>;

export interface StepModelCall {
  /** The step's batch argument (`batch`). */
  batch: string;
  /** The batch item the module runs on, and the one that is the targets. */
  input: number;
  target: number;
  /** The call as written (`self(x)`) and the target item as written (`y`), for the header. */
  callText: string;
  targetText: string;
  /** The layout changes dropped, as written. */
  dropped: string[];
}

const isSelf = (e: Expr): boolean => e.kind === 'name' && e.name === 'self';
const runsModule = (e: Method): boolean =>
  RUNS_MODULE.has(e.method) ? isSelf(e.object) || (e.object.kind === 'attr' && isSelf(e.object.object) && HELD_MODEL.test(e.object.name)) : isSelf(e.object) && HELD_MODEL.test(e.method);

/** `batch[k]` as an unpacking writes it (`x, y = batch`): the item's index, else undefined. */
function itemOf(e: Expr, batch: string): number | undefined {
  if (e.kind !== 'subscript' || !e.unpacked || e.object.kind !== 'name' || e.object.name !== batch) return undefined;
  const at = e.index[0];
  return e.index.length === 1 && at?.kind === 'index' && at.value.kind === 'number' ? at.value.value : undefined;
}

/** The batch item a module call runs on, else undefined. */
function calledOn(e: Expr, batch: string): number | undefined {
  if (e.kind !== 'method' || !runsModule(e)) return undefined;
  const first = e.args[0] ?? e.kwargs['x'] ?? e.kwargs['input'];
  return first ? itemOf(first, batch) : undefined;
}

/** What a layout chain (`p.transpose(1, 2).reshape(-1, n)`) is applied to, when that is a call or an item of the batch. */
function layoutBase(e: Expr, batch: string): Expr | undefined {
  let at = e;
  while (at.kind === 'method' && LAYOUT.has(at.method)) at = at.object;
  return at !== e && (calledOn(at, batch) !== undefined || itemOf(at, batch) !== undefined) ? at : undefined;
}

/** The layout methods of a chain as written, outermost last: `.transpose(1, 2).reshape(-1, nodes)`. */
function layoutText(e: Expr, base: Expr): string {
  const steps: string[] = [];
  for (let at = e; at !== base && at.kind === 'method'; at = at.object) {
    const args = [...at.args.map((a) => a.text), ...Object.entries(at.kwargs).map(([k, a]) => `${k}=${a.text}`)];
    steps.unshift(`.${at.method}(${args.join(', ')})`);
  }
  return steps.join('');
}

interface Survey {
  calls: Set<number>;
  items: Set<number>;
  /** Items read other than as the module's argument or inside a dropped layout chain. */
  readOtherwise: Set<number>;
  callText?: string;
  dropped: string[];
}

function survey(roots: Expr[], batch: string): Survey {
  const s: Survey = { calls: new Set(), items: new Set(), readOtherwise: new Set(), dropped: [] };
  // inside a dropped layout chain's arguments (`x.size(2)`), the input's shape is the user's, never read by the trial
  const visit = (e: Expr, inLayoutArgs: boolean): void => {
    const base = layoutBase(e, batch);
    if (base) {
      s.dropped.push(layoutText(e, base));
      visit(base, inLayoutArgs);
      for (let at = e; at !== base && at.kind === 'method'; at = at.object) for (const a of [...at.args, ...Object.values(at.kwargs)]) visit(a, true);
      return;
    }
    const call = calledOn(e, batch);
    if (call !== undefined) {
      s.calls.add(call);
      s.callText ??= e.text;
      s.items.add(call);
      return;
    }
    const item = itemOf(e, batch);
    if (item !== undefined) {
      s.items.add(item);
      if (!inLayoutArgs) s.readOtherwise.add(item);
      return;
    }
    if (e.kind === 'name' && e.name === batch) s.readOtherwise.add(-1);
    for (const c of childrenOf(e)) visit(c, inLayoutArgs);
  };
  for (const r of roots) visit(r, false);
  return s;
}

const rootsOf = (loss: LossModel): Expr[] => [loss.body, ...loss.terms.flatMap((t) => (t.weight ? [t.expr, t.weight] : [t.expr]))];

/** The step's module call on its batch's input, when the trial model can stand for it; else undefined. */
export function stepModelCall(loss: LossModel): StepModelCall | undefined {
  if (loss.params.some((p) => p.role === 'yPred')) return undefined;
  const batches = loss.params.filter((p) => p.role === 'yTrue');
  const batch = batches[0]?.name;
  if (!batch || batches.length !== 1) return undefined;
  const s = survey(rootsOf(loss), batch);
  const [input] = s.calls;
  if (input === undefined || s.calls.size !== 1 || s.items.size !== 2 || s.readOtherwise.has(-1) || s.readOtherwise.has(input)) return undefined;
  const target = [...s.items].find((i) => i !== input)!;
  const targetText = findText(rootsOf(loss), (e) => itemOf(e, batch) === target) ?? `${batch}[${target}]`;
  return { batch, input, target, callText: s.callText ?? 'self(…)', targetText, dropped: [...new Set(s.dropped)] };
}

function findText(roots: Expr[], match: (e: Expr) => boolean): string | undefined {
  for (const r of roots) {
    if (match(r)) return r.text;
    const inner = findText(childrenOf(r), match);
    if (inner) return inner;
  }
  return undefined;
}

/** A parameter name for the trial's prediction or targets that the loss does not use already. */
const freshName = (loss: LossModel, name: string): string => (loss.params.some((p) => p.name === name) ? `__${name}` : name);

/** A copy of `v` with the module call → the prediction, the target item → the targets, layouts dropped. */
function rewrite<T>(v: T, batch: string, call: StepModelCall, pred: string, target: string): T {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, batch, call, pred, target)) as T;
  if (!v || typeof v !== 'object') return v;
  const e = v as unknown as Expr;
  if ('kind' in e && 'range' in e) {
    const base = layoutBase(e, batch);
    if (base) return rewrite({ ...base, range: e.range, text: e.text } as unknown as T, batch, call, pred, target);
    if (calledOn(e, batch) === call.input) return { kind: 'name', name: pred, ref: 'yPred', range: e.range, text: e.text } as Name as T;
    if (itemOf(e, batch) === call.target) return { kind: 'name', name: target, ref: 'yTrue', range: e.range, text: e.text } as Name as T;
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'range' ? x : rewrite(x, batch, call, pred, target)])) as T;
}

/** The step as the trainer runs it: the module's call is its prediction argument, the batch's other item its targets. */
export function withStepModelCall(loss: LossModel): LossModel {
  const call = stepModelCall(loss);
  if (!call) return loss;
  const [pred, target] = [freshName(loss, 'prediction'), freshName(loss, 'targets')];
  const { range } = loss.params.find((p) => p.name === call.batch)!;
  const pair: LossParam[] = [{ name: pred, role: 'yPred', range }, { name: target, role: 'yTrue', range }];
  return {
    ...loss,
    body: rewrite(loss.body, call.batch, call, pred, target),
    terms: loss.terms.map((t): Term => rewrite(t, call.batch, call, pred, target)),
    params: [...pair, ...loss.params.filter((p) => p.name !== call.batch)],
  };
}

/** The header's line for the mapping. */
export function stepModelCallNote(call: StepModelCall): string {
  const dropped = call.dropped.length > 0 ? `; the layout changes ${call.dropped.map((d) => `\`${d}\``).join(', ')} are dropped (they are for your tensors' layout: the trial's prediction and targets are already (N, outputs))` : '';
  return `\`${call.callText}\` = this model's prediction and \`${call.targetText}\` = the targets (the step runs its module on its batch's input)${dropped}`;
}
