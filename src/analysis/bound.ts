// Arguments bound where a loss is built (a factory call, `functools.partial`, a loss class's constructor call) are
// keyed by the name the call binds: a function's parameter, or the `__init__` parameter a `self.x` copies
// (LossParam.initArgument). These read a parameter's bound value by that key.
import type { LossModel } from './ir';

/** The key a call binds the parameter `name` under: `neg_weight` for `self.neg_weight = …(neg_weight)`, else the name. */
export function boundKey(model: LossModel, name: string): string {
  return model.params.find((p) => p.name === name)?.initArgument ?? name;
}

