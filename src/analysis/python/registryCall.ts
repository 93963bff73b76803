// `criterion = LOSS_REGISTRY[cfg["loss"]](**cfg["loss_kwargs"])`: a module-level dict of the file's loss classes
// (`LOSS_REGISTRY = {"MAE": MAELoss, "SmoothnessReg": SmoothnessRegLoss}`) indexed by a key known before training
// (a literal, or a module constant: the settings dict's entry `cfg['loss']`), then called to build the loss object.
// The object is an instance of the class the key picks.
import type { Node } from 'web-tree-sitter';
import { dictKey, entriesOf } from './dictConstants';
import type { ModuleScope } from './moduleScope';
import { literalOf } from './params';

/** The key a subscript is read with: a literal string, or a module constant (`cfg["loss"]` read as `cfg['loss']`). */
function settledKey(key: Node, module: ModuleScope): string | undefined {
  const literal = literalOf(key);
  if (typeof literal === 'string') return literal;
  const dict = key.type === 'subscript' ? key.childForFieldName('value') : undefined;
  const inner = key.type === 'subscript' ? key.childForFieldName('subscript') : undefined;
  const innerKey = inner ? literalOf(inner) : undefined;
  const constant = dict?.type === 'identifier' && typeof innerKey === 'string' ? module.constants.get(dictKey(dict.text, innerKey))?.value : undefined;
  return typeof constant === 'string' ? constant : undefined;
}

/** The class name `REGISTRY[key](…)` builds (its callee is `fn`), when the registry and the key are known; else undefined. */
export function registryClass(fn: Node, module: ModuleScope | undefined): string | undefined {
  const registry = fn.type === 'subscript' ? fn.childForFieldName('value') : undefined;
  const key = fn.childForFieldName('subscript');
  const dict = registry?.type === 'identifier' ? module?.values?.get(registry.text) : undefined;
  const entries = dict && module && key ? entriesOf(dict) : undefined;
  const picked = entries && key && module ? settledKey(key, module) : undefined;
  const cls = picked === undefined ? undefined : entries?.find(([k]) => k === picked)?.[1];
  return cls?.type === 'identifier' ? cls.text : undefined;
}
