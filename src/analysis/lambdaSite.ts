// Where the λ of a loss is written, so "Use λ = x" can change it there: the literal a factory call or partial
// binds (`make_loss(lam=0.5)`), a parameter default (`lam=1.0`, `lambda = 2`), a value resolved from scope
// (module constant, class attribute, constructor default: a LossParam with `defaultRange`), a module constant
// the scope did not resolve (`LAMBDA = 0.1`, `const LAMBDA = tf.scalar(0.1)`), or a literal weight
// (`ce + 0.3 * p`, `tf.scalar(0.3).mul(p)`: literalWeight.ts). The first place in that order that holds a number literal wins: it is the one that sets
// the λ the loss runs with. Anything else is refused with a reason the user can act on.
import { boundKey } from './bound';
import { applyEdits } from './fixes/apply';
import { SourceText } from './fixes/text';
import type { TextEdit } from './fixes/types';
import type { LossModel, ParamOrigin, SourceRange } from './ir';
import { type PenaltyKnob, penaltyKnobs } from './knobs';
import { literalOfWeight } from './literalWeight';

export interface LambdaSite {
  /** The number literals to replace (one, or every equal literal weight of the penalties). */
  ranges: SourceRange[];
  /** As written, e.g. `1.0`. */
  literal: string;
  value: number;
  /** For messages: "the default of lambda_param (line 3)". */
  where: string;
}

export type LambdaLocation = { ok: true; site: LambdaSite } | { ok: false; reason: string };

export const NUMBER = String.raw`[-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?`;
const parseLiteral = (s: string): number | undefined => {
  const t = s.trim().replace(/_/g, '');
  if (!new RegExp(`^${NUMBER}$`).test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
};

type Finder = (model: LossModel, text: SourceText) => LambdaLocation | undefined;
const line = (r: SourceRange) => r.startLine + 1;

/** `make_loss(lam=0.5)` / `partial(loss, lam=0.5)`: the last call that binds λ by keyword (it is the one used). */
const boundByCall: Finder = (model, text) => {
  // `self.w` is bound as `w` by the constructor call (LossParam.initArgument)
  const key = model.lambdaParam && boundKey(model, model.lambdaParam);
  // a call in another notebook cell is that cell's text: notebookSites.ts edits it there
  const usage = [...model.usages].reverse().find((u) => key && u.cell === undefined && u.boundArgs && key in u.boundArgs);
  if (!key || !usage) return undefined;
  // bound through a name (`beta=args.sparsity_lambda`, `lam=LAM`): the literal is where that name is set
  const at = usage.boundAt?.[key];
  // a positional literal of the call itself (`train(net, loader, 5, 1e-4)`) is recorded where it is written too
  const inCall = at && text.start(at) >= text.start(usage.range) && text.end(at) <= text.end(usage.range);
  if (at && inCall) return site(text, text.start(at), text.slice(at), `the argument ${key} of the call on line ${line(usage.range)}`);
  if (at) return site(text, text.start(at), text.slice(at), `${key}= of the call on line ${line(usage.range)}, set on line ${line(at)}`);
  const from = text.start(usage.range);
  const call = text.text.slice(from, text.end(usage.range));
  const m = new RegExp(String.raw`\b${escapeRegExp(key)}\s*=\s*(${NUMBER})(?=\s*[,)])`).exec(call);
  if (!m) return { ok: false, reason: `λ (${key}) is bound by the call on line ${line(usage.range)}, but not as a number literal` };
  const start = from + m.index + m[0].length - m[1]!.length;
  return site(text, start, m[1]!, `the argument ${key}= of the call on line ${line(usage.range)}`);
};

const originNames: Record<ParamOrigin, string> = {
  argument: 'the default of',
  factory: 'the factory default of',
  closure: 'the enclosing value of',
  'module-constant': 'the module constant',
  'class-attribute': 'the class attribute',
  constructor: 'the constructor default of',
  'notebook-cell': 'the notebook constant',
  argparse: 'the command-line default of',
};

/** `objective(out, y, 0.8)` for a λ parameter with no default: the number the first call passes, where it is written. */
const passedByCall: Finder = (model, text) => {
  const name = model.lambdaParam;
  const param = model.params.find((p) => p.name === name);
  if (!name || !param || param.default !== undefined || param.items !== undefined) return undefined;
  const usage = model.usages.find((u) => u.passedAt?.[name]);
  const at = usage?.passedAt?.[name];
  if (!usage || !at) return undefined;
  return site(text, text.start(at), text.slice(at), `the argument ${name} of the call on line ${line(usage.range)}`);
};

/** A parameter (or a value the scope resolved) with a literal default. */
const paramDefault: Finder = (model, text) => {
  const param = model.params.find((p) => p.name === model.lambdaParam);
  if (!param?.defaultRange) return undefined;
  const origin = param.origin;
  // Another cell's text: this document's ranges do not reach it (read before slicing this text at that range).
  if (origin === 'notebook-cell') return { ok: false, reason: `λ (${param.name}) is set in cell ${param.cell ?? '?'} (line ${line(param.defaultRange)}): change it there` };
  const literal = text.slice(param.defaultRange);
  if (parseLiteral(literal) === undefined) return { ok: false, reason: `λ (${param.name}) is set by \`${literal}\` on line ${line(param.defaultRange)}, not a number literal` };
  const assigned = param.name.startsWith('self.') ? (text.lines[param.defaultRange.startLine] ?? '').includes(`${param.name}`) : false;
  // origin 'constructor' covers `self.w = w` (the default of w) and `self.w = 0.25` (the attribute itself)
  const what =
    origin === 'constructor' && assigned ? 'the attribute' : origin && origin !== 'argument' ? originNames[origin] : param.name.startsWith('self.') ? (assigned ? 'the attribute' : 'the constructor default of') : 'the default of';
  return site(text, text.start(param.defaultRange), literal, `${what} ${param.name} (line ${line(param.defaultRange)})`);
};

/** `LAMBDA = 0.1` / `const LAMBDA = 0.1` / `const LAMBDA = tf.scalar(0.1)` at the top level of the file. */
const moduleConstant: Finder = (model, text) => {
  const name = model.lambdaParam;
  if (!name || !/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
  const pattern = new RegExp(String.raw`^(?:(?:export\s+)?(?:const|let|var)\s+)?${escapeRegExp(name)}\s*(?::\s*[\w.]+\s*)?=\s*(?:tf\.scalar\(\s*)?(${NUMBER})\s*(?:\)\s*)?;?\s*(?:#.*|//.*)?$`);
  const found = text.lines.map((l, i) => ({ i, m: pattern.exec(l) })).filter((x) => x.m);
  if (found.length === 0) return undefined;
  if (found.length > 1) return { ok: false, reason: `${name} is assigned at the top level ${found.length} times (lines ${found.map((f) => f.i + 1).join(', ')}): change the one you use` };
  const { i, m } = found[0]!;
  const col = m!.index + m![0].indexOf(m![1]!, m![0].indexOf('=') + 1);
  return site(text, text.offsetAt(i, col), m![1]!, `the module constant ${name} (line ${i + 1})`);
};

/** `ce + 0.3 * p`: the penalties' literal weight (every penalty weighted by that same literal). */
const literalWeight: Finder = (model, text) => {
  if (model.lambdaParam) return undefined;
  const penalties = model.terms.filter((t) => t.role === 'penalty');
  if (penalties.length === 0) return undefined;
  const unweighted = penalties.find((t) => !t.weight);
  if (unweighted) return { ok: false, reason: `the penalty '${unweighted.label}' (line ${line(unweighted.range)}) has no λ: add one first (quick fix "Add λ")` };
  const weights = penalties.map((t) => t.weight!);
  // the number itself, also inside a wrapper (`tf.scalar(0.01)`): that number is what the edit replaces
  const literals = weights.flatMap((w) => literalOfWeight(w, model.framework) ?? []);
  if (literals.length < weights.length) return { ok: false, reason: `the penalty's weight \`${weights.find((w) => !literalOfWeight(w, model.framework))!.text}\` is not a number literal or a parameter` };
  const values = new Set(literals.map((w) => w.value));
  if (values.size > 1) return { ok: false, reason: `the penalties have different weights (${literals.map((w) => w.text).join(', ')}): one λ cannot be written for them` };
  // a weight standing for equal literals written apart (ir.ts alsoWritten) sets each of them
  const ranges = [...literals.map((w) => w.range), ...weights.flatMap((w) => w.alsoWritten ?? [])];
  const literal = text.slice(ranges[0]!);
  return { ok: true, site: { ranges, literal, value: parseLiteral(literal) ?? Number.NaN, where: `the weight ${literal} on line ${ranges.map(line).join(', ')}` } };
};

const finders: Finder[] = [boundByCall, passedByCall, paramDefault, moduleConstant, literalWeight];

export function findLambdaSite(model: LossModel, source: string): LambdaLocation {
  const text = new SourceText(source);
  for (const find of finders) {
    const found = find(model, text);
    if (found) return found;
  }
  if (!model.terms.some((t) => t.role === 'penalty')) return { ok: false, reason: `${model.name} has no penalty term, so no λ to set` };
  const name = model.lambdaParam ?? 'λ';
  return { ok: false, reason: `λ (${name}) is not a literal in this file (it is set at run time or imported): set it where it is assigned` };
}

/** The literal for `value`, in the style of the one it replaces (`1.0` → `10.0`, `1e-3` stays exponential). */
export function formatLambdaLiteral(value: number, previous: string): string {
  let s = Number.parseFloat(value.toPrecision(6)).toString();
  if (/[eE]/.test(previous) && value !== 0 && !/e/.test(s)) s = Number.parseFloat(value.toPrecision(6)).toExponential().replace('e+', 'e');
  if (/[.eE]/.test(previous) && !/[.eE]/.test(s)) s += '.0';
  return s;
}

/** The edits that write `value` where λ lives, or the reason they cannot. */
export function lambdaEdits(model: LossModel, source: string, value: number): { ok: true; edits: TextEdit[]; where: string; previous: number } | { ok: false; reason: string } {
  if (!Number.isFinite(value)) return { ok: false, reason: `λ = ${value} is not a finite number` };
  const found = findLambdaSite(model, source);
  if (!found.ok) return found;
  const { site } = found;
  const newText = formatLambdaLiteral(value, site.literal);
  return { ok: true, edits: site.ranges.map((range) => ({ range, newText })), where: site.where, previous: site.value };
}

/** `source` with λ set to `value` (the CLI's --write), or the reason it cannot be. */
export function writeLambda(model: LossModel, source: string, value: number): { ok: true; text: string; where: string } | { ok: false; reason: string } {
  const edits = lambdaEdits(model, source, value);
  return edits.ok ? { ok: true, text: applyEdits(source, edits.edits), where: edits.where } : edits;
}

function site(text: SourceText, start: number, literal: string, where: string): LambdaLocation {
  const value = parseLiteral(literal);
  if (value === undefined) return { ok: false, reason: `${where} is \`${literal}\`, not a number literal` };
  return { ok: true, site: { ranges: [text.range(start, start + literal.length)], literal, value, where } };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One knob's value to write (Recommendation.lambdas). */
export interface KnobValue {
  id: string;
  label: string;
  value: number;
}

type KnobEdits = { ok: true; edits: TextEdit[]; where: string[] } | { ok: false; reason: string };

/** The edits of one knob: its parameter's site (as for the one λ), or its penalty's literal weight. */
function knobEdit(model: LossModel, knob: PenaltyKnob, source: string, value: number): KnobEdits {
  if (knob.param) {
    const found = lambdaEdits({ ...model, lambdaParam: knob.param }, source, value);
    return found.ok ? { ok: true, edits: found.edits, where: [found.where] } : { ok: false, reason: `${knob.label}: ${found.reason}` };
  }
  const term = model.terms.find((t) => t.id === knob.terms[0]);
  const weight = literalOfWeight(term?.weight, model.framework);
  if (!term || !weight) return { ok: false, reason: `the penalty '${term?.label ?? knob.label}' has no λ: add one first (quick fix "Add λ")` };
  const text = new SourceText(source);
  const literal = text.slice(weight.range);
  if (parseLiteral(literal) === undefined) return { ok: false, reason: `the weight of '${term.label}' is \`${literal}\`, not a number literal` };
  // the same λ written again elsewhere (ir.ts alsoWritten) is set with it
  const ranges = [weight.range, ...(term.weight?.alsoWritten ?? [])];
  return { ok: true, edits: ranges.map((range) => ({ range, newText: formatLambdaLiteral(value, literal) })), where: [`the weight of '${term.label}' (line ${ranges.map(line).join(', ')})`] };
}

/**
 * The edits that write every penalty's λ (a sweep over several), as one list: the editor applies them as one
 * WorkspaceEdit (one undo step), the CLI in one write. A knob whose value is the code's is left as it is; any knob
 * that cannot be written refuses the whole set, with its reason, so the code never holds half an answer.
 */
export function knobEdits(model: LossModel, source: string, values: readonly KnobValue[]): KnobEdits {
  const knobs = penaltyKnobs(model);
  const edits: TextEdit[] = [];
  const where: string[] = [];
  for (const v of values) {
    if (!Number.isFinite(v.value)) return { ok: false, reason: `${v.label} = ${v.value} is not a finite number` };
    const knob = knobs.find((k) => k.id === v.id);
    if (!knob) return { ok: false, reason: `${v.label} is no longer a penalty λ of ${model.name}` };
    if (knob.code === v.value) continue;
    const one = knobEdit(model, knob, source, v.value);
    if (!one.ok) return one;
    edits.push(...one.edits);
    where.push(...one.where);
  }
  return { ok: true, edits, where };
}

/** `source` with every knob set (the CLI's --write), or the reason it cannot be. */
export function writeKnobs(model: LossModel, source: string, values: readonly KnobValue[]): { ok: true; text: string; where: string } | { ok: false; reason: string } {
  const found = knobEdits(model, source, values);
  return found.ok ? { ok: true, text: applyEdits(source, found.edits), where: found.where.join(', ') || 'nowhere (every λ is already the code\'s)' } : found;
}
