// The name a same-file function gives a value where the code passes it: `excess = self._parity_violation(logits, gb)`
// with `def _parity_violation(self, logits, group)` calls the batch's third column `group`. A name like `gb` says
// nothing; the parameter it is passed to does, and the trainer's tables read that name when the value's own is unknown
// (LossParam.alias).
import type { Node } from 'web-tree-sitter';
import { namedChildren } from './forward';
import { readParams } from './params';

/** The definition (`def` or `class`) named `name` among a block's statements. */
function definedIn(body: Node | null | undefined, name: string, type: 'function_definition' | 'class_definition'): Node | undefined {
  for (const stmt of namedChildren(body)) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === type && def.childForFieldName('name')?.text === name) return def;
  }
  return undefined;
}

/** The method an object of `cls` runs when called: `forward` (an nn.Module) or `__call__`. */
const calledMethod = (cls: Node): Node | undefined => definedIn(cls.childForFieldName('body'), 'forward', 'function_definition') ?? definedIn(cls.childForFieldName('body'), '__call__', 'function_definition');

/**
 * The class of the file an object held at the module's top level is made from: `crit = ParityGap()`, or `crit =
 * pick("abs")` where the file's `pick` returns `ParityGap()` (its first such return).
 */
function heldClass(name: string, module: Node, block: Node = module): Node | undefined {
  const assigned = namedChildren(block)
    .map((st) => (st.type === 'expression_statement' ? st.namedChild(0) : null))
    .find((a) => a?.type === 'assignment' && a.childForFieldName('left')?.text === name)
    ?.childForFieldName('right');
  const made = assigned?.type === 'call' ? assigned.childForFieldName('function')?.text : undefined;
  if (!made) return undefined;
  const cls = definedIn(module, made, 'class_definition');
  if (cls) return cls;
  const factory = definedIn(module, made, 'function_definition');
  for (const ret of factory?.descendantsOfType('return_statement') ?? []) {
    const value = ret?.namedChild(0);
    const returned = value?.type === 'call' ? definedIn(module, value.childForFieldName('function')?.text ?? '', 'class_definition') : undefined;
    if (returned) return returned;
  }
  return undefined;
}

/** The body of the function `at` is in, if any (where a training function makes its criterion objects). */
function enclosingBody(at: Node): Node | undefined {
  let fn: Node | null = at.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  return fn?.childForFieldName('body') ?? undefined;
}

/**
 * The `def` of `name` in the class around `at` (for `self.name(…)`), at the module's top level (for `name(…)`), or
 * the `forward` of the object a name holds, made at the module's top level or in the function around `at`
 * (`crit(xb, logits, sb)` with `crit = ParityGap()`).
 */
export function definitionOf(callee: Node, at: Node): { def: Node; method: boolean } | undefined {
  const self = callee.type === 'attribute' && callee.childForFieldName('object')?.text === 'self';
  const name = self ? callee.childForFieldName('attribute')?.text : callee.type === 'identifier' ? callee.text : undefined;
  if (!name) return undefined;
  let scope: Node | null = at;
  while (scope && scope.type !== (self ? 'class_definition' : 'module')) scope = scope.parent;
  const def = definedIn(self ? scope?.childForFieldName('body') : scope, name, 'function_definition');
  if (def) return { def, method: self };
  const body = self ? undefined : enclosingBody(at);
  const cls = !self && scope ? ((body && heldClass(name, scope, body)) ?? heldClass(name, scope)) : undefined;
  const method = cls ? calledMethod(cls) : undefined;
  return method ? { def: method, method: true } : undefined;
}

/** The parameter name `value` takes in one call, if the call passes it bare to a function the file defines. */
function parameterAt(call: Node, value: string): string | undefined {
  const args = namedChildren(call.childForFieldName('arguments'));
  const keyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('value')?.text === value);
  if (keyword) return keyword.childForFieldName('name')?.text;
  const position = args.findIndex((a) => a.type === 'identifier' && a.text === value);
  if (position < 0 || args.slice(0, position).some((a) => a.type !== 'identifier' && a.type !== 'attribute' && a.type !== 'call' && a.type !== 'subscript')) return undefined;
  const found = definitionOf(call.childForFieldName('function') ?? call, call);
  if (!found) return undefined;
  const params = readParams(found.def.childForFieldName('parameters')).filter((p) => !p.variadic);
  return params[position + (found.method ? 1 : 0)]?.name;
}

/** The first parameter name a same-file function gives `value` in the statements, if any differs from its own. */
export function passedAs(value: string, statements: readonly Node[]): string | undefined {
  for (const s of statements) {
    for (const call of s.descendantsOfType('call')) {
      const name = call ? parameterAt(call, value) : undefined;
      if (name && name !== value) return name;
    }
  }
  return undefined;
}
