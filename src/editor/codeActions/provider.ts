// Quick fixes for Loss Lab diagnostics: each Fix the rules attach to a finding becomes a WorkspaceEdit, and each
// rule gets a "Show documentation" action. The edits are only offered for the document version they were made
// from, so a fix never lands on shifted text.
import * as vscode from 'vscode';
import type { Fix } from '../../analysis/fixes/types';
import { toRange } from '../analysis/range';
import { ruleDocUri } from '../diagnostics/docs';
import { codeOf, type FindingStore } from '../diagnostics/store';
import { SOURCE } from '../diagnostics/toDiagnostic';

export function fixToAction(fix: Fix, document: vscode.TextDocument, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(document.uri, toRange(e.range), e.newText);
  action.edit = edit;
  action.diagnostics = [diagnostic];
  if (fix.isPreferred) action.isPreferred = true;
  return action;
}

export class LossLabCodeActions implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly store: FindingStore,
    private readonly extensionUri: vscode.Uri,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    const fixes: vscode.CodeAction[] = [];
    const docs = new Map<string, vscode.CodeAction>();
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== SOURCE) continue;
      const shown = this.store.lookup(document, diagnostic);
      if (shown) for (const fix of shown.finding.fixes) fixes.push(fixToAction(fix, document, diagnostic));
      const code = codeOf(diagnostic);
      if (code && !docs.has(code)) docs.set(code, this.docAction(code, diagnostic));
    }
    return [...fixes, ...docs.values()];
  }

  private docAction(code: string, diagnostic: vscode.Diagnostic): vscode.CodeAction {
    const action = new vscode.CodeAction(`Show documentation for ${code}`, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.command = { title: action.title, command: 'markdown.showPreview', arguments: [ruleDocUri(this.extensionUri, code)] };
    return action;
  }
}
