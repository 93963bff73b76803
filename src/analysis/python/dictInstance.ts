// `self.loss = LOSSES[loss]` with `loss="l1"` in `__init__` and `LOSSES = {"l1": tf.keras.losses.MeanAbsoluteError(), …}`
// at module level: a registry of loss objects picked by a constructor setting. When the class is built with the
// setting's default (no call passes it), or every call passes the same literal, the attribute is that entry.
import type { Node } from 'web-tree-sitter';
import { argsPassedToClass } from './classCalls';
import { entriesOf } from './dictConstants';
import type { ModuleScope } from './moduleScope';
import { literalOf, type ParamInfo } from './params';

/** The key the class is built with: the literal every constructor call passes, else the parameter's default. */
function settledKey(classNode: Node, param: ParamInfo, index: number): string | undefined {
  const passed = argsPassedToClass(classNode, param.name, index).map((n) => literalOf(n));
  if (passed.length > 0) return passed.every((v) => typeof v === 'string' && v === passed[0]) ? (passed[0] as string) : undefined;
  return typeof param.default === 'string' ? param.default : undefined;
}

/** The entry node `DICT[param]` stands for in a class built as the file builds it, or undefined. */
export function dictEntryInstance(value: Node, classNode: Node, initParams: readonly ParamInfo[], module: ModuleScope | undefined): Node | undefined {
  if (value.type !== 'subscript') return undefined;
  const dict = value.childForFieldName('value');
  const key = value.childForFieldName('subscript');
  const index = key?.type === 'identifier' ? initParams.findIndex((p) => p.name === key.text) : -1;
  if (dict?.type !== 'identifier' || index < 0) return undefined;
  const settled = settledKey(classNode, initParams[index] as ParamInfo, index);
  // the file's top-level `NAME = {…}` (the module scope keeps the last one, as Python rebinds)
  const registry = module?.values?.get(dict.text);
  const entries = settled === undefined || !registry ? undefined : entriesOf(registry);
  return entries?.find(([k]) => k === settled)?.[1];
}
