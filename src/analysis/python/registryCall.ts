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

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');

/** `if name == "step": return make_step_loss` (or `"step" == name`): the key and the returned name, else undefined. */
function keyedReturn(stmt: Node, param: string): [string, string] | undefined {
  const test = stmt.type === 'if_statement' ? stmt.childForFieldName('condition') : undefined;
  const [a, b] = test?.type === 'comparison_operator' && test.children.some((c) => c?.type === '==') ? named(test) : [];
  const key = a?.text === param && b ? literalOf(b) : b?.text === param && a ? literalOf(a) : undefined;
  const body = named(stmt.childForFieldName('consequence'));
  const returned = body.length === 1 && body[0]?.type === 'return_statement' ? named(body[0])[0] : undefined;
  return typeof key === 'string' && returned?.type === 'identifier' ? [key, returned.text] : undefined;
}

/**
 * `get(CONFIG["loss"])` with `def get(name): if name == "step": return make_step_loss …` a function of the file and
 * a key known before training: the name of the function it returns for that key (the outer call calls it), else
 * undefined.
 */
export function registryFunctionPick(call: Node, module: ModuleScope | undefined): string | undefined {
  const callee = call.type === 'call' ? call.childForFieldName('function') : undefined;
  const def = callee?.type === 'identifier' ? module?.functions.get(callee.text) : undefined;
  const params = named(def?.childForFieldName('parameters'));
  const args = named(call.childForFieldName('arguments'));
  if (!def || !module || params.length !== 1 || params[0]?.type !== 'identifier' || args.length !== 1 || args[0]?.type === 'keyword_argument') return undefined;
  const key = settledKey(args[0] as Node, module);
  const param = params[0].text;
  const picked = named(def.childForFieldName('body')).map((s) => keyedReturn(s, param)).find((r) => r?.[0] === key);
  return key === undefined ? undefined : picked?.[1];
}
