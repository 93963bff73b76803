// LL103: λ ≤ 0 by default. Zero turns the constraint off; a negative λ rewards violating it.
import { alwaysCalledWith, boundKey, valueLookup } from '../bound';
import { setNumber } from '../fixes/lambda';
import type { Expr, LossModel, LossParam, SourceRange } from '../ir';
import { numberValue } from './expr';
import { code, termLabel } from './format';
import type { Check, Report } from './types';

const effect = (v: number): string =>
  v === 0 ? 'turns the constraint off' : 'rewards violating the constraint (the optimiser pushes the penalty up)';

/**
 * True when the default is never what the loss runs with: every place that builds the loss (a factory call, a
 * constructor call, `functools.partial`) binds the parameter to a positive number, and nothing uses the loss
 * unbuilt (passed bare to `compile`, or a plain function called directly, which may keep its default). Such a
 * default ≤ 0 is a placeholder (`make_loss(mass_weight=0.05)` over `mass_weight=0.0`), not a disabled penalty;
 * a binding ≤ 0 is still reported at the call below. So is a plain function's default every call overrides.
 */
function defaultNeverUsed(model: LossModel, p: LossParam, key: string): boolean {
  // a plain function every call of which passes a positive value (`mixture_loss(xb, out, net, lam=LAM_ENC)`)
  const passed = alwaysCalledWith(model).get(key);
  if (passed !== undefined && passed > 0 && !model.usages.some((u) => u.passesBareFunction || u.passesFactory)) return true;
  const builds = model.usages.filter((u) => u.kind === 'factory-call' || u.kind === 'partial');
  if (builds.length === 0) return false;
  if (model.usages.some((u) => u.passesBareFunction || u.passesFactory)) return false;
  if ((p.origin ?? 'argument') === 'argument' && model.usages.some((u) => u.kind === 'call')) return false;
  return builds.every((u) => {
    const v = u.boundArgs?.[key];
    return typeof v === 'number' && v > 0;
  });
}

/**
 * `-self.lambda_reg`, `-lam`: a positive setting negated where it weights the penalty (`variance = -self.lam *
 * reduce_mean(…)` given to add_loss), so the weight the loss trains with is negative; its value, else undefined.
 */
function negatedSetting(model: LossModel, weight: Expr): number | undefined {
  if (weight.kind !== 'unary' || weight.op !== '-' || (weight.operand.kind !== 'name' && weight.operand.kind !== 'attr')) return undefined;
  const v = valueLookup(model)(weight.operand.text.replace(/\s+/g, ''));
  return typeof v === 'number' && v > 0 ? -v : undefined;
}

export const checkLambdaNotPositive: Check = (ctx) => {
  const { model } = ctx;
  const out: Report[] = [];
  const seen = new Set<string>();
  for (const t of model.terms) {
    if (t.role !== 'penalty' || !t.weight) continue;
    const literal = numberValue(t.weight);
    if (literal !== undefined && literal <= 0) {
      out.push({
        range: t.weight.range,
        termId: t.id,
        message: `The weight ${ctx.text.slice(t.weight.range)} of penalty ${termLabel(t)} ${effect(literal)}. Use a positive weight.`,
        fixes: [setNumber(t.weight.range, 'Set the weight to 1.0')],
      });
      continue;
    }
    const negated = negatedSetting(model, t.weight);
    if (negated !== undefined) {
      const written = ctx.text.slice(t.weight.range);
      const positive = written.replace(/^-\s*/, '');
      out.push({
        range: t.weight.range,
        termId: t.id,
        message: `The weight ${code(written)} of penalty ${termLabel(t)} is ${negated}, which ${effect(negated)}. Use a positive weight.`,
        fixes: [{ title: `Weight by ${positive}`, edits: [{ range: t.weight.range, newText: positive }], isPreferred: true }],
      });
      continue;
    }
    const name = t.weightParam;
    if (!name || seen.has(name)) continue;
    seen.add(name);
    const p = model.params.find((q) => q.name === name);
    // a multiplier the training moves (dual ascent from 0) starts there on purpose
    if (typeof p?.default !== 'number' || p.default > 0 || p.updatedInTraining || defaultNeverUsed(model, p, boundKey(model, name))) continue;
    const range: SourceRange = p.defaultRange ?? p.range;
    out.push({
      range,
      termId: t.id,
      message: `λ ${code(name)} defaults to ${p.default}, which ${effect(p.default)} for ${termLabel(t)}. Use a positive default.`,
      fixes: p.defaultRange ? [setNumber(p.defaultRange, `Set the default of ${name} to 1.0`)] : [],
    });
  }
  const lam = model.lambdaParam && boundKey(model, model.lambdaParam);
  for (const u of model.usages) {
    const v = lam ? u.boundArgs?.[lam] : undefined;
    // a call in another notebook cell is reported in that cell's own analysis, not at this cell's positions
    if (!lam || typeof v !== 'number' || v > 0 || u.cell !== undefined) continue;
    // The keyword as written in the call (`lam=0.0`), when it is one.
    const written = ctx.text.slice(u.range);
    const m = new RegExp(`(?<![\\w.$])${lam}\\s*=\\s*([-+]?\\s*[\\d.]+(?:[eE][-+]?\\d+)?)`).exec(written);
    const at = m ? ctx.text.start(u.range) + m.index + m[0].length - m[1].length : -1;
    out.push({
      range: u.range,
      message: `λ ${code(lam)} is bound to ${v} here, which ${effect(v)}.`,
      fixes: m ? [setNumber(ctx.text.range(at, at + m[1].length), `Bind ${lam} to 1.0`)] : [],
    });
  }
  return out;
};
