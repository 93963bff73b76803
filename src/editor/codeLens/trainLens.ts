// "▶ Train with constraint" above each loss the analysis found (lossLab.codeLens.enable), refreshed whenever a
// document is analysed again or the setting changes.
import * as vscode from 'vscode';
import { onConfigChange, readConfig } from '../config';
import type { Ctx } from '../ctx';
import type { TrainArgs } from '../training/pickLoss';

const selector: vscode.DocumentSelector = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'].map((language) => ({ language }));

class TrainLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly ctx: Ctx) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!readConfig(document.uri).codeLens.enable) return [];
    let analysis = this.ctx.analysis.get(document);
    if (!analysis) {
      try {
        analysis = await this.ctx.analysis.analyze(document);
      } catch {
        return []; // the service logs why (parsers not loaded, …)
      }
    }
    return analysis.models.flatMap((model) => {
      const r = model.nameRange;
      const range = new vscode.Range(r.startLine, r.startCol, r.endLine, r.endCol);
      const args: TrainArgs = { uri: document.uri.toString(), modelId: model.id };
      const train = new vscode.CodeLens(range, {
        title: '▶ Train with constraint',
        tooltip: `Train ${model.name} with several λ side by side and watch the loss and constraint terms live`,
        command: 'lossLab.train',
        arguments: [args],
      });
      if (!model.terms.some((t) => t.role === 'penalty')) return [train];
      const sweep = new vscode.CodeLens(range, {
        title: 'Sweep λ',
        tooltip: `Train ${model.name} for a grid of λ around |L|/|P|, judge each run against its constraints and recommend one`,
        command: 'lossLab.sweep',
        arguments: [args],
      });
      return [train, sweep];
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerTrainCodeLens(ctx: Ctx): void {
  const provider = new TrainLensProvider(ctx);
  ctx.push(
    provider,
    vscode.languages.registerCodeLensProvider(selector, provider),
    ctx.analysis.onDidAnalyze(() => provider.refresh()),
    onConfigChange(() => provider.refresh()),
  );
}
