// Turns VS Code's content changes into tree-sitter edits.
// web-tree-sitter parses JavaScript strings as UTF-16 and reports indices *and* columns in UTF-16 code units (its
// C binding halves the byte offsets), which is exactly VS Code's `rangeOffset` and `Position.character`. So no
// byte conversion is needed; only the new end point has to be computed from the inserted text.
// Plain data in and out (no `vscode` import) so it is unit-tested against a real parser in Node.

/** tree-sitter's edit shape (the same as `TextEditDelta` of src/analysis). */
export interface TreeEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

/** The fields of `vscode.TextDocumentContentChangeEvent` this needs. */
export interface ContentChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/** The point just after `text` when it is inserted at `start`: rows split at `\n` (as tree-sitter counts them). */
export function endPointAfter(start: { row: number; column: number }, text: string): { row: number; column: number } {
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < 0) return { row: start.row, column: start.column + text.length };
  let rows = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: text.length - lastNewline - 1 };
}

/**
 * One change as a tree-sitter edit. VS Code gives the changes of one event in the order they must be applied,
 * each relative to the text after the previous one, which is also how `tree.edit` is applied: so a list of
 * events maps change by change, in order.
 */
export function toTreeEdit(change: ContentChange): TreeEdit {
  const startPosition = { row: change.range.start.line, column: change.range.start.character };
  return {
    startIndex: change.rangeOffset,
    oldEndIndex: change.rangeOffset + change.rangeLength,
    newEndIndex: change.rangeOffset + change.text.length,
    startPosition,
    oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
    newEndPosition: endPointAfter(startPosition, change.text),
  };
}
