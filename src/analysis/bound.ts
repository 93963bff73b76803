// Arguments bound where a loss is built (a factory call, `functools.partial`, a loss class's constructor call) are
// keyed by the name the call binds: a function's parameter, or the `__init__` parameter a `self.x` copies
// (LossParam.initArgument). These read a parameter's bound value by that key, and a parameter's value known before
// training the way Python binds it: what a call binds, else its default, else the item of another value it
// unpacks (`tol, lam = settings` with `make_loss((0.01, 0.5))`). The trainer's scope reads the same, after its own
// bindings (the run's λ).
import type { LossModel, LossParam, SourceRange, StaticValue } from './ir';

/** The key a call binds the parameter `name` under: `neg_weight` for `self.neg_weight = …(neg_weight)`, else the name. */
export function boundKey(model: LossModel, name: string): string {
  return model.params.find((p) => p.name === name)?.initArgument ?? name;
}


/**
 * What the first plain call of a function loss passes (`objective(out, y, 0.8)`): the value of a parameter that has
 * no default, as it runs there (a default is kept: another call, an evaluation, may pass something else).
 */
export function calledWith(model: LossModel): Map<string, StaticValue> {
  const out = new Map<string, StaticValue>();
  for (const usage of model.usages) {
    for (const [k, v] of Object.entries(usage.passedArgs ?? {})) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

/**
 * The numbers EVERY plain call of a function loss passes, the same in each (`mixture_loss(xb, out, net, lam=LAM_ENC)`
 * its only call): Python never runs the loss with that parameter's default, so the passed value is the code's, over
 * the default. A call that passes nothing, or another value, leaves the default standing.
 */
export function alwaysCalledWith(model: LossModel): Map<string, number> {
  const calls = model.usages.filter((u) => u.kind === 'call');
  const out = new Map<string, number>();
  if (calls.length === 0) return out;
  for (const [k, v] of Object.entries(calls[0]!.passedArgs ?? {})) if (calls.every((u) => u.passedArgs?.[k] === v)) out.set(k, v);
  return out;
}

/** `a, b = c` chains deeper than this are not followed (a cycle in a malformed IR must not loop). */
const MAX_UNPACK_DEPTH = 8;

/**
 * A lookup of the loss's parameter values: `first` (the trainer's bindings) wins, then arguments bound where the
 * loss is built (the first call that binds them, by boundKey), then the default, a list or tuple default, or the
 * item of the value the parameter unpacks.
 */
export function valueLookup<V>(model: LossModel, first: (name: string) => { value: V } | undefined = () => undefined): (name: string) => V | StaticValue | undefined {
  const bound = new Map<string, StaticValue>();
  const called = calledWith(model);
  const always = alwaysCalledWith(model);
  for (const usage of model.usages) {
    if (usage.kind !== 'partial' && usage.kind !== 'factory-call') continue;
    for (const [k, v] of Object.entries(usage.boundArgs ?? {})) if (!bound.has(k)) bound.set(k, v);
    for (const [k, v] of Object.entries(usage.boundItems ?? {})) if (!bound.has(k)) bound.set(k, v);
  }
  const params = new Map<string, LossParam>(model.params.map((p) => [p.name, p]));
  const lookup = (name: string, depth: number): V | StaticValue | undefined => {
    const given = first(name);
    if (given) return given.value;
    const p = params.get(name);
    // `self.w` set from `__init__`'s `w`: a constructor call binds it as `w` (LossParam.initArgument)
    const v = bound.get(name) ?? (p?.initArgument !== undefined ? bound.get(p.initArgument) : undefined);
    if (v !== undefined) return v;
    if (!p) return undefined;
    const passedByAll = always.get(name);
    if (passedByAll !== undefined) return passedByAll;
    if (p.default !== undefined) return p.default;
    if (p.items !== undefined) return p.items;
    const passed = called.get(name);
    if (passed !== undefined) return passed;
    if (p.unpacks && depth < MAX_UNPACK_DEPTH) {
      const from = lookup(p.unpacks.from, depth + 1);
      return Array.isArray(from) ? (from[p.unpacks.index] as V | StaticValue | undefined) : undefined;
    }
    return undefined;
  };
  return (name) => lookup(name, 0);
}

/** The number a parameter holds before training (bound, default, unpacked), if it is one. */
export function staticNumber(model: LossModel, name: string): number | undefined {
  const v = valueLookup(model)(name);
  return typeof v === 'number' ? v : undefined;
}

/**
 * The parameters a call where the loss is built passes a value the analysis does not read (LossUsage.unreadArgs),
 * bound by no other call: the loss does not run with their default. By parameter name, with that call's range.
 */
export function unreadSettings(model: LossModel): Map<string, SourceRange> {
  const bound = new Set<string>();
  const unread = new Map<string, SourceRange>();
  for (const u of model.usages) {
    for (const k of [...Object.keys(u.boundArgs ?? {}), ...Object.keys(u.boundItems ?? {})]) bound.add(k);
    for (const k of u.unreadArgs ?? []) if (!unread.has(k)) unread.set(k, u.range);
  }
  const out = new Map<string, SourceRange>();
  for (const p of model.params) {
    const key = p.initArgument ?? p.name;
    const at = unread.get(key);
    if (at && !bound.has(key)) out.set(p.name, at);
  }
  return out;
}
