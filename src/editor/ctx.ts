// One object owns every disposable of the extension and the shared services (after rust-analyzer's ctx.ts).
import * as vscode from 'vscode';
import { AnalysisService } from './analysis/service';

export class Ctx implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  private readonly disposables: vscode.Disposable[] = [];
  private analysisService?: AnalysisService;

  /** The document analysis service (src/editor/analysis/service.ts), started by whichever feature needs it first. */
  get analysis(): AnalysisService {
    if (!this.analysisService) {
      this.analysisService = new AnalysisService(this);
      this.push(this.analysisService);
    }
    return this.analysisService;
  }

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
