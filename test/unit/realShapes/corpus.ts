// The real-shapes corpus (test/fixtures/real-shapes/): fixtures written in the shapes of public losses, each with a
// machine-readable `expect:` header line (see the README there). This module reads them and measures each one the
// way a user meets it: the loss a command picks, its base/penalty split and λ, what `loss-lab check` reports, and
// what `loss-lab train` does with it.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { boundKey, staticNumber } from '../../../src/analysis/bound';
import * as analysis from '../../../src/analysis/index';
import type { Expr, LossModel, SourceLanguage } from '../../../src/analysis/ir';
import { isNotebookPath, notebookCells } from '../../../src/analysis/notebook';
import { checkFile } from '../../../src/cli/check';
import { defaults as trainDefaults } from '../../../src/cli/train';
import { type TrainerToHost, TrialSpec } from '../../../src/protocol';
import { scheduleCodeLambda, scheduledLambda } from '../../../src/trainer/interpreter/schedule';
import { runTrial } from '../../../src/trainer/trial';
import { buildTrialSpec, type TrainingSettings } from '../../../src/trial/spec';

export const root = join(__dirname, '..', '..', '..');
export const corpusDir = join(root, 'test', 'fixtures', 'real-shapes');

/** The aspects a fixture is measured on; known-gaps.json lists, per fixture, the aspects it does not meet yet. */
export const ASPECTS = ['loss', 'split', 'findings', 'train', 'learnable'] as const;
export type Aspect = (typeof ASPECTS)[number];

export interface PenaltyExpectation {
  /** The term's name: its variable, or its expression when it has none. */
  name: string;
  /** The effective weight written in the code (sign included); null when the penalty is added without one. */
  lambda: number | null;
}

export interface Expectation {
  shape: string;
  framework: 'keras' | 'pytorch' | 'tfjs';
  /**
   * The loss a command should pick (`Class.method`, a function name, or for an inline loss its variable); null when
   * the file holds no loss to train (the fixture is about a finding). `a|b`: either name is right.
   */
  loss: string | null;
  base: string[];
  penalties: PenaltyExpectation[];
  /** Exactly the rule codes `loss-lab check` should report on the file; every other code is a false alarm. */
  findings: string[];
  /** The penalty reads only model outputs, targets, hidden activations or weights, so it should train. */
  trains: boolean;
  /** The penalty whose violation λ = 10 should bring below half of its value at λ = 0, or null. */
  learnable: string | null;
  /** Held-out: written after the product froze for the unseen measurement. */
  heldOut?: boolean;
}

export interface Fixture {
  file: string;
  path: string;
  language: SourceLanguage;
  expect: Expectation;
}

const LANGUAGES: Record<string, SourceLanguage> = { '.py': 'python', '.ipynb': 'python', '.ts': 'typescript', '.js': 'javascript' };
const EXPECT_LINE = /^\s*(?:#|\/\/)\s*expect:\s*(\{.*\})\s*$/m;

function headerText(path: string): string {
  const text = readFileSync(path, 'utf8');
  if (!isNotebookPath(path)) return text;
  const nb = notebookCells(text);
  return nb.ok ? nb.cells.map((c) => c.source).join('\n') : text;
}

export function listFixtures(): Fixture[] {
  return readdirSync(corpusDir)
    .filter((f) => LANGUAGES[extname(f)] !== undefined)
    .sort()
    .map((file) => {
      const path = join(corpusDir, file);
      const m = EXPECT_LINE.exec(headerText(path));
      if (!m) throw new Error(`${file}: no "expect: {...}" header line`);
      const expect = JSON.parse(m[1]!) as Expectation;
      return { file, path, language: LANGUAGES[extname(file)]!, expect };
    });
}

/**
 * The batches written after the first held-out one (`heldout_*`, since studied and fixed against), each reported on
 * its own figure line beside `all`, all written with `"heldOut": true`. From `sealed_` on, each was written from
 * public code without running Loss Lab on it, from projects no earlier fixture cites, and kept from everyone fixing
 * the code until it was measured; a batch becomes a development set in the session after it is measured.
 */
const LATER_BATCHES: readonly { prefix: string; label: string; what: string }[] = [
  { prefix: 'unseen_', label: 'unseen', what: 'a fresh batch after the first held-out one' },
  { prefix: 'blind_', label: 'blind', what: 'written while the analysis and trainer were being fixed against the others' },
  { prefix: 'sealed_', label: 'sealed', what: 'the first sealed batch' },
  { prefix: 'vault_', label: 'vault', what: 'the second sealed batch' },
  { prefix: 'crypt_', label: 'crypt', what: 'the third sealed batch' },
  { prefix: 'tomb_', label: 'tomb', what: 'the fourth sealed batch' },
  { prefix: 'relic_', label: 'relic', what: 'the fifth sealed batch' },
  { prefix: 'ward_', label: 'ward', what: 'the sixth sealed batch' },
  { prefix: 'keep_', label: 'keep', what: 'the seventh sealed batch' },
  { prefix: 'hold_', label: 'hold', what: 'the eighth sealed batch' },
  { prefix: 'lock_', label: 'lock', what: 'the ninth sealed batch' },
  { prefix: 'mint_', label: 'mint', what: 'the tenth sealed batch' },
  { prefix: 'cask_', label: 'cask', what: 'the eleventh sealed batch' },
  { prefix: 'chest_', label: 'chest', what: 'the twelfth sealed batch' },
  { prefix: 'coffer_', label: 'coffer', what: 'the thirteenth sealed batch' },
  { prefix: 'trove_', label: 'trove', what: 'the fourteenth sealed batch' },
  { prefix: 'hoard_', label: 'hoard', what: 'the fifteenth sealed batch' },
  { prefix: 'cellar_', label: 'cellar', what: 'the sixteenth sealed batch' },
  { prefix: 'attic_', label: 'attic', what: 'the seventeenth sealed batch' },
  { prefix: 'loft_', label: 'loft', what: 'the eighteenth sealed batch' },
];

export const BATCHES: readonly { label: string; has: (fx: Fixture) => boolean }[] = [
  {
    label: 'held-out',
    has: (fx) => fx.expect.heldOut === true && !LATER_BATCHES.some(({ prefix }) => fx.file.startsWith(prefix)),
  },
  ...LATER_BATCHES.map(({ prefix, label }) => ({ label, has: (fx: Fixture) => fx.file.startsWith(prefix) })),
];

export type KnownGaps = Record<string, Partial<Record<Aspect, string>>>;

export function readKnownGaps(): KnownGaps {
  return JSON.parse(readFileSync(join(corpusDir, 'known-gaps.json'), 'utf8')) as KnownGaps;
}

// ---------------------------------------------------------------------------------------------------------------
// Discovery and split

/** Every loss the analysis finds in the file (a notebook: in every code cell with the cells above, as `loss-lab train` reads it). */
export function lossesIn(fx: Fixture): LossModel[] {
  const text = readFileSync(fx.path, 'utf8');
  if (!isNotebookPath(fx.path)) return analysis.analyzeSource(text, fx.language, fx.path).models;
  const nb = notebookCells(text);
  if (!nb.ok || !nb.language) return [];
  // as `loss-lab train` reads a notebook (src/cli/train.ts findLosses): the constants of the cells above count
  return nb.cells.flatMap((c, i) => analysis.analyzeSource(c.source, nb.language!, fx.path, { cellsAbove: nb.cells.slice(0, i), cellsBelow: nb.cells.slice(i + 1) }).models);
}

type Chooser = (a: { language: SourceLanguage; models: LossModel[]; syntaxErrors: [] }, opts: object) => unknown;

/**
 * The loss a command means. When the analysis exports `chooseLoss` (the team's agreed API) it decides; until then,
 * what `loss-lab train` does today: the first loss in the file.
 */
export function chosenLoss(models: LossModel[], language: SourceLanguage = 'python'): LossModel | undefined {
  const choose = (analysis as unknown as { chooseLoss?: Chooser }).chooseLoss;
  if (typeof choose !== 'function') return models[0];
  const r = choose({ language, models, syntaxErrors: [] }, {}) as { model?: LossModel; chosen?: LossModel } | LossModel | undefined;
  if (!r) return undefined;
  if ('terms' in r) return r;
  return r.model ?? r.chosen;
}

/** `a|b` in an expectation: either name is right. */
const alternatives = (expected: string): string[] => expected.split('|').map((s) => s.trim());

/** A loss's name matches the expected one when equal, or when one is the other with a dotted prefix/suffix. */
export function namesMatch(actual: string, expected: string): boolean {
  return alternatives(expected).some(
    (e) => actual === e || actual.endsWith(`.${e}`) || e.endsWith(`.${actual}`) || actual.startsWith(`${e}.`) || e.startsWith(`${actual}.`),
  );
}

/** A term's label names the expected term: the same name, or a call whose last dotted part is that name. */
export function labelMatches(label: string, expected: string): boolean {
  const head = label.split('(')[0]!.trim();
  return alternatives(expected).some((e) => label === e || head === e || head.endsWith(`.${e}`));
}

function paramValue(model: LossModel, name: string): number | undefined {
  // a constructor call binds `self.w` by the `__init__` argument it copies (LossParam.initArgument)
  const key = boundKey(model, name);
  for (const u of model.usages) {
    const v = u.boundArgs?.[key];
    if (typeof v === 'number') return v;
  }
  // the default, or the item of a tuple it unpacks (`tol, lam = settings` bound by `make_loss((0.01, 0.5))`)
  return staticNumber(model, name);
}

/** The number a weight expression stands for, reading λ from the loss's parameters; undefined when unknown. */
export function weightValue(model: LossModel, e: Expr): number | undefined {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'name':
      return paramValue(model, e.name);
    case 'attr':
      return paramValue(model, e.text) ?? paramValue(model, e.name);
    case 'unary': {
      const v = weightValue(model, e.operand);
      return v === undefined ? undefined : e.op === '-' ? -v : v;
    }
    case 'binary': {
      const a = weightValue(model, e.left);
      const b = weightValue(model, e.right);
      if (a === undefined || b === undefined) return undefined;
      if (e.op === '*') return a * b;
      if (e.op === '/') return a / b;
      if (e.op === '**') return a ** b;
      return undefined;
    }
    case 'call':
    case 'method':
      // tf.scalar(0.1), torch.tensor(0.1), K.cast_to_floatx(0.1): the value of their one argument
      return e.args.length === 1 ? weightValue(model, e.args[0]!) : undefined;
    default:
      return undefined;
  }
}

export interface SplitReading {
  base: string[];
  penalties: { name: string; lambda: number | null | undefined }[];
}

export function readSplit(model: LossModel): SplitReading {
  return {
    base: model.terms.filter((t) => t.role === 'base').map((t) => t.label),
    penalties: model.terms
      .filter((t) => t.role === 'penalty')
      .map((t) => {
        if (!t.weight) return { name: t.label, lambda: t.sign === -1 ? -1 : null };
        // a weight scheduled by the training counter (`w * min(1, epoch / warmup)`): the code's λ the product reads
        const scheduled = scheduledLambda(model);
        const v = weightValue(model, t.weight) ?? (scheduled?.text === t.weight.text ? scheduleCodeLambda(scheduled) : undefined);
        return { name: t.label, lambda: v === undefined ? undefined : t.sign * v };
      }),
  };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Why the split differs from the expectation, or undefined when it is right. */
export function splitMismatch(actual: SplitReading, expect: Expectation): string | undefined {
  const bases = [...expect.base];
  if (actual.base.length !== bases.length || !bases.every((b) => actual.base.some((l) => labelMatches(l, b)))) {
    return `base ${JSON.stringify(actual.base)}, expected ${JSON.stringify(bases)}`;
  }
  if (actual.penalties.length !== expect.penalties.length) {
    return `penalties ${JSON.stringify(actual.penalties)}, expected ${JSON.stringify(expect.penalties)}`;
  }
  for (const want of expect.penalties) {
    const got = actual.penalties.find((p) => labelMatches(p.name, want.name));
    if (!got) return `no penalty named ${want.name} (got ${actual.penalties.map((p) => p.name).join(', ') || 'none'})`;
    const ok = want.lambda === null ? got.lambda === null : typeof got.lambda === 'number' && close(got.lambda, want.lambda);
    if (!ok) return `penalty ${want.name}: λ ${String(got.lambda)}, expected ${String(want.lambda)}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// check

export interface CheckReading {
  codes: string[];
  syntaxErrors: number;
}

/** What `loss-lab check` reports on the fixture (the same function the command runs per file). */
export function checkReading(fx: Fixture): CheckReading {
  const reports = checkFile(fx.path, 1_000_000);
  const codes = [...new Set(reports.flatMap((r) => r.findings.map((f) => f.code as string)))].sort();
  return { codes, syntaxErrors: reports.reduce((n, r) => n + r.syntaxErrors.length, 0) };
}

/**
 * Exactly the expected codes. `LL105|LL106` stands for one finding either rule may report (both at once is the same
 * finding reported twice, a false alarm).
 */
export function findingsMismatch(actual: CheckReading, expect: Expectation): string | undefined {
  if (actual.syntaxErrors > 0) return `${actual.syntaxErrors} syntax error(s)`;
  const wanted = expect.findings.map(alternatives);
  const missing = wanted.filter((alts) => !alts.some((c) => actual.codes.includes(c))).map((alts) => alts.join('|'));
  const extra = actual.codes.filter((c) => !wanted.some((alts) => alts.includes(c)));
  for (const alts of wanted) {
    const present = alts.filter((c) => actual.codes.includes(c));
    if (present.length > 1) extra.push(...present.slice(1));
  }
  if (extra.length === 0 && missing.length === 0) return undefined;
  return [extra.length ? `false alarm ${extra.join(', ')}` : '', missing.length ? `missed ${missing.join(', ')}` : ''].filter(Boolean).join('; ');
}

// ---------------------------------------------------------------------------------------------------------------
// train

export const TRAIN_STEPS = 300;

export interface TrainReading {
  exitCode: number | null;
  stderr: string;
  messages: TrainerToHost[];
  seconds: number;
}

/**
 * `loss-lab train`'s defaults, with the runs this corpus compares: λ = 0 and λ = 10 only. The code's λ, a third run
 * the command adds beside them, is not part of the measure (the analysis side checks that λ is read right), and
 * leaving it out takes about a third off the corpus's training time.
 */
const SETTINGS: TrainingSettings = { ...trainDefaults, lambdas: [0, 10], includeCodeLambda: false, steps: TRAIN_STEPS, backend: 'wasm' };

/**
 * What `loss-lab train <fixture> --json --lambda 0,10 --steps 300` does (without the run at the code's λ, above), step for step (the loss picked, the
 * TrialSpec built from it, the trial run, every message kept), in this process: tfjs loads once for the corpus
 * instead of once per fixture. The command itself is tested on the seed examples (test/unit/trainer).
 */
export async function train(fx: Fixture): Promise<TrainReading> {
  const started = Date.now();
  const messages: TrainerToHost[] = [];
  const done = (stderr: string, exitCode: number | null): TrainReading => ({ exitCode, stderr, messages, seconds: (Date.now() - started) / 1000 });
  const model = chosenLoss(lossesIn(fx), fx.language);
  if (!model) return done(`loss-lab train: ${fx.file}: no loss function found`, 2);
  const built = buildTrialSpec(model, SETTINGS, { sourceFile: isNotebookPath(fx.path) ? undefined : fx.path, workspaceDir: root });
  if (!built.ok) return done(`loss-lab train: ${built.message}`, 2);
  const parsed = TrialSpec.safeParse(built.spec);
  if (!parsed.success) return done(`loss-lab train: invalid trial: ${parsed.error.message}`, 2);
  try {
    await runTrial(parsed.data, { send: (m) => messages.push(m), shouldStop: () => false, baseDir: root });
  } catch (e) {
    messages.push({ type: 'error', kind: 'internal', message: `the trainer failed: ${(e as Error).message}`, fatal: true });
  }
  const failed = messages.some((m) => m.type === 'error' && m.fatal);
  return done('', failed ? 1 : 0);
}

type Started = Extract<TrainerToHost, { type: 'started' }>;
type Done = Extract<TrainerToHost, { type: 'done' }>;

/** Why the run does not train with the expected penalty present, or undefined when it does. */
export function trainMismatch(r: TrainReading, expect: Expectation): string | undefined {
  const started = r.messages.find((m): m is Started => m.type === 'started');
  const done = r.messages.find((m): m is Done => m.type === 'done');
  if (!expect.trains) {
    // Should be refused in one clear sentence, never trained silently on something else.
    if (done) return 'trained, but its penalty uses something the trial model cannot provide (it should be refused)';
    return whyNot(r).startsWith('exit ') ? 'no message saying why it was not trained' : undefined;
  }
  if (!started) return `not started: ${whyNot(r)}`;
  const penalties = started.terms.filter((t) => t.role === 'penalty');
  const names = expect.penalties.map((p) => p.name);
  // A file whose loss has no penalty (a regulariser defined but never added, say) trains right without one.
  if (penalties.length === 0 && names.length > 0) return 'trained with no penalty term';
  if (names.length > 0 && !penalties.some((t) => names.some((n) => labelMatches(t.label, n)))) {
    return `trained with penalties ${penalties.map((t) => t.label).join(', ')}, none of ${names.join(', ')}`;
  }
  if (!done) return `did not finish: ${whyNot(r)}`;
  const bad = done.summaries.find((s) => s.status !== 'completed');
  if (bad) return `run λ=${bad.lambda} ${bad.status}${bad.message ? `: ${bad.message}` : ''}`;
  return undefined;
}

/** A reason fit for known-gaps.json: the first line, without this machine's paths. */
const firstLine = (s: string): string => (s.split('\n').find((l) => l.trim() !== '')?.trim() ?? '').replaceAll(`${corpusDir}/`, '').replaceAll(root, '.');

/** What went wrong, as the user was told: the trainer's fatal error, else the command's own message. */
function whyNot(r: TrainReading): string {
  const error = r.messages.find((m): m is Extract<TrainerToHost, { type: 'error' }> => m.type === 'error' && m.fatal);
  return firstLine(error?.message ?? '') || firstLine(r.stderr) || `exit ${r.exitCode}`;
}

/** The learnable penalty's violation at the end of the runs at λ = 0 and λ = 10. */
export function violations(r: TrainReading, expect: Expectation): { free: number; strict: number } | string {
  const started = r.messages.find((m): m is Started => m.type === 'started');
  const done = r.messages.find((m): m is Done => m.type === 'done');
  if (!started || !done || !expect.learnable) return 'not trained';
  const term = started.terms.find((t) => t.role === 'penalty' && labelMatches(t.label, expect.learnable!));
  if (!term) return `no penalty named ${expect.learnable}`;
  const at = (lambda: number): number | undefined => {
    const s = done.summaries.find((x) => x.lambda === lambda);
    const f = s?.final;
    if (!f) return undefined;
    return f.violations[term.id] ?? f.terms[term.id]?.raw;
  };
  const free = at(0);
  const strict = at(10);
  if (free === undefined || strict === undefined) return 'no final values for λ = 0 and λ = 10';
  return { free, strict };
}

export function learnableMismatch(r: TrainReading, expect: Expectation): string | undefined {
  const v = violations(r, expect);
  if (typeof v === 'string') return v;
  return v.strict < 0.5 * v.free ? undefined : `violation λ=10 ${v.strict.toPrecision(3)} vs λ=0 ${v.free.toPrecision(3)}`;
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring, and the ratchet

/** Per aspect: undefined when the fixture meets its expectation, else why not. */
export type Measurement = Partial<Record<Aspect, string | undefined>>;

/** The aspects read without training: the loss picked, its split and λ, the check's findings. */
export function measureStatic(fx: Fixture): Measurement {
  const models = lossesIn(fx);
  const chosen = chosenLoss(models, fx.language);
  const { expect } = fx;
  const out: Measurement = {};
  if (expect.loss === null) {
    out.loss = chosen ? `picked ${chosen.name} although the file holds no loss to train` : undefined;
  } else {
    const found = models.map((m) => m.name).join(', ') || 'none';
    out.loss = !chosen ? `no loss found` : namesMatch(chosen.name, expect.loss) ? undefined : `picked ${chosen.name} (found: ${found})`;
    out.split = chosen ? splitMismatch(readSplit(chosen), expect) : 'no loss found';
  }
  out.findings = findingsMismatch(checkReading(fx), expect);
  return out;
}

/** The aspects read from `loss-lab train`. */
export function measureTraining(fx: Fixture, r: TrainReading): Measurement {
  const out: Measurement = { train: trainMismatch(r, fx.expect) };
  if (fx.expect.learnable) out.learnable = learnableMismatch(r, fx.expect);
  return out;
}

/**
 * The ratchet: an aspect listed in known-gaps.json must still fail (a fix forces its removal from the list), and
 * one not listed must hold. Returns the problems, one sentence each.
 */
export function ratchet(fx: Fixture, measured: Measurement, gaps: KnownGaps): string[] {
  const problems: string[] = [];
  const known = gaps[fx.file] ?? {};
  for (const aspect of ASPECTS) {
    if (!(aspect in measured)) continue;
    const why = measured[aspect];
    if (known[aspect] !== undefined && why === undefined) {
      problems.push(`${fx.file}: ${aspect} now meets its expectation: remove it from known-gaps.json (it said: ${known[aspect]})`);
    }
    if (known[aspect] === undefined && why !== undefined) problems.push(`${fx.file}: ${aspect}: ${why}`);
  }
  return problems;
}

/**
 * False alarms per rule: for each code `loss-lab check` reported where the fixture does not expect it, on how many
 * of the fixtures (the issue's bar: no check wrong on more than 1 in 10).
 */
export function falseAlarmsPerRule(fixtures: readonly Fixture[]): string {
  const counts = new Map<string, number>();
  for (const fx of fixtures) {
    const wanted = fx.expect.findings.flatMap(alternatives);
    for (const code of checkReading(fx).codes) if (!wanted.includes(code)) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}/${fixtures.length}`);
  return parts.length > 0 ? parts.join(', ') : `none of ${fixtures.length}`;
}

/** `N/M` of the fixtures measured on `aspect` that meet it. */
export function figure(results: { measured: Measurement }[], aspect: Aspect): string {
  const applicable = results.filter((r) => aspect in r.measured);
  const met = applicable.filter((r) => r.measured[aspect] === undefined);
  return `${met.length}/${applicable.length}`;
}
