// Rule severity → VS Code severity, with the user's per-code override (`lossLab.diagnostics.severity`).
import * as vscode from 'vscode';
import type { SeverityName } from '../config';

const severities: Readonly<Record<Exclude<SeverityName, 'off'>, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** The severity to show a finding with, or undefined when the user turned its rule `off`. */
export function effectiveSeverity(
  code: string,
  ruleSeverity: Exclude<SeverityName, 'off'>,
  overrides: Readonly<Record<string, SeverityName>>,
): vscode.DiagnosticSeverity | undefined {
  const override = Object.hasOwn(overrides, code) ? overrides[code] : undefined;
  if (override === 'off') return undefined;
  // An unknown value in settings.json (a typo) falls back to the rule's own severity.
  return severities[override as Exclude<SeverityName, 'off'>] ?? severities[ruleSeverity] ?? vscode.DiagnosticSeverity.Warning;
}
