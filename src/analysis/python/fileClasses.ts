// The classes an object a loss calls may be of: the file's own (python/index.ts reads them into the module scope) or,
// in a notebook, one of a cell above. A class of another cell has its body in that cell's text: what the analysis
// reads from it is placed at the call in this cell (helperCalls.ts placedAtCall), as a function of a cell above is.
import type { Node } from 'web-tree-sitter';
import type { Scope } from './scope';

export interface FileClass {
  node: Node;
  /** Defined in a notebook cell above the one analysed. */
  otherCell: boolean;
}

/** The class `name` names, the file's own first (a cell's own class hides one of a cell above). */
export function fileClass(name: string, scope: Scope): FileClass | undefined {
  const own = scope.module?.classes?.get(name);
  if (own) return { node: own, otherCell: false };
  const above = scope.module?.cellClasses?.get(name);
  return above ? { node: above, otherCell: true } : undefined;
}
