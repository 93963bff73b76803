// Reading the training panel from its DOM, as a user sees it (status, trainer pid, title, points per chart,
// summary rows, errors), and waiting for a condition on it. Shared by the training e2e tests.
import type { Frame } from 'playwright-core';
import type { VSCodeSession } from './index';

/** Polls `probe` until it gives a value (not undefined or false); errors in between (a reloading frame) are retried. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err; // the webview frame may be reloading
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** What the panel shows, read from its DOM. */
export interface PanelView {
  status: string;
  pid: string;
  title: string;
  /** Steps of the trial as the trainer announced them (0 before `started`). */
  steps: number;
  /** The step the header's progress shows. */
  step: number;
  /** The backend the trainer runs on, and why (the header's tooltip). */
  backend: string;
  backendReason: string;
  minPoints: number[];
  summaryRows: number;
  errors: string[];
  /** When the panel painted the trial's first point (epoch ms, the webview's clock), 0 before. */
  firstPointDrawnAt: number;
  /** When the panel last showed a new status (epoch ms, the webview's clock). */
  statusShownAt: number;
  /** When the panel said "stopping…" after a click on Stop (epoch ms), 0 before. */
  stoppingShownAt: number;
}

export async function readPanel(frame: Frame): Promise<PanelView> {
  return frame.evaluate(() => ({
    status: document.body.dataset.status ?? '',
    pid: document.getElementById('pid')?.textContent ?? '',
    title: document.getElementById('title')?.textContent ?? '',
    steps: Number(/\/\s*(\d+)/.exec(document.getElementById('progress-text')?.textContent ?? '')?.[1] ?? 0),
    step: Number(/(\d+)\s*\//.exec(document.getElementById('progress-text')?.textContent ?? '')?.[1] ?? 0),
    backend: document.getElementById('backend')?.textContent ?? '',
    backendReason: document.getElementById('backend')?.getAttribute('title') ?? '',
    minPoints: [...document.querySelectorAll<HTMLElement>('figure[data-min-points]')].map((f) => Number(f.dataset.minPoints)),
    summaryRows: document.querySelectorAll('#summary:not([hidden]) #summary-table tbody tr').length,
    errors: [...document.querySelectorAll('#errors .error')].map((e) => e.textContent ?? ''),
    firstPointDrawnAt: Number(document.body.dataset.firstPointDrawnAt ?? 0),
    statusShownAt: Number(document.body.dataset.statusShownAt ?? 0),
    stoppingShownAt: Number(document.body.dataset.stoppingShownAt ?? 0),
  }));
}

/** The training panel's webview frame. */
export async function panel(session: VSCodeSession): Promise<Frame> {
  return session.findFrame('#charts');
}

/** The trainer pid the panel shows now ('' before the first panel): a new trial shows a different one. */
export async function currentPid(session: VSCodeSession): Promise<string> {
  const frame = await session.findFrame('#charts', 1000).catch(() => undefined);
  return frame ? (await readPanel(frame)).pid : '';
}
