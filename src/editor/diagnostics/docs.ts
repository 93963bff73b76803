// Where a rule's documentation page is: `docs/rules/<code>.md`, shipped inside the .vsix.
import * as vscode from 'vscode';

export function ruleDocUri(extensionUri: vscode.Uri, code: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${code}.md`);
}
