// A notebook cell's scope is the notebook (issue 9 §2): VS Code gives each code cell to extensions as its own
// document (scheme `vscode-notebook-cell`), so the cells above it are looked up in its notebook here and handed to
// the analysis, which reads their constants as `analyzeSource(…, { cellsAbove })` does for `loss-lab check`.
import * as vscode from 'vscode';
import type { NotebookCell } from '../../analysis/notebook';

const CELL_SCHEME = 'vscode-notebook-cell';

export const isNotebookCell = (document: vscode.TextDocument): boolean => document.uri.scheme === CELL_SCHEME;

/** The notebook holding this cell document and the cell's index in it, if it is open. */
function cellOf(document: vscode.TextDocument): { notebook: vscode.NotebookDocument; index: number } | undefined {
  if (!isNotebookCell(document)) return undefined;
  const key = document.uri.toString();
  for (const notebook of vscode.workspace.notebookDocuments) {
    const cell = notebook.getCells().find((c) => c.document.uri.toString() === key);
    if (cell) return { notebook, index: cell.index };
  }
  return undefined;
}

/** The code cells above a notebook cell, numbered as the notebook counts them (1-based, markdown included). */
export function cellsAbove(document: vscode.TextDocument): NotebookCell[] | undefined {
  const at = cellOf(document);
  if (!at) return undefined;
  return at.notebook
    .getCells(new vscode.NotebookRange(0, at.index))
    .filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === document.languageId)
    .map((c) => ({ number: c.index + 1, source: c.document.getText() }));
}

/** The code cells below a notebook cell: their analysis reads this cell's constants. */
export function cellsBelow(document: vscode.TextDocument): vscode.TextDocument[] {
  const at = cellOf(document);
  if (!at) return [];
  return at.notebook
    .getCells(new vscode.NotebookRange(at.index + 1, at.notebook.cellCount))
    .filter((c) => c.kind === vscode.NotebookCellKind.Code)
    .map((c) => c.document);
}

/** The notebook's code cell document `number` (1-based, as `cellsAbove` numbers them), for edits in another cell. */
export function cellDocument(document: vscode.TextDocument, number: number): vscode.TextDocument | undefined {
  const at = cellOf(document);
  const cell = at && number >= 1 && number <= at.notebook.cellCount ? at.notebook.cellAt(number - 1) : undefined;
  return cell?.kind === vscode.NotebookCellKind.Code ? cell.document : undefined;
}
