// A quick fix as plain data: the edits to apply to the document. The editor turns it into a vscode.WorkspaceEdit;
// the CLI and the tests apply it to a string (see ./apply.ts). Edits never overlap.
import type { SourceRange } from '../ir';

export interface TextEdit {
  range: SourceRange;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
}
