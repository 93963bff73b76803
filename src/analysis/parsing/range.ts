// Source ranges and syntax errors from tree-sitter nodes. Columns are UTF-16 code units (web-tree-sitter parses JS
// strings as UTF-16), the same as vscode.Range.
import type { Node, Tree } from 'web-tree-sitter';
import type { ParseProblem, SourceRange } from '../ir';

export function rangeOf(node: Node): SourceRange {
  const s = node.startPosition;
  const e = node.endPosition;
  return { startLine: s.row, startCol: s.column, endLine: e.row, endCol: e.column };
}

/** Whether two ranges are the same span. */
export const sameRange = (a: SourceRange, b: SourceRange): boolean =>
  a.startLine === b.startLine && a.startCol === b.startCol && a.endLine === b.endLine && a.endCol === b.endCol;

/** The smallest range covering both. */
export function spanOf(a: SourceRange, b: SourceRange): SourceRange {
  const aFirst = a.startLine < b.startLine || (a.startLine === b.startLine && a.startCol <= b.startCol);
  const bLast = b.endLine > a.endLine || (b.endLine === a.endLine && b.endCol >= a.endCol);
  const start = aFirst ? a : b;
  const end = bLast ? b : a;
  return { startLine: start.startLine, startCol: start.startCol, endLine: end.endLine, endCol: end.endCol };
}

/** Whether `inner` lies within `outer` (both ends included). */
export function isWithin(inner: SourceRange, outer: SourceRange): boolean {
  const startsAfter = inner.startLine > outer.startLine || (inner.startLine === outer.startLine && inner.startCol >= outer.startCol);
  const endsBefore = inner.endLine < outer.endLine || (inner.endLine === outer.endLine && inner.endCol <= outer.endCol);
  return startsAfter && endsBefore;
}

const MAX_ERRORS = 50;

/** ERROR and MISSING nodes, as messages that say what and where (first 50). */
export function syntaxErrorsOf(tree: Tree): ParseProblem[] {
  const out: ParseProblem[] = [];
  const visit = (node: Node): void => {
    if (out.length >= MAX_ERRORS || !node.hasError) return;
    for (const child of node.children) {
      if (!child || out.length >= MAX_ERRORS) continue;
      if (child.isMissing) {
        out.push({ range: rangeOf(child), message: `Syntax error: missing '${child.type}' (line ${child.startPosition.row + 1})` });
      } else if (child.isError) {
        const snippet = child.text.split('\n')[0].slice(0, 40);
        out.push({ range: rangeOf(child), message: `Syntax error near '${snippet}' (line ${child.startPosition.row + 1})` });
      } else {
        visit(child);
      }
    }
  };
  if (tree.rootNode.isError) {
    out.push({ range: rangeOf(tree.rootNode), message: 'Syntax error: the file could not be parsed' });
  }
  visit(tree.rootNode);
  return out;
}
