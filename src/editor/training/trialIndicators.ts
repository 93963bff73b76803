// What shows that a trial runs, outside the panel: the status bar item (step, speed; click to stop, or to kill
// a trainer that is stopping), the cancellable progress notification, and the `lossLab.training` context key
// that enables the Stop command. One trial at a time: `start` replaces whatever the last one left.
import * as vscode from 'vscode';

const CONTEXT_KEY = 'lossLab.training';
/**
 * Metrics arrive up to 20 times a second; the status bar text changes width with every step count, so it is
 * redrawn at most this often (a jittering item is hard to read and to click).
 */
const REDRAW_MS = 500;

export interface TrialProgress {
  name: string;
  pid: number | undefined;
  step: number;
  /** 0 while unknown (before the trainer's `started`). */
  steps: number;
  stopRequested: boolean;
  stepsPerSecond?: number;
}

export class TrialIndicators implements vscode.Disposable {
  private readonly statusBar: vscode.StatusBarItem;
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private endProgress: (() => void) | undefined;
  private reported = 0;
  private active = false;
  private lastDrawn = 0;
  private lastStopRequested = false;

  constructor() {
    this.statusBar = vscode.window.createStatusBarItem('lossLab.training', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = 'Loss Lab Training';
    this.statusBar.command = 'lossLab.stopTraining';
  }

  /** Shows them for a new trial; `onCancel` runs when the user cancels the notification. */
  start(t: TrialProgress, onCancel: () => void): void {
    this.end();
    this.active = true;
    this.reported = 0;
    this.lastDrawn = 0;
    this.lastStopRequested = false;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
    this.update(t);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Loss Lab: training ${t.name}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          if (!this.active) return resolve();
          this.progress = progress;
          this.endProgress = resolve;
          token.onCancellationRequested(() => {
            if (this.endProgress === resolve) onCancel();
          });
        }),
    );
  }

  update(t: TrialProgress): void {
    if (!this.active) return;
    const now = Date.now();
    // A stop request always shows at once (the tooltip changes to "click to kill it").
    if (now - this.lastDrawn < REDRAW_MS && t.stopRequested === this.lastStopRequested) return;
    this.lastDrawn = now;
    this.lastStopRequested = t.stopRequested;
    const speed = t.stepsPerSecond ? ` · ${Math.round(t.stepsPerSecond)}/s` : '';
    this.statusBar.text = `$(loading~spin) Loss Lab: step ${t.step}/${t.steps || '…'}${speed}`;
    this.statusBar.tooltip = t.stopRequested
      ? `Stopping ${t.name} (trainer pid ${t.pid}); click to kill it`
      : `Training ${t.name} (trainer pid ${t.pid}). Click to stop.`;
    this.statusBar.show();
    if (!this.progress || t.steps === 0) return;
    const percent = Math.min(100, (100 * t.step) / t.steps);
    const increment = percent - this.reported;
    if (increment < 1) return;
    this.reported = percent;
    this.progress.report({ increment, message: `step ${t.step} of ${t.steps}` });
  }

  /** Hides them (the trial ended, however). */
  end(): void {
    if (!this.active) return;
    this.active = false;
    this.endProgress?.();
    this.endProgress = undefined;
    this.progress = undefined;
    this.statusBar.hide();
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, false);
  }

  dispose(): void {
    this.end();
    this.statusBar.dispose();
  }
}
