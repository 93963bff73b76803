// LL102: `model.compile(loss=fn)` with the bare function: Keras (and TF.js) call fn(y_true, y_pred), so every
// other parameter keeps its default for the whole training; λ "=1.0" in the signature is a constant in disguise.
import { compileFactory, compilePartial } from '../fixes/compile';
import type { Fix } from '../fixes/types';
import { code } from './format';
import type { Check } from './types';

/**
 * A factory passed itself (`loss=make_loss`): whatever its parameters are called, the framework calls it with
 * (y_true, y_pred) in their place and gets the inner function back instead of a loss value.
 */
const checkFactoryPassed: Check = (ctx) => {
  const { model } = ctx;
  const outer = model.params.filter((p) => p.role !== 'yTrue' && p.role !== 'yPred' && !p.name.startsWith('self.'));
  const named = outer.length ? outer.map((p) => code(p.name)).join(', ') : 'no parameters';
  return model.usages
    .filter((u) => u.kind === 'compile' && u.passesFactory)
    .map((u) => ({
      range: u.range,
      message:
        `${code(model.name)} is a factory (it takes ${named} and returns the loss), but compile is given the factory itself: ` +
        `it is called with (${model.yTrue}, ${model.yPred}) in place of ${named} and gives back a function, not a loss value, so training fails ` +
        `or λ is never what you set. Pass what it returns, called with the λ you want: ${code(`${model.name}(…)`)}.`,
      fixes: [],
    }));
};

export const checkLambdaNeverChanges: Check = (ctx) => {
  const { model } = ctx;
  if (model.kind === 'factory') return checkFactoryPassed(ctx);
  if (model.kind !== 'function' && model.kind !== 'arrow') return [];
  // Only the function's own parameters keep their defaults under compile; a module constant is changed where it is.
  const hypers = model.params.filter((p) => (p.role === 'hyper' || p.role === 'other') && (p.origin === undefined || p.origin === 'argument'));
  if (hypers.length === 0) return [];
  const lam = hypers.find((p) => p.name === model.lambdaParam) ?? hypers[0];
  const others = hypers.filter((p) => p !== lam).map((p) => code(p.name));
  return model.usages
    .filter((u) => u.kind === 'compile' && u.passesBareFunction)
    .map((u) => {
      const fixes = [compileFactory(ctx, u), compilePartial(ctx, u)].filter((f): f is Fix => !!f);
      const written = lam.defaultRange ? ctx.text.slice(lam.defaultRange) : String(lam.default);
      const value = lam.default === undefined && !lam.defaultRange ? 'has no default, so the call fails' : `keeps its default ${written}`;
      return {
        range: u.range,
        message:
          `${code(lam.name)}${others.length ? ` (and ${others.join(', ')})` : ''} can never change: ` +
          `${code(model.name)} is passed to compile as a bare function, which is called with (${model.yTrue}, ${model.yPred}) only, ` +
          `so ${code(lam.name)} ${value} for the whole training. ${
            model.language === 'python' ? 'Bind it with a factory or functools.partial.' : 'Pass it explicitly through a closure or a factory.'
          }`,
        fixes,
      };
    });
};
