// The findings behind the diagnostics shown for each document, so the quick fixes can find the Fix objects of a
// diagnostic VS Code hands back (it hands back copies, so they are matched by code, range and message).
import type * as vscode from 'vscode';
import type { Finding } from '../../analysis/rules/types';

export interface ShownFinding {
  finding: Finding;
  diagnostic: vscode.Diagnostic;
}

export interface ShownFindings {
  /** The document version the findings' ranges refer to. */
  version: number;
  items: ShownFinding[];
}

export const codeOf = (d: vscode.Diagnostic): string | undefined =>
  typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);

export class FindingStore {
  private readonly byUri = new Map<string, ShownFindings>();

  set(uri: vscode.Uri, shown: ShownFindings): void {
    this.byUri.set(uri.toString(), shown);
  }

  delete(uri: vscode.Uri): void {
    this.byUri.delete(uri.toString());
  }

  clear(): void {
    this.byUri.clear();
  }

  /** The finding shown as `diagnostic` in `document` at its current version, if any. */
  lookup(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): ShownFinding | undefined {
    const shown = this.byUri.get(document.uri.toString());
    if (!shown || shown.version !== document.version) return undefined;
    const code = codeOf(diagnostic);
    return shown.items.find(
      (s) => codeOf(s.diagnostic) === code && s.diagnostic.message === diagnostic.message && s.diagnostic.range.isEqual(diagnostic.range),
    );
  }
}
