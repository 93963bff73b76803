// The one place where IR ranges become VS Code ranges. Both are zero-based lines and UTF-16 columns, end exclusive
// (see SourceRange in src/analysis/ir.ts), so this is a copy, clamped so a bad range never throws.
import * as vscode from 'vscode';
import type { SourceRange } from '../../analysis/ir';

const clamp = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

export function toRange(r: SourceRange): vscode.Range {
  const start = new vscode.Position(clamp(r.startLine), clamp(r.startCol));
  const end = new vscode.Position(clamp(r.endLine), clamp(r.endCol));
  return end.isBefore(start) ? new vscode.Range(start, start) : new vscode.Range(start, end);
}
