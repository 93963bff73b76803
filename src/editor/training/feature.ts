// The training feature: "Train with Constraint", "Stop Training", "Show Output" and the panel serializer that
// brings the panel back after a window reload.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { TrainingController } from './controller';
import { PANEL_VIEW_TYPE, TrainingPanel } from './trainingPanel';

export function registerTraining(ctx: Ctx): void {
  const controller = new TrainingController(ctx);
  ctx.push(
    controller,
    vscode.commands.registerCommand('lossLab.train', (args?: unknown) => controller.train(args)),
    vscode.commands.registerCommand('lossLab.stopTraining', () => controller.stop()),
    vscode.commands.registerCommand('lossLab.showOutput', () => ctx.output.show()),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        panel.webview.options = TrainingPanel.options(ctx);
        controller.adopt(panel, state);
      },
    }),
  );
  void vscode.commands.executeCommand('setContext', 'lossLab.training', false);
}
