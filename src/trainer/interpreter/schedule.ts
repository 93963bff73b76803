// A λ the code schedules by the training counter (KL warm-up `beta = min(1.0, epoch / WARMUP)`, Lightning's
// `self.current_epoch`, a step count): the trial holds each run's λ fixed, so the schedule is that run's λ, as a
// single literal weight is (compile.ts literalLambda). The code's own λ is the schedule's value at the start of
// training (every counter 0), and the header says so. Only when every penalty is weighted by that one schedule.
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
  if (model.lambdaParam) return undefined;
  const penalties = model.terms.filter((t) => t.role === 'penalty');
  const weight = penalties[0]?.weight;
  if (!weight || penalties.some((t) => t.weight?.text !== weight.text)) return undefined;
  const lookup = makeLookup(model, {});
  const counters = countersIn(weight, lookup);
  if (counters.length === 0) return undefined;
  const start = staticValue(weight, (name) => (counters.includes(name) ? 0 : lookup(name)));
  const out: ScheduledLambda = { text: weight.text, line: weight.range.startLine + 1, counters };
  if (typeof start === 'number' && Number.isFinite(start)) out.start = start;
  return out;
}

/** The header's note on a scheduled λ; none when the loss has none. */
export function scheduleNote(model: LossModel): string[] {
  const s = scheduledLambda(model);
  if (!s) return [];
  const at = s.start === undefined ? '' : ` (${s.start} at the start of training)`;
  return [`λ is scheduled in the code by \`${s.counters.join('`, `')}\`: \`${s.text}\`, line ${s.line}${at}; each run holds its λ fixed for the whole trial`];
}
