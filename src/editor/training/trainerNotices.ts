// What the user is told when the trainer reports an error: one line in the output channel, and one notification
// per kind of error per trial with the actions that fix it ("Show in code", "Open Settings", "Show Output").
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { TrainerToHost } from '../../protocol';
import type { Ctx } from '../ctx';
import { describeWhere } from './where';

type TrainerError = Extract<TrainerToHost, { type: 'error' }>;

/** The error as one sentence with where it happened: file:line or cell and line, op, run, step. */
export function trainerErrorText(m: TrainerError, document: vscode.Uri): string {
  const where = m.location ? (m.location.file ? `${basename(m.location.file)}:${m.location.line}` : describeWhere(document, m.location.line)) : '';
  // The op only when the message does not already name it ("`tf.math.bessel_i0` is not supported…").
  const detail = [where, m.op && !m.message.includes(m.op) ? `op ${m.op}` : '', m.runId ? `run ${m.runId}` : '', m.step !== undefined ? `step ${m.step}` : '']
    .filter(Boolean)
    .join(', ');
  return `${m.message}${detail ? ` (${detail})` : ''}`;
}

/**
 * Logs the error and notifies once per kind in this trial (`notified` is the trial's set): several runs diverging
 * must not flood the screen.
 */
export function notifyTrainerError(ctx: Ctx, m: TrainerError, trial: { document: vscode.Uri; notified: Set<string> }): void {
  const text = trainerErrorText(m, trial.document);
  ctx.output.error(`[trainer] ${m.kind}: ${text}`);
  if (trial.notified.has(m.kind)) return;
  trial.notified.add(m.kind);
  // "Show in code" where the error has a line; a dataset error is fixed in the settings.
  const actions = [...(m.location ? ['Show in code'] : []), ...(m.kind === 'dataset' ? ['Open Settings'] : []), 'Show Output'];
  void vscode.window.showErrorMessage(`Loss Lab: ${text}`, ...actions).then((choice) => {
    if (choice === 'Show in code' && m.location) void revealLine(m.location.file ? vscode.Uri.file(m.location.file) : trial.document, m.location.line);
    if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'lossLab.training.dataset');
    if (choice === 'Show Output') ctx.output.show(true);
  });
}

/** "Show in code": the line selected and centred in the first editor column. */
export async function revealLine(uri: vscode.Uri, line: number): Promise<void> {
  try {
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    const target = editor.document.lineAt(Math.min(Math.max(0, line - 1), editor.document.lineCount - 1)).range;
    editor.selection = new vscode.Selection(target.start, target.end);
    editor.revealRange(target, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  } catch (err) {
    void vscode.window.showWarningMessage(`Loss Lab: cannot open ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** What the panel and the notification say when the trainer process ended before sending `done`. */
export function trainerExitText(
  trial: { pid: number | undefined; step: number; steps: number; stopRequested: boolean },
  code: number | null,
  signal: string | null,
): string {
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  return trial.stopRequested
    ? `The trainer (pid ${trial.pid}) ${how} after Stop, at step ${trial.step}.`
    : `The trainer process (pid ${trial.pid}) ${how} at step ${trial.step} of ${trial.steps} before finishing.`;
}
