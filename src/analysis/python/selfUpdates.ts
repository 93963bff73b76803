// A weight the training code itself moves: `self.multiplier = max(0.0, self.multiplier + self.dual_lr * excess)` in
// a method of the class (dual ascent), `self.beta += step` (annealing). Its value in `__init__` or the class body is
// where the schedule starts, not the λ of the whole training (LossParam.updatedInTraining).
import type { Node } from 'web-tree-sitter';

const selfAttr = (n: Node | null | undefined): string | undefined =>
  n?.type === 'attribute' && n.childForFieldName('object')?.text === 'self' ? n.childForFieldName('attribute')?.text : undefined;

/** `self.x = … self.x …` or `self.x += …` in a method other than `__init__`: the attributes, as `self.x`. */
export function selfUpdatedAttrs(classNode: Node): Set<string> {
  const out = new Set<string>();
  const methods = (classNode.childForFieldName('body')?.namedChildren ?? [])
    .map((n) => (n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n))
    .filter((n): n is Node => n?.type === 'function_definition' && n.childForFieldName('name')?.text !== '__init__');
  for (const m of methods) {
    for (const a of m.descendantsOfType(['assignment', 'augmented_assignment'])) {
      const attr = selfAttr(a?.childForFieldName('left'));
      if (!a || !attr) continue;
      const reads = a.type === 'augmented_assignment' || new RegExp(String.raw`\bself\s*\.\s*${attr}\b`).test(a.childForFieldName('right')?.text ?? '');
      if (reads) out.add(`self.${attr}`);
    }
  }
  return out;
}
