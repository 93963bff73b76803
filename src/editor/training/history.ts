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

/**
 * Appends a trainer message to the kept history. A long trial must not grow it (and each save of it) without
 * bound: past twice the cap of points it is compacted to the cap, and the new history is returned.
 */
export function appendBounded(
  history: TrainerToHost[],
  keptPoints: number,
  m: TrainerToHost,
): { history: TrainerToHost[]; keptPoints: number } {
  history.push(m);
  if (m.type !== 'metrics') return { history, keptPoints };
  const points = keptPoints + m.points.length;
  if (points <= 2 * MAX_SAVED_POINTS) return { history, keptPoints: points };
  return { history: compactHistory(history), keptPoints: MAX_SAVED_POINTS };
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
 * Which saved state a panel restored after a window reload shows: the later trial, by the time each copy says it
 * started. Either copy can be behind: the workbench may keep a webview state of an older trial, and the host's
 * workspaceState may not have been written out when the window reloaded right after a trial. Of two copies of the
 * same trial, the one with more of it; copies without a start time (saved by an older version) fall back to the
 * host's, unless it has nothing or less of the same title.
 */
export function chooseRestoredState(host: PanelState, webview: PanelState | undefined, running: boolean): PanelState {
  if (!webview || running || webview.history.length === 0) return host;
  if (host.history.length === 0) return webview;
  if (host.trial !== undefined && webview.trial !== undefined && host.trial !== webview.trial) return webview.trial > host.trial ? webview : host;
  const sameTrial = host.trial !== undefined && host.trial === webview.trial;
  return (sameTrial || webview.title === host.title) && webview.history.length > host.history.length ? webview : host;
}
