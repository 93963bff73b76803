// A dataclass (or attrs) field declared with its default inside a call: `multiplier: float = field(init=False,
// default=0.0)`, `lam: float = attr.ib(default=0.1)`. The field starts at that default, as `lam: float = 0.1` would:
// the node of the default is the value a reader takes (and λ write-back edits).
import type { Node } from 'web-tree-sitter';

/** Field declarations whose `default=` is the field's value (a `default_factory` is not one literal). */
const FIELD_CALLS: ReadonlySet<string> = new Set(['field', 'dataclasses.field', 'attr.ib', 'attrs.field', 'attr.attrib', 'attrs.ib']);

/** The node a class-body value stands for: `field(default=x)`'s x, else the value itself. */
export function fieldDefault(value: Node): Node {
  if (value.type !== 'call' || !FIELD_CALLS.has(value.childForFieldName('function')?.text ?? '')) return value;
  for (const arg of value.childForFieldName('arguments')?.namedChildren ?? []) {
    if (arg?.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'default') return arg.childForFieldName('value') ?? value;
  }
  return value;
}
