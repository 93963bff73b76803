// Keeps a trial's message history (what the panel is rebuilt from after a reload) bounded: past `maxPoints`
// measured points, the metrics are thinned to every k-th step per run (each run's last point is always kept).
// Plain TS, shared by the host (workspaceState) and the webview (its saved state).
import type { PanelState, StepMetrics, TrainerToHost } from '../../protocol';

export const MAX_SAVED_POINTS = 20_000;

export function pointsIn(history: readonly TrainerToHost[]): number {
  let n = 0;
  for (const m of history) if (m.type === 'metrics') n += m.points.length;
  return n;
}

export function compactHistory(history: TrainerToHost[], maxPoints = MAX_SAVED_POINTS): TrainerToHost[] {
  const total = pointsIn(history);
  if (total <= maxPoints) return history;
  const keepEvery = Math.ceil(total / maxPoints);
  const lastStep = new Map<string, number>();
  for (const m of history) {
    if (m.type !== 'metrics') continue;
    for (const p of m.points) lastStep.set(p.runId, Math.max(p.step, lastStep.get(p.runId) ?? -1));
  }
  const out: TrainerToHost[] = [];
  const kept: StepMetrics[] = [];
  let at = -1;
  let stepsPerSecond = 0;
  for (const m of history) {
    if (m.type !== 'metrics') {
      out.push(m);
      continue;
    }
    // All metrics go into one message where the first one was: after `started`, before `run-ended`/`done`.
    if (at < 0) {
      at = out.length;
      out.push(m);
    }
    stepsPerSecond = m.stepsPerSecond;
    for (const p of m.points) if (p.step % keepEvery === 0 || p.step === lastStep.get(p.runId)) kept.push(p);
  }
  out[at] = { type: 'metrics', points: kept, stepsPerSecond };
  return out;
}

/**
 * Which saved state a panel restored after a window reload shows. The host's (workspaceState) is the last trial;
 * the webview's copy is kept by the workbench and may be older (a previous trial with a longer history), so it only
 * fills in when the host has nothing, or has less of the same trial.
 */
export function chooseRestoredState(host: PanelState, webview: PanelState | undefined, running: boolean): PanelState {
  if (!webview || running || webview.history.length === 0) return host;
  if (host.history.length === 0) return webview;
  return webview.title === host.title && webview.history.length > host.history.length ? webview : host;
}
