// Where a hyper-parameter's value comes from, first match wins: the trainer's bindings (λ of the run, overrides),
// then arguments bound where the loss is built (`functools.partial(fn, lam=0.5)`, `make_loss(lam=0.5)`), then the
// literal default in the signature (or a module's constructor default for `self.x`).
import type { LossModel } from '../../analysis/ir';
import type { Value } from './types';

export function makeLookup(model: LossModel, bindings: Readonly<Record<string, Value>>): (name: string) => Value | undefined {
  const bound = new Map<string, Value>();
  for (const usage of model.usages) {
    if (usage.kind !== 'partial' && usage.kind !== 'factory-call') continue;
    for (const [k, v] of Object.entries(usage.boundArgs ?? {})) if (!bound.has(k)) bound.set(k, v);
  }
  const defaults = new Map<string, Value>();
  for (const p of model.params) if (p.default !== undefined) defaults.set(p.name, p.default);
  return (name) => {
    if (Object.hasOwn(bindings, name)) return bindings[name];
    return bound.get(name) ?? defaults.get(name);
  };
}

/** Hyper-parameters the loss reads that have no value from any source (the trainer must bind them). */
export function unboundParams(model: LossModel): string[] {
  const lookup = makeLookup(model, {});
  return model.params.filter((p) => p.role === 'hyper' && lookup(p.name) === undefined).map((p) => p.name);
}
