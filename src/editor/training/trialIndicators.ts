// What shows that a trial runs, outside the panel: the status bar item (step, speed; click to stop, or to kill
// a trainer that is stopping) and the `lossLab.training` context key that enables the Stop command. No progress
// notification: it covered the panel, which shows the progress itself (header bar). One trial at a time.
import * as vscode from 'vscode';

const CONTEXT_KEY = 'lossLab.training';
/**
 * Metrics arrive up to 20 times a second; the status bar text changes width with every step count, so it is
 * redrawn at most this often (a jittering item is hard to read and to click).
 */
const REDRAW_MS = 500;
/**
 * A still icon, not `$(loading~spin)`: a spinning icon repaints the window sixty times a second for as long as a
 * trial runs, and in a browser without GPU (code-server on a small machine) typing a command took 12 s instead of
 * 4.5 s beside it. The step count already says that the trial moves.
 */
const ICON = '$(pulse)';

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
  private active = false;
  private lastDrawn = 0;
  private lastStopRequested = false;

  constructor() {
    this.statusBar = vscode.window.createStatusBarItem('lossLab.training', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = 'Loss Lab Training';
    this.statusBar.command = 'lossLab.stopTraining';
  }

  /** Shows them for a new trial. */
  start(t: TrialProgress): void {
    this.end();
    this.active = true;
    this.lastDrawn = 0;
    this.lastStopRequested = false;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
    this.update(t);
  }

  update(t: TrialProgress): void {
    if (!this.active) return;
    const now = Date.now();
    // A stop request always shows at once (the tooltip changes to "click to kill it").
    if (now - this.lastDrawn < REDRAW_MS && t.stopRequested === this.lastStopRequested) return;
    this.lastDrawn = now;
    this.lastStopRequested = t.stopRequested;
    const speed = t.stepsPerSecond ? ` · ${Math.round(t.stepsPerSecond)}/s` : '';
    this.statusBar.text = `${ICON} Loss Lab: step ${t.step}/${t.steps || '…'}${speed}`;
    this.statusBar.tooltip = t.stopRequested
      ? `Stopping ${t.name} (trainer pid ${t.pid}); click to kill it`
      : `Training ${t.name} (trainer pid ${t.pid}). Click to stop.`;
    this.statusBar.show();
  }

  /** Hides them (the trial ended, however). */
  end(): void {
    if (!this.active) return;
    this.active = false;
    this.statusBar.hide();
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, false);
  }

  dispose(): void {
    this.end();
    this.statusBar.dispose();
  }
}
