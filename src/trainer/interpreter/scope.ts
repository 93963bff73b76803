// Where a hyper-parameter's value comes from, first match wins: the trainer's bindings (λ of the run, overrides),
// then arguments bound where the loss is built (`functools.partial(fn, lam=0.5)`, `make_loss(lam=0.5)`,
// `make_loss((0.01, 0.5))`, `Loss(w=4.0)` for the `self.w` its `__init__` sets from `w`), then the default the
// analysis resolved: a literal in the signature, a module's constructor default for `self.x`, a module constant, a
// list or tuple of literals (`QUANTILES = [0.1, 0.5, 0.9]`). A closure value unpacked from another (`tol, lam =
// settings`) is that value's item, as Python unpacks it. The order is the analysis' (bound.ts valueLookup).
import { valueLookup } from '../../analysis/bound';
import type { LossModel } from '../../analysis/ir';
import { absentArgs } from '../tensorArgs';
import type { Value } from './types';

export function makeLookup(model: LossModel, bindings: Readonly<Record<string, Value>>): (name: string) => Value | undefined {
  const values = valueLookup<Value>(model, (name) => (Object.hasOwn(bindings, name) ? { value: bindings[name] as Value } : undefined));
  // an argument whose default is None (`mask=None`) and that nothing passes is None (../tensorArgs.ts absentArgs)
  const absent = new Set(absentArgs(model));
  return (name) => {
    const v = values(name);
    return v === undefined && absent.has(name) ? null : v;
  };
}

/** Hyper-parameters the loss reads that have no value from any source (the trainer must bind them). */
export function unboundParams(model: LossModel): string[] {
  const lookup = makeLookup(model, {});
  return model.params.filter((p) => p.role === 'hyper' && lookup(p.name) === undefined).map((p) => p.name);
}
