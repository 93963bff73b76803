// Where a loss or an error is, in the words a user would use: "example.py:3", or in a Jupyter notebook, whose
// cells VS Code gives as documents of their own with cell-relative lines, "analysis.ipynb, cell 3, line 1".
import { basename } from 'node:path';
import * as vscode from 'vscode';

export function describeWhere(uri: vscode.Uri, line: number): string {
  const file = basename(uri.path);
  if (uri.scheme === 'vscode-notebook-cell') {
    const key = uri.toString();
    for (const notebook of vscode.workspace.notebookDocuments) {
      const cell = notebook.getCells().find((c) => c.document.uri.toString() === key);
      if (cell) return `${file}, cell ${cell.index + 1}, line ${line}`;
    }
  }
  return `${file}:${line}`;
}
