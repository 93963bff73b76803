// Where a loss or an error is, in the words a user would use: "example.py:3", or in a Jupyter notebook, whose
// cells VS Code gives as documents of their own with cell-relative lines, "analysis.ipynb, cell 3, line 1".
import { basename } from 'node:path';
import * as vscode from 'vscode';

/** The notebook cell (1-based) a document is, or undefined for a file. */
export function cellNumber(uri: vscode.Uri): number | undefined {
  if (uri.scheme !== 'vscode-notebook-cell') return undefined;
  const key = uri.toString();
  for (const notebook of vscode.workspace.notebookDocuments) {
    const cell = notebook.getCells().find((c) => c.document.uri.toString() === key);
    if (cell) return cell.index + 1;
  }
  return undefined;
}

export function describeWhere(uri: vscode.Uri, line: number): string {
  const cell = cellNumber(uri);
  return cell ? `${basename(uri.path)}, cell ${cell}, line ${line}` : `${basename(uri.path)}:${line}`;
}
