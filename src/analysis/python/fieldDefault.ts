// A dataclass (or attrs) field declared with its default inside a call: `multiplier: float = field(init=False,
// default=0.0)`, `lam: float = attr.ib(default=0.1)`. The field starts at that default, as `lam: float = 0.1` would:
// the node of the default is the value a reader takes (and λ write-back edits). `field(default_factory=lambda: BONES)`
// starts at what the lambda returns: each instance gets the module's BONES itself (moduleScope.ts follows the name).
import type { Node } from 'web-tree-sitter';

/** Field declarations whose `default=` is the field's value (a `default_factory` is not one literal). */
const FIELD_CALLS: ReadonlySet<string> = new Set(['field', 'dataclasses.field', 'attr.ib', 'attrs.field', 'attr.attrib', 'attrs.ib']);

/** `lambda: x` (no parameters): x, what every call of the factory returns; else undefined. */
function returnedByFactory(factory: Node | null): Node | undefined {
  if (factory?.type !== 'lambda' || factory.childForFieldName('parameters')) return undefined;
  return factory.childForFieldName('body') ?? undefined;
}

/** The node a class-body value stands for: `field(default=x)`'s x, `field(default_factory=lambda: x)`'s x, else the value itself. */
export function fieldDefault(value: Node): Node {
  if (value.type !== 'call' || !FIELD_CALLS.has(value.childForFieldName('function')?.text ?? '')) return value;
  for (const arg of value.childForFieldName('arguments')?.namedChildren ?? []) {
    const key = arg?.type === 'keyword_argument' ? arg.childForFieldName('name')?.text : undefined;
    if (key === 'default') return arg?.childForFieldName('value') ?? value;
    const made = key === 'default_factory' ? returnedByFactory(arg?.childForFieldName('value') ?? null) : undefined;
    if (made) return made;
  }
  return value;
}
