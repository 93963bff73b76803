// A script's `if __name__ == "__main__":` block runs at module level: what it assigns (`cfg = Config(l1_weight=2e-4)`
// before `train(model, cfg)`, also inside a `for run in range(3):` around the experiment) binds module globals the
// functions it calls read, as a top-level assignment does.
import type { Node } from 'web-tree-sitter';
import { mayAssignDict, readDictConstants } from './dictConstants';
import { type ModuleScope, mayAssignConstant, readModuleAssignment, readModuleInstance } from './moduleScope';
import { readModuleValue } from './outsideValues';

/** `if __name__ == "__main__":` (either quote, either side). */
const mainGuard = /^__name__\s*==\s*['"]__main__['"]$|^['"]__main__['"]\s*==\s*__name__$/;

/** Blocks whose lines still run at module level when the main block holds them. */
const moduleLevelBlocks: ReadonlySet<string> = new Set(['for_statement', 'while_statement', 'with_statement', 'try_statement']);

/** The statements in a top-level `if __name__ == "__main__":` block and the loops and `with`s in it; none for another `if`. */
export function mainBlockStatements(stmt: Node): Node[] {
  if (!mainGuard.test(stmt.childForFieldName('condition')?.text ?? '')) return [];
  return blockStatements(stmt.childForFieldName('consequence'), 0);
}

/**
 * The statements of a top-level loop, `with` or `try` and of the loops and `with`s in it: a training script's
 * `for epoch in range(5):` runs at module level, so `GP_WEIGHT = 10` in its body binds a module global (before, a
 * loss written inline there read that λ as unknown). None for another statement.
 */
export function moduleBlockStatements(stmt: Node): Node[] {
  return moduleLevelBlocks.has(stmt.type) ? blockStatements(stmt.childForFieldName('body'), 1) : [];
}

/** The expression statements in `block` and, down to depth 3, in the loops and `with`s it holds. */
function blockStatements(block: Node | null, depth: number): Node[] {
  const out: Node[] = [];
  const visit = (b: Node | null, d: number): void => {
    for (const s of b?.namedChildren ?? []) {
      if (s?.type === 'expression_statement') out.push(s);
      else if (s && d < 3 && moduleLevelBlocks.has(s.type)) visit(s.childForFieldName('body'), d + 1);
    }
  };
  visit(block, depth);
  return out;
}

/**
 * Reads one main-block assignment into the module scope; a top-level binding of the same name written earlier is
 * replaced, as the block runs after it. True when it read an object built there, whose text then keys the definition
 * cache as a top-level object's does.
 */
export function readMainBlockAssignment(stmt: Node, module: ModuleScope): boolean {
  const text = stmt.text;
  if (!/^\w+\s*=[^=]/.test(text)) return false;
  if (readModuleInstance(stmt, text, module)) return true;
  if (mayAssignConstant(text)) readModuleAssignment(stmt, module);
  else if (mayAssignDict(text)) {
    readDictConstants(stmt, module);
    // the dict itself, for a call that unpacks it or one of its sections (`Loss(**cfg["loss_kwargs"])`, splatKwargs.ts)
    readModuleValue(stmt, text, module);
  }
  return false;
}
