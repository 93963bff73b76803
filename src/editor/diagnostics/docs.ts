// Where a rule's documentation page is: the rule table's `doc` path (docs/rules/<code>.md), shipped in the .vsix.
import * as vscode from 'vscode';
import { ruleByCode } from '../../analysis/rules/index';
import type { RuleCode } from '../../analysis/rules/types';

export function ruleDocUri(extensionUri: vscode.Uri, code: string): vscode.Uri {
  const doc = ruleByCode.get(code as RuleCode)?.doc ?? `docs/rules/${code}.md`;
  return vscode.Uri.joinPath(extensionUri, ...doc.split('/'));
}
