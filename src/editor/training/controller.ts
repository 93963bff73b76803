// One training at a time: picks the loss, builds the TrialSpec, forks the trainer, forwards its messages to the
// panel, and owns the lifecycle around it (the indicators of trialIndicators.ts, the output channel,
// notifications with "Show in code", the panel state kept for a window reload).
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { LossModel } from '../../analysis/ir';
import { PanelState, parseMessage, type TrainerToHost, type WebviewToHost } from '../../protocol';
import { choiceText, DEFAULT_TOLERANCE, SweepCollector } from '../../sweep';
import { buildTrialSpec } from '../../trial/spec';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { exportData } from './exportData';
import { appendBounded, chooseRestoredState } from './history';
import { pickLoss, type TrainArgs } from './pickLoss';
import { TrialStore } from './savedTrial';
import { notifyTrainerError, revealLine, trainerExitText } from './trainerNotices';
import { launchTrainer, SpareTrainer, type TrainerHandle, type TrainerPlace } from './trainerProcess';
import { TrainingPanel } from './trainingPanel';
import { TrialIndicators, type TrialProgress } from './trialIndicators';
import { describeNative, sweepSpec, tabTitle, withCell } from './trialText';
import { Recommendations, useLambda } from './useLambda';
import { describeWhere } from './where';

/** After "stop", how long the trainer may take to send `done` and exit before it is killed. */
const STOP_GRACE_MS = 3000;
const SAVE_STATE_MS = 5000;

interface Trial {
  generation: number;
  trainer: TrainerHandle;
  /** Where its trainer ran: the spare for the next trial is forked at the same place. */
  place: TrainerPlace;
  model: LossModel;
  document: vscode.Uri;
  args: TrainArgs;
  startedAt: number;
  firstPointAt?: number;
  steps: number;
  step: number;
  ended: boolean;
  stopRequested: boolean;
  notified: Set<string>;
  /** Points in the kept history since it was last compacted (about). */
  keptPoints: number;
}

export class TrainingController implements vscode.Disposable {
  private panel: TrainingPanel | undefined;
  private trial: Trial | undefined;
  private generation = 0;
  private state: PanelState;
  /** The last trained loss, for Re-run (also after a reload). */
  private lastArgs: TrainArgs | undefined;
  private lastSave = 0;
  private readonly store: TrialStore;
  private readonly indicators = new TrialIndicators();
  private readonly spare: SpareTrainer;
  /** Each loss's last recommended λ (the code action at the loss offers it). */
  readonly recommendations = new Recommendations();

  constructor(private readonly ctx: Ctx) {
    this.store = new TrialStore(ctx.extension.storageUri?.fsPath, ctx.extension.workspaceState, (m) => ctx.output.warn(m));
    const saved = this.store.read();
    this.state = saved?.state ?? { title: '', history: [] };
    this.lastArgs = saved?.args;
    this.spare = new SpareTrainer((m) => ctx.output.info(m));
  }

  get running(): boolean {
    return this.trial !== undefined && !this.trial.ended;
  }

  /** The trainer's process id while one runs (shown in the panel header and the status bar tooltip). */
  get pid(): number | undefined {
    return this.running ? this.trial?.trainer.pid : undefined;
  }

  async train(args?: unknown, mode: 'train' | 'sweep' = 'train'): Promise<void> {
    this.ctx.output.info(`${mode === 'sweep' ? 'Sweep λ' : 'Train with Constraint'}${args ? ` (${JSON.stringify(args)})` : ''}`);
    const picked = await pickLoss(this.ctx, args);
    if (!picked) return;
    const { document, model } = picked;
    if (!(await this.mayReplaceRunning(model))) return;
    const prepared = await this.prepareTrial(document, model, mode);
    if (!prepared) return;
    const { spec, place } = prepared;
    const title = `${model.name} · ${describeWhere(document.uri, model.nameRange.startLine + 1)}`;
    const trainArgs: TrainArgs = { uri: document.uri.toString(), modelId: model.id };
    this.lastArgs = trainArgs;
    const startedAt = Date.now();
    const sweep = { tolerance: prepared.tolerance };
    this.state = { title, history: [], trial: startedAt, sweep };
    this.showPanel(title);
    this.panel?.post({ type: 'reset', title, trial: startedAt, sweep });

    const generation = ++this.generation;
    const runs = spec.sweep ? `a grid of ${spec.sweep.count} over ${spec.sweep.decades} decades around |L|/|P|, plus ${spec.runs.map((r) => r.lambda).join(', ')}` : spec.runs.map((r) => r.lambda).join(', ');
    this.ctx.output.info(`Training ${title}: λ = ${runs}, ${spec.steps} steps, dataset ${JSON.stringify(spec.dataset)}`);
    const launched = this.launch(spec, place, generation);
    if (!launched) return;
    const { trainer, warmForMs } = launched;
    this.ctx.output.info(`Trainer started, pid ${trainer.pid}${warmForMs === undefined ? '' : ` (the spare, forked ${(warmForMs / 1000).toFixed(1)} s before)`}`);
    this.trial = {
      generation, trainer, place, model, document: document.uri, args: trainArgs, startedAt: Date.now(),
      steps: spec.steps ?? 0, step: 0, ended: false, stopRequested: false, notified: new Set(), keptPoints: 0,
    };
    this.indicators.start(this.progressOf(this.trial));
  }

  /** With a trial running, asks whether to end it for `model`'s: true when nothing runs or the user said Restart. */
  private async mayReplaceRunning(model: LossModel): Promise<boolean> {
    if (!this.running || !this.trial) return true;
    this.ctx.output.info(`Train ${model.name} requested while ${this.trial.model.name} trains: asking whether to restart`);
    // Modal: starting over throws away the running trial, so it is a decision, not a passing notice.
    const answer = await vscode.window.showWarningMessage(
      `Loss Lab is training ${this.trial.model.name}. Stop it and train ${model.name}?`,
      { modal: true, detail: 'The running trial ends now; its charts are replaced by the new one.' },
      'Restart',
    );
    if (answer !== 'Restart') return false;
    this.endTrial('replaced');
    return true;
  }

  /** The trial's spec and where its trainer runs, or undefined after telling the user why there is none. */
  private async prepareTrial(document: vscode.TextDocument, model: LossModel, mode: 'train' | 'sweep') {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const sourceFile = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
    const config = readConfig(document.uri);
    const settings = mode === 'sweep' ? { ...config.training, lambdas: [0], includeCodeLambda: true } : config.training;
    if (mode === 'sweep' && !model.terms.some((t) => t.role === 'penalty')) {
      void vscode.window.showInformationMessage(`Loss Lab: ${model.name} has no penalty term, so there is no λ to sweep.`);
      return undefined;
    }
    // Workspace trust travels in the spec: the trainer itself refuses workspace code and outside datasets when false.
    const trusted = vscode.workspace.isTrusted;
    const built = buildTrialSpec(model, settings, {
      sourceFile,
      workspaceDir: folder?.uri.fsPath ?? (sourceFile ? dirname(sourceFile) : undefined),
      trusted,
    });
    if (!built.ok) {
      this.ctx.output.error(`Cannot train ${model.name}: ${built.message}`);
      const open = await vscode.window.showErrorMessage(`Loss Lab: ${built.message}`, 'Open Settings');
      if (open) void vscode.commands.executeCommand('workbench.action.openSettings', 'lossLab.training');
      return undefined;
    }
    const spec = mode === 'sweep' ? { ...built.spec, sweep: sweepSpec(config.sweep, built.codeLambda) } : built.spec;
    const place: TrainerPlace = {
      trainerPath: vscode.Uri.joinPath(this.ctx.distUri, 'trainer.js').fsPath,
      cwd: folder?.uri.fsPath,
      // Where a user may have installed @tensorflow/tfjs-node for the native backend: trusted workspaces only
      // (the trainer looks in its own folder in any case).
      tfjsNodePaths: trusted ? [settings.tfjsNodePath, folder?.uri.fsPath].filter((p): p is string => !!p) : [],
    };
    return { spec, place, tolerance: config.sweep.tolerance };
  }

  /** Starts the trial on the spare trainer or a new one; undefined after saying why it could not start. */
  private launch(spec: Parameters<typeof launchTrainer>[0], place: TrainerPlace, generation: number) {
    try {
      const taken = this.spare.take(place);
      const trainer = launchTrainer(spec, taken.trainer, {
        onMessage: (m) => this.onTrainerMessage(generation, m),
        onExit: (code, signal) => this.onTrainerExit(generation, code, signal),
      });
      return { trainer, warmForMs: taken.warmForMs };
    } catch (err) {
      const message = `Could not start the trainer (${place.trainerPath}): ${err instanceof Error ? err.message : String(err)}`;
      this.ctx.output.error(message);
      this.panel?.post({ type: 'trainer-exit', code: null, signal: null, message });
      void vscode.window.showErrorMessage(`Loss Lab: ${message}`);
      return undefined;
    }
  }

  stop(): void {
    const trial = this.trial;
    if (!trial || trial.ended) {
      void vscode.window.showInformationMessage('Loss Lab: no training is running.');
      return;
    }
    if (trial.stopRequested) {
      trial.trainer.kill();
      return;
    }
    trial.stopRequested = true;
    this.ctx.output.info(`Stopping the trainer (pid ${trial.trainer.pid})`);
    trial.trainer.stop();
    this.indicators.update(this.progressOf(trial));
    setTimeout(() => {
      if (this.trial === trial && !trial.ended) {
        this.ctx.output.warn(`The trainer did not stop within ${STOP_GRACE_MS} ms; killing it`);
        trial.trainer.kill();
      }
    }, STOP_GRACE_MS);
  }

  async rerun(): Promise<void> {
    if (this.running) return;
    if (!this.lastArgs) {
      void vscode.window.showInformationMessage('Loss Lab: nothing to re-run yet.');
      return;
    }
    await this.train(this.lastArgs);
  }

  /** A panel VS Code restored after a window reload (the serializer): show the last runs in it. */
  adopt(webviewPanel: vscode.WebviewPanel, webviewState: unknown): void {
    const fromWebview = parseMessage(PanelState, webviewState);
    this.state = chooseRestoredState(this.state, fromWebview.ok ? fromWebview.value : undefined, this.running);
    if (this.panel && !this.panel.isDisposed) {
      webviewPanel.dispose();
      return;
    }
    this.panel = new TrainingPanel(this.ctx, webviewPanel, this.panelHandlers());
    if (this.state.title) this.panel.setTitle(tabTitle(this.state.title));
  }

  private showPanel(title: string): void {
    if (this.panel && !this.panel.isDisposed) {
      this.panel.setTitle(tabTitle(title));
      this.panel.reveal();
      return;
    }
    this.panel = TrainingPanel.create(this.ctx, tabTitle(title), this.panelHandlers());
  }

  private panelHandlers() {
    return {
      onMessage: (m: WebviewToHost) => void this.onPanelMessage(m),
      onDispose: () => {
        this.panel = undefined;
        this.spare.clear();
        if (this.running) {
          this.ctx.output.info('The training panel was closed: ending the trainer');
          this.endTrial('panel closed');
        }
      },
    };
  }

  private async onPanelMessage(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.panel?.post({ type: 'restore', state: this.state });
        return;
      case 'stop':
        this.stop();
        return;
      case 'rerun':
        await this.rerun();
        return;
      case 'sweep':
        if (this.running) return;
        if (this.lastArgs) await this.train(this.lastArgs, 'sweep');
        return;
      case 'use-lambda':
        if (this.lastArgs) await useLambda(this.ctx, { ...this.lastArgs, uri: String(this.lastArgs.uri), lambda: m.lambda, ...(m.lambdas ? { lambdas: m.lambdas } : {}) });
        return;
      case 'reveal':
        await this.reveal(m.file, m.line);
        return;
      case 'export':
        await exportData(this.ctx, m.format, m.data, this.trial?.model.name ?? this.state.title.split(' ')[0] ?? 'training');
        return;
    }
  }

  private onTrainerMessage(generation: number, message: TrainerToHost): void {
    const trial = this.trial;
    if (!trial || trial.generation !== generation) return;
    const m = withCell(message, trial.document);
    if (m.type === 'log') {
      const log = { info: this.ctx.output.info, warn: this.ctx.output.warn, error: this.ctx.output.error }[m.level];
      log.call(this.ctx.output, `[trainer] ${m.message}`);
      return;
    }
    const kept = appendBounded(this.state.history, trial.keptPoints, m);
    trial.keptPoints = kept.keptPoints;
    if (kept.history !== this.state.history) this.state = { ...this.state, history: kept.history };
    switch (m.type) {
      case 'ready':
        break;
      case 'started':
        trial.steps = m.steps;
        this.ctx.output.info(`Trainer runs on ${m.backend} (${m.backendReason}); data: ${m.dataset.description}; output activation ${m.outputActivation}`);
        if (m.native) this.ctx.output.warn(describeNative(m.native));
        break;
      case 'metrics':
        if (trial.firstPointAt === undefined && m.points.length > 0) {
          trial.firstPointAt = Date.now();
          this.ctx.output.info(`First point ${trial.firstPointAt - trial.startedAt} ms after the command`);
        }
        for (const p of m.points) trial.step = Math.max(trial.step, p.step + 1);
        this.indicators.update(this.progressOf(trial, m.stepsPerSecond));
        this.saveState(false);
        break;
      case 'run-ended':
        this.ctx.output.info(`Run ${m.summary.runId} ${m.summary.status} after ${m.summary.steps} steps${m.summary.message ? `: ${m.summary.message}` : ''}`);
        break;
      case 'error':
        notifyTrainerError(this.ctx, m, trial);
        if (m.fatal) {
          // The trial is over; the process exiting next is expected, not a crash.
          trial.ended = true;
          this.finish(trial);
        }
        break;
      case 'done':
        this.ctx.output.info(`Training done in ${m.wallSeconds.toFixed(1)} s`);
        trial.ended = true;
        this.recommend(trial);
        this.finish(trial);
        break;
    }
    // After the switch: a trial that ended is saved (finish) before the panel shows it ended.
    this.panel?.post({ type: 'trainer', message: m });
  }

  private onTrainerExit(generation: number, code: number | null, signal: string | null): void {
    const trial = this.trial;
    if (!trial || trial.generation !== generation) return;
    const pid = trial.trainer.pid;
    this.ctx.output.info(`Trainer (pid ${pid}) exited with ${signal ? `signal ${signal}` : `code ${code}`}`);
    if (!trial.ended) {
      trial.ended = true;
      const message = trainerExitText({ pid, step: trial.step, steps: trial.steps, stopRequested: trial.stopRequested }, code, signal);
      // Kept in the history so a reloaded panel still says what happened; saved (finish) before the panel shows it.
      this.state.history.push({ type: 'error', kind: 'internal', message, fatal: true });
      this.finish(trial);
      this.panel?.post({ type: 'trainer-exit', code, signal, message });
      if (!trial.stopRequested) {
        void vscode.window.showErrorMessage(`Loss Lab: ${message}`, 'Show Output', 'Re-run').then((choice) => {
          if (choice === 'Show Output') this.ctx.output.show(true);
          if (choice === 'Re-run') void this.rerun();
        });
      }
    }
  }

  /** Ends the current trial now (restart, panel closed, deactivation): its late messages are ignored. */
  private endTrial(reason: string): void {
    const trial = this.trial;
    if (!trial || trial.ended) return;
    trial.ended = true;
    this.ctx.output.info(`Ending the trainer (pid ${trial.trainer.pid}): ${reason}`);
    this.generation++;
    trial.trainer.kill();
    this.finish(trial);
  }

  /** The trial read as a sweep: its recommendation is what "Use λ" at the loss offers (the panel shows the same). */
  private recommend(trial: Trial): void {
    if (!trial.model.terms.some((t) => t.role === 'penalty')) return;
    const collector = new SweepCollector();
    for (const m of this.state.history) collector.add(m);
    const rec = collector.analyse({ tolerance: this.state.sweep?.tolerance ?? DEFAULT_TOLERANCE }).recommendation;
    if (!rec) return;
    this.recommendations.set(trial.args, { lambda: rec.lambda, ...(rec.lambdas ? { lambdas: rec.lambdas } : {}), feasible: rec.feasible });
    this.ctx.output.info(`${rec.feasible ? 'Recommended' : 'Closest to feasible'}: ${choiceText(rec)}. ${rec.headline}`);
  }

  private finish(trial: Trial): void {
    // A trainer that finished (done, fatal error) exits by itself; one that lingers is ended, never left behind.
    setTimeout(() => trial.trainer.kill(), STOP_GRACE_MS).unref?.();
    // the next trial in this panel starts on a trainer that is already loaded
    if (this.panel && !this.panel.isDisposed) this.spare.prepare(trial.place);
    this.indicators.end();
    this.saveState(true);
  }

  private progressOf(trial: Trial, stepsPerSecond?: number): TrialProgress {
    const { model, trainer, step, steps, stopRequested } = trial;
    return { name: model.name, pid: trainer.pid, step, steps, stopRequested, ...(stepsPerSecond ? { stepsPerSecond } : {}) };
  }

  private saveState(now: boolean): void {
    const t = Date.now();
    if (!now && t - this.lastSave < SAVE_STATE_MS) return;
    this.lastSave = t;
    const saved = { state: this.state, ...(this.lastArgs ? { args: { uri: String(this.lastArgs.uri), modelId: this.lastArgs.modelId } } : {}) };
    if (now) this.store.write(saved);
    else void this.store.writeSoon(saved);
  }

  /** "Show in code" from the panel: the file of the error, else the trained file. */
  private async reveal(file: string | undefined, line: number): Promise<void> {
    const uri = file ? vscode.Uri.file(file) : (this.trial?.document ?? (this.lastArgs ? vscode.Uri.parse(String(this.lastArgs.uri)) : undefined));
    if (uri) await revealLine(uri, line);
  }

  dispose(): void {
    this.endTrial('Loss Lab is shutting down');
    this.spare.clear();
    this.indicators.dispose();
    // The panel stays open: after a window reload the serializer brings it back with the last runs.
  }
}
