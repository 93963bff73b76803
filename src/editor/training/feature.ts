// The training feature: "Train with Constraint", "Stop Training", "Show Output" and the panel serializer that
// brings the panel back after a window reload.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { TrainingController } from './controller';
import { PANEL_VIEW_TYPE, TrainingPanel } from './trainingPanel';
import { UseLambdaActions, useLambda } from './useLambda';

export function registerTraining(ctx: Ctx): void {
  const controller = new TrainingController(ctx);
  ctx.push(
    controller,
    vscode.commands.registerCommand('lossLab.train', async (args?: unknown) => {
      try {
        await controller.train(args);
      } catch (err) {
        // Never an unexplained "command failed": say what went wrong and keep the details in the output channel.
        const message = err instanceof Error ? err.message : String(err);
        ctx.output.error(`Train with Constraint failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
        const choice = await vscode.window.showErrorMessage(`Loss Lab: could not start training: ${message}`, 'Show Output');
        if (choice) ctx.output.show(true);
      }
    }),
    vscode.commands.registerCommand('lossLab.sweep', async (args?: unknown) => {
      try {
        await controller.train(args, 'sweep');
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        ctx.output.error(`Sweep λ failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
        const choice = await vscode.window.showErrorMessage(`Loss Lab: could not start the sweep: ${message}`, 'Show Output');
        if (choice) ctx.output.show(true);
      }
    }),
    vscode.commands.registerCommand('lossLab.useLambda', (args?: unknown) => useLambda(ctx, args)),
    vscode.languages.registerCodeActionsProvider(
      ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'].map((language) => ({ language })),
      new UseLambdaActions(ctx, controller.recommendations),
      { providedCodeActionKinds: UseLambdaActions.providedCodeActionKinds },
    ),
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
