// Which loss a command means when a file holds several: the one named (`--function`), the one at the cursor, else
// the loss that is *used* (compiled, differentiated by `.backward()`, returned by a training step, added with
// add_loss, given to a layer as its regularizer) and has a penalty. Never a helper another loss calls, nor a metric
// (`metrics=` in compile is not a use), picked only because it comes first.
import type { Expr, LossModel, LossUsage } from './ir';
import { some } from './terms/expr';

export type ChoiceReason =
  | 'named'
  | 'cursor'
  | 'compiled'
  | 'backward'
  | 'training_step'
  | 'add_loss'
  | 'regularizer'
  | 'only loss with a penalty'
  | 'first loss with a penalty'
  | 'only loss'
  | 'first loss in the file';

export interface LossChoice {
  ok: true;
  model: LossModel;
  why: ChoiceReason;
  /** One sentence for people: what was chosen and why, and how many others qualified. */
  because: string;
  /** Every other loss of the file, in source order. */
  others: LossModel[];
}

export type ChooseResult = LossChoice | { ok: false; message: string };

export interface ChooseOptions {
  /** `--function NAME`: a loss's name, `Class.method`, or its id (`name:line`). */
  function?: string;
  /** The editor's cursor (zero-based line). */
  cursor?: { line: number };
}

/** Uses that make a loss the one training runs, strongest first (the order breaks ties). */
const uses: readonly { kind: LossUsage['kind']; why: ChoiceReason; says: string }[] = [
  { kind: 'compile', why: 'compiled', says: 'it is passed to compile' },
  { kind: 'training-step', why: 'training_step', says: 'a training step differentiates it' },
  { kind: 'backward', why: 'backward', says: '.backward() is called on it' },
  { kind: 'add-loss', why: 'add_loss', says: 'it is added with add_loss' },
  { kind: 'regularizer', why: 'regularizer', says: 'a layer uses it as its regularizer' },
];

/** How a loss is called on the command line and in messages: `VAE.loss`, `contrastive_loss`. */
export const qualifiedName = (m: LossModel): string => (m.className ? `${m.className}.${m.name}` : m.name);

const hasPenalty = (m: LossModel): boolean => m.terms.some((t) => t.role === 'penalty');
const hasWeightedPenalty = (m: LossModel): boolean => m.terms.some((t) => t.role === 'penalty' && t.weight !== undefined);
const inside = (m: LossModel, line: number): boolean => m.range.startLine <= line && line <= m.range.endLine;

/** Uses by which a loss is ADDED to another (a layer's add_loss, a layer's regularizer), not optimised on its own. */
const additionKinds: ReadonlySet<LossUsage['kind']> = new Set(['add-loss', 'regularizer']);
const isAddition = (m: LossModel): boolean => m.usages.length > 0 && m.usages.every((u) => additionKinds.has(u.kind));
/** A loss the file's own step computes and differentiates (a train_step, a loop's backward): what that step optimises. */
const isOwnStep = (m: LossModel): boolean => m.usages.some((u) => u.kind === 'training-step' || u.kind === 'backward');

/**
 * Additions are optimised only through the loss they are added to: Keras's own fit adds them to the compiled loss,
 * but a step the file writes itself optimises what it computes, and layer penalties it never adds (`self.losses`) are
 * dropped. So when the file has its own step, an addition is not a loss a command means.
 */
function optimisable(models: readonly LossModel[]): { candidates: LossModel[]; dropped: LossModel[] } {
  if (!models.some(isOwnStep)) return { candidates: [...models], dropped: [] };
  return { candidates: models.filter((m) => !isAddition(m)), dropped: models.filter(isAddition) };
}

/** Whether `line` lies inside a loss of the file other than `m` (a use of `m` written there is that loss's). */
export const insideAnotherLoss = (m: LossModel, models: readonly LossModel[], line: number): boolean => models.some((o) => o !== m && inside(o, line));

/** Called from inside another loss of the file: a helper of that loss, not a loss training runs. */
function isHelper(m: LossModel, models: readonly LossModel[]): boolean {
  return m.usages.some((u) => u.kind === 'call' && insideAnotherLoss(m, models, u.range.startLine));
}

/** The loss calls one of its own parameters that has no value (a criterion the caller hands it). */
function callsHandedCallable(m: LossModel): boolean {
  const handed = new Set(m.params.filter((p) => p.default === undefined && p.items === undefined).map((p) => p.name));
  const called = (n: Expr): string | undefined =>
    n.kind === 'call' ? n.callee : n.kind === 'method' && n.method === '__call__' && n.object.kind === 'name' ? n.object.name : undefined;
  return some(m.body, (n) => handed.has(called(n) ?? ''));
}

function strongestUse(m: LossModel): number {
  const ranks = m.usages.map((u) => uses.findIndex((x) => x.kind === u.kind)).filter((r) => r >= 0);
  return ranks.length > 0 ? Math.min(...ranks) : -1;
}

function choice(model: LossModel, models: readonly LossModel[], why: ChoiceReason, because: string): LossChoice {
  return { ok: true, model, why, because, others: models.filter((m) => m !== model) };
}

const plural = (n: number, what: string): string => `${n} other ${what}${n === 1 ? '' : 's'}`;

function byName(models: readonly LossModel[], name: string): ChooseResult {
  const found = models.find((m) => m.name === name || qualifiedName(m) === name || m.id === name);
  if (found) return choice(found, models, 'named', `${qualifiedName(found)} was named`);
  const known = models.map(qualifiedName).join(', ');
  return { ok: false, message: `no loss function named '${name}'${known ? ` (found: ${known})` : ''}` };
}

/** The loss a command means, why, and the others; `ok: false` when there is none or the name matches none. */
export function chooseLoss(analysis: { models: readonly LossModel[] }, options: ChooseOptions = {}): ChooseResult {
  const models = analysis.models;
  if (options.function !== undefined) return byName(models, options.function);
  if (models.length === 0) return { ok: false, message: 'no loss found' };
  if (options.cursor) {
    const line = options.cursor.line;
    const around = models.filter((m) => inside(m, line)).sort((a, b) => a.range.endLine - a.range.startLine - (b.range.endLine - b.range.startLine))[0];
    if (around) return choice(around, models, 'cursor', `the cursor is in ${qualifiedName(around)}`);
  }
  const { candidates, dropped } = optimisable(models);
  const notAdded = dropped.length > 0 ? `; the layer penalties ${dropped.map(qualifiedName).join(', ')} are not added by the file's own step (the framework adds them only in its own fit), so they are not trained` : '';
  const picked = chooseUsed(candidates, models);
  const meant = picked ? followDelegation(picked, models) : undefined;
  return meant ? { ...meant, because: meant.because + notAdded + droppedNote(meant.model) } : { ok: false, message: 'no loss found' };
}

/** LL115 said where the choice is explained: the code's total with a penalty is not what it trains, so neither is it here. */
function droppedNote(model: LossModel): string {
  const d = model.droppedTotal;
  return d ? `; \`${d.name}\` (line ${d.range.startLine + 1}) adds a penalty the code never trains (LL115), so the trial trains \`${d.lossVar}\` as the code does` : '';
}

/** The loss `m` only calls (LossModel.delegatesTo), among the file's: by its name, or by its class for a class's loss. */
const delegateOf = (m: LossModel, models: readonly LossModel[]): LossModel | undefined =>
  m.delegatesTo === undefined ? undefined : models.find((o) => o !== m && (o.name === m.delegatesTo || (o.className ?? o.name) === m.delegatesTo && o.kind === 'module-forward'));

/**
 * A used loss that is one call of another loss of the file (`loss = model.compute_loss(out, batch)`, which returns
 * `self.criterion(out, batch)`): the command means the loss called, the one a reader edits, through any chain of such
 * calls; the use is still what makes it the one.
 */
function followDelegation(picked: LossChoice, models: readonly LossModel[]): LossChoice {
  let model = picked.model;
  const path = [qualifiedName(model)];
  for (let next = delegateOf(model, models); next && !path.includes(qualifiedName(next)); next = delegateOf(model, models)) {
    model = next;
    path.push(qualifiedName(next));
  }
  if (model === picked.model) return picked;
  // the picked loss's own "no penalty" remark is about the call, not the loss it calls
  const use = picked.because.replace(/ \(it has no penalty[^)]*\)/, '');
  const via = path.length > 2 ? ` through ${path.slice(1, -1).join(', ')}` : '';
  return choice(model, models, picked.why, `${qualifiedName(model)}, which ${path[0]} only calls${via}: ${use}`);
}

/** The used loss with a penalty, else the only or first loss with one, else the used one, else the file's own. */
function chooseUsed(candidates: readonly LossModel[], models: readonly LossModel[]): LossChoice | undefined {
  if (candidates.length === 0) return undefined;
  const used = candidates
    .map((m, order) => ({ m, order, rank: strongestUse(m) }))
    .filter((u) => u.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  // among equal uses, a penalty the code weighs (`+ LAMBDA * p`) says a constrained loss more surely than an unweighted
  // second term (a GAN discriminator's `bce(real) + bce(fake)` beside the generator's `adv + LAMBDA * stat`)
  const usedWithPenalty = used.filter((u) => hasPenalty(u.m)).sort((a, b) => a.rank - b.rank || Number(hasWeightedPenalty(b.m)) - Number(hasWeightedPenalty(a.m)) || a.order - b.order);
  if (usedWithPenalty.length > 0) {
    const { m, rank } = usedWithPenalty[0];
    const rest = usedWithPenalty.length - 1;
    const tie = rest > 0 ? `; ${plural(rest, 'used loss')} with a penalty: ${usedWithPenalty.slice(1).map((u) => qualifiedName(u.m)).join(', ')}` : '';
    return choice(m, models, uses[rank].why, `${qualifiedName(m)}: ${uses[rank].says} and it has a penalty${tie}`);
  }
  // what the file's own step differentiates is what it trains, penalty or not: a penalised loss it never uses is not
  // it, unless the step calls a callable it is handed (`loss = perceptual(fake, ref)`), which may be that loss
  const ownStep = used.find((u) => isOwnStep(u.m) && !callsHandedCallable(u.m));
  if (ownStep) return choice(ownStep.m, models, uses[ownStep.rank].why, `${qualifiedName(ownStep.m)}: ${uses[ownStep.rank].says} (it has no penalty; no loss the file optimises has one)`);
  const penalised = candidates.filter((m) => hasPenalty(m) && !isHelper(m, models));
  if (penalised.length > 0) {
    const m = penalised[0];
    return penalised.length === 1
      ? choice(m, models, 'only loss with a penalty', `${qualifiedName(m)} is the only loss with a penalty`)
      : choice(m, models, 'first loss with a penalty', `${qualifiedName(m)} is the first of ${penalised.length} losses with a penalty, none of them used in the file`);
  }
  if (used.length > 0) {
    const { m, rank } = used[0];
    return choice(m, models, uses[rank].why, `${qualifiedName(m)}: ${uses[rank].says} (no loss the file optimises has a penalty)`);
  }
  const own = candidates.find((m) => !isHelper(m, models)) ?? (candidates[0] as LossModel);
  return models.length === 1
    ? choice(own, models, 'only loss', `${qualifiedName(own)} is the only loss in the file`)
    : choice(own, models, 'first loss in the file', `${qualifiedName(own)} is the first loss in the file; none has a penalty or is used`);
}
