// Where a hyper-parameter's value comes from, first match wins: the trainer's bindings (λ of the run, overrides),
// then arguments bound where the loss is built (`functools.partial(fn, lam=0.5)`, `make_loss(lam=0.5)`,
// `make_loss((0.01, 0.5))`, `Loss(w=4.0)` for the `self.w` its `__init__` sets from `w`), then the default the analysis resolved: a literal in the signature, a module's
// constructor default for `self.x`, a module constant, a list or tuple of literals (`QUANTILES = [0.1, 0.5, 0.9]`).
// A closure value unpacked from another (`tol, lam = settings`) is that value's item, as Python unpacks it.
import type { LossModel, LossParam } from '../../analysis/ir';
import type { Value } from './types';

export function makeLookup(model: LossModel, bindings: Readonly<Record<string, Value>>): (name: string) => Value | undefined {
  const bound = new Map<string, Value>();
  for (const usage of model.usages) {
    if (usage.kind !== 'partial' && usage.kind !== 'factory-call') continue;
    for (const [k, v] of Object.entries(usage.boundArgs ?? {})) if (!bound.has(k)) bound.set(k, v);
    for (const [k, v] of Object.entries(usage.boundItems ?? {})) if (!bound.has(k)) bound.set(k, v);
  }
  const params = new Map<string, LossParam>(model.params.map((p) => [p.name, p]));
  const lookup = (name: string, depth = 0): Value | undefined => {
    if (Object.hasOwn(bindings, name)) return bindings[name];
    const p = params.get(name);
    // `self.w` set from `__init__`'s `w`: a constructor call binds it as `w` (LossParam.initArgument)
    const v = bound.get(name) ?? (p?.initArgument !== undefined ? bound.get(p.initArgument) : undefined);
    if (v !== undefined) return v;
    if (!p) return undefined;
    if (p.default !== undefined) return p.default;
    if (p.items !== undefined) return p.items;
    if (p.unpacks && depth < MAX_UNPACK_DEPTH) {
      const from = lookup(p.unpacks.from, depth + 1);
      return Array.isArray(from) ? from[p.unpacks.index] : undefined;
    }
    return undefined;
  };
  return (name) => lookup(name);
}

/** `a, b = c` chains deeper than this are not followed (a cycle in a malformed IR must not loop). */
const MAX_UNPACK_DEPTH = 8;

/** Hyper-parameters the loss reads that have no value from any source (the trainer must bind them). */
export function unboundParams(model: LossModel): string[] {
  const lookup = makeLookup(model, {});
  return model.params.filter((p) => p.role === 'hyper' && lookup(p.name) === undefined).map((p) => p.name);
}
