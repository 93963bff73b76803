// Export from the panel: the webview renders the CSV text or the PNG (as a data URL), the host asks where to save.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { exportBytes } from './exportBytes';

export async function exportData(ctx: Ctx, format: 'csv' | 'png', data: string, baseName: string): Promise<void> {
  const bytes = exportBytes(format, data);
  if (typeof bytes === 'string') {
    ctx.output.warn(`Export refused: ${bytes}`);
    void vscode.window.showErrorMessage(`Loss Lab: cannot export, ${bytes}.`);
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${baseName.replace(/[^\w.-]+/g, '_') || 'training'}-training.${format}`;
  const target = await vscode.window.showSaveDialog({
    title: format === 'csv' ? 'Export training metrics as CSV' : 'Export training charts as PNG',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: format === 'csv' ? { CSV: ['csv'] } : { 'PNG image': ['png'] },
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, bytes);
  ctx.output.info(`Exported ${format.toUpperCase()} to ${target.fsPath}`);
  void vscode.window.showInformationMessage(`Loss Lab: exported to ${vscode.workspace.asRelativePath(target)}.`);
}
