// Error recovery beyond tree-sitter's own: a syntax error can swallow the definitions after it into one ERROR
// node (`x = = (]` before a `def`). Each top-level definition whose first token lies inside an ERROR node is
// parsed again on its own (an included range of the same text, so positions stay those of the file), up to the
// next top-level line. The caller deletes the returned trees.
import type { Node, Range, Tree } from 'web-tree-sitter';
import type { SourceLanguage } from '../ir';

/** Lines that start a top-level definition, per language. */
const definitionStart: Record<SourceLanguage, RegExp> = {
  python: /^(?:@|(?:async[ \t]+)?def[ \t]|class[ \t])/,
  typescript: /^(?:export[ \t]+)?(?:default[ \t]+)?(?:async[ \t]+)?(?:function\b|const[ \t]|let[ \t]|var[ \t])/,
  javascript: /^(?:export[ \t]+)?(?:default[ \t]+)?(?:async[ \t]+)?(?:function\b|const[ \t]|let[ \t]|var[ \t])/,
};

/** A top-level line that ends a Python chunk: anything at column 0 that is not a comment or a closing bracket. */
const pythonTopLevel = /^[^\s#)\]}]/;
const MAX_CHUNKS = 200;

function insideError(node: Node | null): boolean {
  for (let n = node; n; n = n.parent) if (n.type === 'ERROR' || n.isError) return true;
  return false;
}

function chunkRanges(source: string, language: SourceLanguage, tree: Tree): Range[] {
  const lines = source.split('\n');
  const starts: number[] = [];
  let offset = 0;
  const lineStart: number[] = [];
  for (const line of lines) {
    lineStart.push(offset);
    offset += line.length + 1;
  }
  lines.forEach((line, row) => {
    if (definitionStart[language].test(line) && !(row > 0 && lines[row - 1].startsWith('@'))) starts.push(row);
  });
  const ranges: Range[] = [];
  for (const [k, row] of starts.entries()) {
    if (ranges.length >= MAX_CHUNKS) break;
    const first = lines[row].search(/\S/);
    if (!insideError(tree.rootNode.descendantForIndex(lineStart[row] + Math.max(first, 0)))) continue;
    let end = starts[k + 1] ?? lines.length;
    if (language === 'python') {
      for (let r = row + 1; r < end; r++) {
        if (pythonTopLevel.test(lines[r]) && !lines[row].startsWith('@')) {
          end = r;
          break;
        }
      }
    }
    const endRow = end - 1;
    ranges.push({
      startIndex: lineStart[row],
      endIndex: lineStart[endRow] + lines[endRow].length,
      startPosition: { row, column: 0 },
      endPosition: { row: endRow, column: lines[endRow].length },
    });
  }
  return ranges;
}

/** Separate trees for the definitions an error swallowed (none when the tree has no error). */
export function recoverDefinitions(source: string, language: SourceLanguage, tree: Tree, parseRange: (range: Range) => Tree): Tree[] {
  if (!tree.rootNode.hasError) return [];
  const out: Tree[] = [];
  try {
    for (const range of chunkRanges(source, language, tree)) out.push(parseRange(range));
  } catch (err) {
    for (const t of out) t.delete(); // a parse past the deadline: nothing recovered is kept
    throw err;
  }
  return out;
}
