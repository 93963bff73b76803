// One object owns every disposable of the extension and the shared services (after rust-analyzer's ctx.ts).
import * as vscode from 'vscode';

export class Ctx implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Loss Lab', { log: true });
    this.push(this.output);
  }

  /** The folder the bundles and their assets are in (dist/). */
  get distUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.extension.extensionUri, 'dist');
  }

  push(...items: vscode.Disposable[]): void {
    this.disposables.push(...items);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (err) {
        console.error('[loss-lab] dispose failed', err);
      }
    }
  }
}
