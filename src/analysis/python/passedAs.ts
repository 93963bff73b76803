// The name a same-file function gives a value where the code passes it: `excess = self._parity_violation(logits, gb)`
// with `def _parity_violation(self, logits, group)` calls the batch's third column `group`. A name like `gb` says
// nothing; the parameter it is passed to does, and the trainer's tables read that name when the value's own is unknown
// (LossParam.alias).
import type { Node } from 'web-tree-sitter';
import { namedChildren } from './forward';
import { readParams } from './params';

/** The `def` of `name` in the class around `at` (for `self.name(…)`) or at the module's top level (for `name(…)`). */
function definitionOf(callee: Node, at: Node): { def: Node; method: boolean } | undefined {
  const self = callee.type === 'attribute' && callee.childForFieldName('object')?.text === 'self';
  const name = self ? callee.childForFieldName('attribute')?.text : callee.type === 'identifier' ? callee.text : undefined;
  if (!name) return undefined;
  let scope: Node | null = at;
  while (scope && scope.type !== (self ? 'class_definition' : 'module')) scope = scope.parent;
  const body = self ? scope?.childForFieldName('body') : scope;
  for (const stmt of namedChildren(body)) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) return { def, method: self };
  }
  return undefined;
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
