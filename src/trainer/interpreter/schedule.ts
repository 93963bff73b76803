// A λ the code schedules by the training counter (KL warm-up `beta = min(1.0, epoch / WARMUP)`, Lightning's
// `self.current_epoch`, a step count): the trial holds each run's λ fixed, so the schedule is that run's λ, as a
// single literal weight is (compile.ts literalLambda). The code's own λ is the value the schedule settles at (a
// warm-up's target, `w` in `w * min(1, epoch / warmup)`: the λ the model trains with for most of its training and the
// number a reviewer calls its λ), else its value at the start of training (a decay, a ramp with no ceiling: every
// counter 0); the header says both. Only when every penalty is weighted by that one schedule.
import type { Expr, LossModel } from '../../analysis/ir';
import { isTrainingCounter } from '../../analysis/terms/counters';
import { some } from '../../analysis/terms/expr';
import { dottedName } from './evaluate';
import { makeLookup } from './scope';
import { staticValue } from './staticValues';


export interface ScheduledLambda {
  /** The schedule as written (`min(1.0, epoch / WARMUP)`) and its 1-based line. */
  text: string;
  line: number;
  /** The counters it reads (`epoch`, `self.current_epoch`). */
  counters: string[];
  /** Its value at the start of training (every counter 0), when it is a number. */
  start?: number;
  /** The value it settles at when it rises to a ceiling (a warm-up's target), when it does. */
  settled?: number;
}

/** Counter values far into training: a schedule equal at both has settled there. */
const FAR = [1e9, 1e12];
/** Values tried for a setting the schedule reads that has no static value. */
const UNKNOWN_STAND_INS = [1, 7];

/** The code's λ of a schedule: where a warm-up settles, else its start (see the header). */
export function scheduleCodeLambda(s: ScheduledLambda): number | undefined {
  return s.settled ?? s.start;
}

/** The counters `e` reads that nothing gives a value (a counter the loss takes as a parameter is a setting). */
function countersIn(e: Expr, known: (name: string) => unknown): string[] {
  const out = new Set<string>();
  some(e, (n) => {
    const name = n.kind === 'name' || n.kind === 'attr' ? dottedName(n) : undefined;
    const free = n.kind === 'attr' || (n.kind === 'name' && (n.ref === 'global' || n.ref === 'captured'));
    if (name && free && isTrainingCounter(name) && known(name) === undefined) out.add(name);
    return false;
  });
  return [...out];
}

/** The schedule weighting every penalty, if the loss has one (see the header). */
export function scheduledLambda(model: LossModel): ScheduledLambda | undefined {
  const penalties = model.terms.filter((t) => t.role === 'penalty');
  const weight = penalties[0]?.weight;
  if (!weight || penalties.some((t) => t.weight?.text !== weight.text)) return undefined;
  const lookup = makeLookup(model, {});
  const counters = countersIn(weight, lookup);
  if (counters.length === 0) return undefined;
  const start = staticValue(weight, (name) => (counters.includes(name) ? 0 : lookup(name)));
  const out: ScheduledLambda = { text: weight.text, line: weight.range.startLine + 1, counters };
  if (typeof start === 'number' && Number.isFinite(start)) out.start = start;
  // far into training, a setting with no static value (`self.params.warmup_epochs`) may not matter: `min(1.0, (epoch +
  // 1) / warmup)` settles at 1 whatever the warm-up's length; the value counts only when two stand-ins agree
  const far = FAR.flatMap((n) => UNKNOWN_STAND_INS.map((u) => staticValue(weight, (name) => (counters.includes(name) ? n : (lookup(name) ?? u)))));
  const [a] = far;
  const b = far.every((v) => v === a) ? a : undefined;
  // a ceiling above the start (a warm-up); a decay's floor is below it and keeps the start
  if (typeof a === 'number' && a === b && Number.isFinite(a) && (out.start === undefined || Math.abs(a) > Math.abs(out.start))) out.settled = a;
  return out;
}

/** The header's note on a scheduled λ; none when the loss has none. */
export function scheduleNote(model: LossModel): string[] {
  const s = scheduledLambda(model);
  if (!s) return [];
  const start = s.start === undefined ? undefined : `${s.start} at the start of training`;
  const at = s.settled !== undefined ? ` (${start ? `${start}, ` : ''}settling at ${s.settled}, the code's λ here)` : start ? ` (${start})` : '';
  return [`λ is scheduled in the code by \`${s.counters.join('`, `')}\`: \`${s.text}\`, line ${s.line}${at}; each run holds its λ fixed for the whole trial`];
}
