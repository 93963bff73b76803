// A loss written in a class is built by that class's constructor call, and just as well by a subclass's: a
// Lightning base whose `training_step` is the loss and a model deriving from it (`RidgeNet(12, 32, lam=0.05)`), an
// `nn.Module` loss specialised by a subclass that only changes its defaults (`class StrongTV(TVLoss)`). The
// subclass's call binds the attributes the loss reads (`self.lam`) by the parameters of the `__init__` that runs:
// the subclass's own, else the nearest in-file base's.
import type { Node } from 'web-tree-sitter';
import type { LossModel } from '../ir';
import { names } from './discover';
import { methodsOf } from './helperCalls';
import type { ModuleScope } from './moduleScope';
import { readParams } from './params';
import { fileBases } from './selfCalls';

export interface SubclassCtor {
  model: LossModel;
  /** The parameter names (after self) of the `__init__` the subclass's call runs. */
  names: string[];
}

/** The class a model's constructor call builds: a loss class's own name, or the class a method-shaped loss is in. */
const builtClass = (m: LossModel, builtByClass: (m: LossModel) => boolean): string | undefined =>
  m.kind === 'module-forward' ? m.name : builtByClass(m) ? m.className : undefined;

/** The `__init__` parameters a call of `cls` binds: its own `__init__`'s, else its nearest in-file base's. */
function initNamesOf(cls: Node, module: ModuleScope): string[] | undefined {
  const init = [cls, ...fileBases(cls, module)].map((c) => methodsOf(c).get('__init__')).find((m) => !!m);
  return init ? names(readParams(init.childForFieldName('parameters'))) : undefined;
}

/**
 * A class's factory methods (`def as_keras_loss(self): def centred(yt, yp): … self.center …; return centred`), by
 * the class's name, each with what its constructor call binds: `pinned = MeanPinnedLoss(10, 0.5)` then
 * `compile(loss=pinned.as_keras_loss())` runs the closure with the `self.x` that call's arguments set.
 */
export function factoryMethodConstructors(models: readonly LossModel[], taken: ReadonlyMap<string, LossModel>, module: ModuleScope | undefined): Map<string, SubclassCtor> {
  const out = new Map<string, SubclassCtor>();
  for (const m of models) {
    if (m.kind !== 'factory' || !m.className || taken.has(m.className) || out.has(m.className)) continue;
    if (!m.params.some((p) => p.origin === 'constructor')) continue;
    const cls = module?.classes?.get(m.className);
    const names = cls ? initNamesOf(cls, module!) : undefined;
    if (names) out.set(m.className, { model: m, names });
  }
  return out;
}

/** In-file subclasses (by name) whose constructor call builds one of `models`, each with what its call binds. */
export function subclassConstructors(models: readonly LossModel[], taken: ReadonlyMap<string, LossModel>, builtByClass: (m: LossModel) => boolean, module: ModuleScope | undefined): Map<string, SubclassCtor> {
  const out = new Map<string, SubclassCtor>();
  if (!module?.classes) return out;
  const subclasses = subclassIndex(module);
  for (const m of models) {
    const name = builtClass(m, builtByClass);
    const cls = name ? module.classes.get(name) : undefined;
    if (!cls) continue;
    for (const sub of subclasses.get(cls.id) ?? []) {
      const subName = sub.childForFieldName('name')?.text;
      if (!subName || taken.has(subName) || out.has(subName)) continue;
      out.set(subName, { model: m, names: initNamesOf(sub, module) ?? [] });
    }
  }
  return out;
}

/**
 * Each class's in-file subclasses (direct or not, in the order they are written), by the class's node id: one walk
 * of the file's classes, where asking fileSubclasses per loss walked them all once per loss (a file of hundreds of
 * losses paid it on every edit).
 */
function subclassIndex(module: ModuleScope): Map<number, Node[]> {
  const index = new Map<number, Node[]>();
  for (const c of module.classes?.values() ?? []) {
    for (const base of fileBases(c, module)) index.set(base.id, [...(index.get(base.id) ?? []), c]);
  }
  return index;
}
