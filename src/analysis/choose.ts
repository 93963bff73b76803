// Which loss a command means when a file holds several: the one named (`--function`), the one at the cursor, else
// the loss that is *used* (compiled, differentiated by `.backward()`, returned by a training step, added with
// add_loss, given to a layer as its regularizer) and has a penalty. Never a helper another loss calls, nor a metric
// (`metrics=` in compile is not a use), picked only because it comes first.
import type { LossModel, LossUsage } from './ir';

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
  { kind: 'training-step', why: 'training_step', says: 'the training step returns it' },
  { kind: 'backward', why: 'backward', says: '.backward() is called on it' },
  { kind: 'add-loss', why: 'add_loss', says: 'it is added with add_loss' },
  { kind: 'regularizer', why: 'regularizer', says: 'a layer uses it as its regularizer' },
];

/** How a loss is called on the command line and in messages: `VAE.loss`, `contrastive_loss`. */
export const qualifiedName = (m: LossModel): string => (m.className ? `${m.className}.${m.name}` : m.name);

const hasPenalty = (m: LossModel): boolean => m.terms.some((t) => t.role === 'penalty');
const inside = (m: LossModel, line: number): boolean => m.range.startLine <= line && line <= m.range.endLine;

/** Called from inside another loss of the file: a helper of that loss, not a loss training runs. */
function isHelper(m: LossModel, models: readonly LossModel[]): boolean {
  return m.usages.some((u) => u.kind === 'call' && models.some((o) => o !== m && inside(o, u.range.startLine)));
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
  const used = models
    .map((m, order) => ({ m, order, rank: strongestUse(m) }))
    .filter((u) => u.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  const usedWithPenalty = used.filter((u) => hasPenalty(u.m));
  if (usedWithPenalty.length > 0) {
    const { m, rank } = usedWithPenalty[0];
    const rest = usedWithPenalty.length - 1;
    const tie = rest > 0 ? `; ${plural(rest, 'used loss')} with a penalty: ${usedWithPenalty.slice(1).map((u) => qualifiedName(u.m)).join(', ')}` : '';
    return choice(m, models, uses[rank].why, `${qualifiedName(m)}: ${uses[rank].says} and it has a penalty${tie}`);
  }
  const penalised = models.filter((m) => hasPenalty(m) && !isHelper(m, models));
  if (penalised.length > 0) {
    const m = penalised[0];
    return penalised.length === 1
      ? choice(m, models, 'only loss with a penalty', `${qualifiedName(m)} is the only loss with a penalty`)
      : choice(m, models, 'first loss with a penalty', `${qualifiedName(m)} is the first of ${penalised.length} losses with a penalty, none of them used in the file`);
  }
  if (used.length > 0) {
    const { m, rank } = used[0];
    return choice(m, models, uses[rank].why, `${qualifiedName(m)}: ${uses[rank].says} (no loss of the file has a penalty)`);
  }
  const own = models.find((m) => !isHelper(m, models)) ?? models[0];
  return models.length === 1
    ? choice(own, models, 'only loss', `${qualifiedName(own)} is the only loss in the file`)
    : choice(own, models, 'first loss in the file', `${qualifiedName(own)} is the first loss in the file; none has a penalty or is used`);
}
