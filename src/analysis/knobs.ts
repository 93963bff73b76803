// The λ of each penalty, as a user turns it: penalties weighted by the same hyper-parameter share one knob
// (`lam * p1 + lam * p2` is one λ), a penalty weighted by a number literal (`0.1 * p`) or by nothing (its λ is an
// implicit 1) is a knob of its own. A weight the sweep cannot set (an expression such as `1 / temperature`) is held
// as written. Plain TS: the trainer applies a run's knobs, the sweep builds grids over them, write-back edits them.
import { alwaysCalledWith, calledWith } from './bound';
import type { LossModel, Term } from './ir';
import { literalWeightValue } from './literalWeight';

export interface PenaltyKnob {
  /** The hyper-parameter's name (`lam_sum`, `self.beta`), or the penalty's term id for a literal or missing weight. */
  id: string;
  /** For tables and messages: the parameter's name, or `λ[label]` of the penalty. */
  label: string;
  /** The penalty term ids it weights. */
  terms: string[];
  /** The hyper-parameter a run binds; absent: the run replaces the terms' weight (CompileOptions.penaltyWeights). */
  param?: string;
  /** The λ written in the code: a bound argument, a default, the literal; 1 for a penalty without weight. */
  code: number | undefined;
}

/** Numbers bound by a factory call or a partial (the last binding wins, as in src/trial/spec.ts). */
function boundNumber(model: LossModel, name: string): number | undefined {
  let out: number | undefined;
  for (const u of model.usages) {
    const v = u.boundArgs?.[name];
    if (typeof v === 'number' && Number.isFinite(v)) out = v;
  }
  return out;
}

function paramCode(model: LossModel, name: string): number | undefined {
  const bound = boundNumber(model, name);
  if (bound !== undefined) return bound;
  const d = alwaysCalledWith(model).get(name) ?? model.params.find((p) => p.name === name)?.default ?? calledWith(model).get(name);
  return typeof d === 'number' ? d : undefined;
}

/**
 * One term's own knob, when its weight is a literal (bare or wrapped, `tf.scalar(0.1)`: literalWeight.ts) or
 * missing; undefined for a weight the sweep cannot set.
 */
function termKnob(term: Term, model: LossModel): PenaltyKnob | undefined {
  const label = `λ[${term.label}]`;
  if (!term.weight) return { id: term.id, label, terms: [term.id], code: 1 };
  const literal = literalWeightValue(term.weight, model.framework);
  return literal === undefined ? undefined : { id: term.id, label, terms: [term.id], code: literal };
}

/** The knobs of a loss, in the order of their first penalty. */
export function penaltyKnobs(model: LossModel): PenaltyKnob[] {
  const knobs: PenaltyKnob[] = [];
  const byParam = new Map<string, PenaltyKnob>();
  for (const term of model.terms.filter((t) => t.role === 'penalty')) {
    const param = term.weightParam;
    const shared = param ? byParam.get(param) : undefined;
    if (shared) {
      shared.terms.push(term.id);
      continue;
    }
    const knob = param ? { id: param, label: param, terms: [term.id], param, code: paramCode(model, param) } : termKnob(term, model);
    if (!knob) continue;
    if (param) byParam.set(param, knob);
    knobs.push(knob);
  }
  return knobs;
}

/** How one run's knob values enter the interpreter: parameter bindings and per-term weights. */
export function knobCompile(knobs: readonly PenaltyKnob[], lambdas: Readonly<Record<string, number>>): { bindings: Record<string, number>; penaltyWeights: Record<string, number> } {
  const bindings: Record<string, number> = {};
  const penaltyWeights: Record<string, number> = {};
  for (const knob of knobs) {
    const value = lambdas[knob.id];
    if (value === undefined) continue;
    if (knob.param) bindings[knob.param] = value;
    else for (const id of knob.terms) penaltyWeights[id] = value;
  }
  return { bindings, penaltyWeights };
}

/** The knobs a user named (`--penalty lam_sum`, by id, label or a penalty's label), or why a name matches none. */
export function pickKnobs(knobs: readonly PenaltyKnob[], names: readonly string[], termLabels: Readonly<Record<string, string>>): PenaltyKnob[] | string {
  const picked: PenaltyKnob[] = [];
  for (const name of names) {
    const knob = knobs.find((k) => k.id === name || k.label === name || k.terms.some((t) => termLabels[t] === name));
    if (!knob) return `no penalty λ named '${name}' (the loss has ${knobs.map((k) => k.label).join(', ') || 'none'})`;
    if (!picked.includes(knob)) picked.push(knob);
  }
  return picked;
}
