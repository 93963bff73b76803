// Rendering speed of the training panel: the built panel bundle in headless Chromium (a plain page with the
// panel's own CSP and a fake `acquireVsCodeApi`), fed 4 runs × 5 series (total, original, raw P, violation, λ)
// × 10,000 steps as metrics messages, ~60 a second. Reports the page's frame rate while the data streams
// (requestAnimationFrame callbacks per second), the panel's redraws per second, and any CSP violation.
//   node --import tsx bench/render.ts        (or through bench/index.ts: `npm run bench`)
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { makeNonce, panelHtml } from '../src/editor/training/panelHtml';

export interface RenderBenchOptions {
  runs?: number;
  points?: number;
  /** Metrics messages per second. */
  messagesPerSecond?: number;
  chromiumPath?: string;
  /** Saves a picture of the panel at the end (test-results/screenshots/bench-render.png). */
  screenshot?: boolean;
}

export interface RenderBenchResult {
  name: 'panel render';
  runs: number;
  seriesPerRun: number;
  pointsPerSeries: number;
  /** Browser frames per second while the data streamed (the figure the target of 30 applies to). */
  fps: number;
  /** Panel redraws (setData of every chart) per second. */
  redrawsPerSecond: number;
  /** Mean wall time of one redraw of every chart (at all sizes up to the full 10,000 points). */
  meanRedrawMs: number;
  /** The slowest 5% of frames, in ms. */
  p95FrameMs: number;
  seconds: number;
  /** Points the panel holds per series at the end (checks that everything arrived). */
  minPointsDrawn: number;
  cspViolations: string[];
  errors: string[];
}

const root = join(__dirname, '..');

const darkTheme: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-foreground': '#d4d4d4',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-red': '#f14c4c',
};
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function buildPanel(outDir: string): Promise<void> {
  await esbuild.build({
    entryPoints: [join(root, 'webview/panel/main.ts')],
    outfile: join(outDir, 'panel.js'),
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'warning',
  });
}

function serve(dir: string, pages: Record<string, string>): Promise<Server> {
  const types: Record<string, string> = { js: 'text/javascript', css: 'text/css', html: 'text/html' };
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0].replace(/^\//, '') || 'index.html';
    try {
      const body = pages[name] ?? readFileSync(join(dir, name.replace(/\.\./g, '')));
      res.writeHead(200, { 'content-type': types[name.split('.').pop() ?? ''] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs in the page: fake VS Code API, then the stream of trainer messages once the panel says `ready`. */
/** Stands in for VS Code in the page: records what the panel sends and its saved state, and CSP violations. */
const fakeVsCode = `
window.__sent = [];
window.__state = undefined;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => { window.__sent.push(m); if (window.__onPanelMessage) window.__onPanelMessage(m); },
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));
`;

function streamScript(runs: number, points: number, messagesPerSecond: number): string {
  return `
window.__onPanelMessage = (m) => { if (m.type === 'ready') window.__startStream(); };
window.__startStream = () => {
  const RUNS = ${runs}, POINTS = ${points}, RATE = ${messagesPerSecond};
  const runs = Array.from({ length: RUNS }, (_, i) => ({ id: 'r' + i, label: 'λ = ' + [0, 0.1, 1, 10, 100, 1000][i % 6], lambda: [0, 0.1, 1, 10, 100, 1000][i % 6] }));
  const post = (message) => window.postMessage({ type: 'trainer', message }, '*');
  window.postMessage({ type: 'reset', title: 'render bench' }, '*');
  post({ type: 'ready', pid: 1 });
  post({ type: 'started', backend: 'cpu', backendReason: 'bench', outputActivation: 'softmax',
    dataset: { description: 'bench', trainSamples: 1, valSamples: 1, features: 1, outputs: 1 }, runs,
    terms: [{ id: 't0', role: 'base', label: 'ce' }, { id: 't1', role: 'penalty', label: 'sum_penalty', constraint: 'sum-to-one' }],
    steps: POINTS });
  const perMessage = Math.ceil(POINTS / (RATE * 8));
  let step = 0;
  const frames = [];
  let last = performance.now();
  const t0 = last;
  let measuring = true;
  const tick = (t) => { frames.push(t - last); last = t; if (measuring) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const timer = setInterval(() => {
    const batch = [];
    const end = Math.min(POINTS, step + perMessage);
    for (; step < end; step++) {
      for (let r = 0; r < RUNS; r++) {
        const decay = Math.exp(-step / (POINTS / 4));
        const noise = Math.sin(step * 12.9898 + r * 78.233) * 0.05;
        const raw = 0.5 * decay / (1 + r) + Math.abs(noise) * 0.1;
        batch.push({ runId: 'r' + r, step, total: 2 * decay + noise + runs[r].lambda * raw, original: 2 * decay + noise + 0.05 * r,
          terms: { t1: { raw, weighted: runs[r].lambda * raw } }, violations: { t1: raw * 0.8 } });
      }
    }
    post({ type: 'metrics', points: batch, stepsPerSecond: perMessage * RATE });
    if (step >= POINTS) {
      clearInterval(timer);
      // Let the last frame draw, then stop measuring.
      requestAnimationFrame(() => requestAnimationFrame(() => {
        measuring = false;
        const seconds = (performance.now() - t0) / 1000;
        const sorted = frames.slice(1).sort((a, b) => a - b);
        window.__result = { seconds, frames: frames.length, p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
          redraws: window.lossLabPanel.framesDrawn, drawMs: window.lossLabPanel.drawMsTotal };
      }));
    }
  }, 1000 / RATE);
};`;
}

export interface PanelPage {
  page: Page;
  origin: string;
  /** Page errors and console errors. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * The built panel in headless Chromium: its real HTML and CSP from panelHtml(), the dark theme's variables, and a
 * fake VS Code API (window.__sent, window.__state). `script` runs before the panel (same nonce).
 */
export async function openPanelPage(options: { script?: string; chromiumPath?: string; viewport?: { width: number; height: number } } = {}): Promise<PanelPage> {
  const dir = mkdtempSync(join(tmpdir(), 'loss-lab-panel-'));
  await buildPanel(dir);
  const browser = await chromium.launch({ executablePath: options.chromiumPath ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const pages: Record<string, string> = {};
  const server = await serve(dir, pages);
  const close = async () => {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const nonce = makeNonce();
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pages['fake-vscode.js'] = fakeVsCode + (options.script ?? '');
    pages['favicon.ico'] = '';
    // A few of the variables VS Code's dark theme sets (on <html>, as VS Code does), so the panel looks as in the editor.
    pages['theme.css'] = `html { ${Object.entries(darkTheme).map(([k, v]) => `${k}: ${v};`).join(' ')} }`;
    // The panel's real HTML and CSP; one more nonce'd script in front of it stands in for VS Code.
    pages['index.html'] = panelHtml({ cspSource: origin, scriptUri: `${origin}/panel.js`, styleUri: `${origin}/panel.css`, title: 'panel', nonce })
      .replace('<script nonce', `<script nonce="${nonce}" src="${origin}/fake-vscode.js"></script>\n<script nonce`)
      .replace('<link rel', `<link rel="stylesheet" href="${origin}/theme.css">\n<link rel`);
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 900, height: 1200 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${origin}/index.html`);
    return { page, origin, errors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export async function benchRender(options: RenderBenchOptions = {}): Promise<RenderBenchResult> {
  const runs = options.runs ?? 4;
  const points = options.points ?? 10_000;
  const rate = options.messagesPerSecond ?? 60;
  const { page, errors, close } = await openPanelPage({ script: streamScript(runs, points, rate), chromiumPath: options.chromiumPath });
  try {
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 180_000, polling: 250 });
    const r = await page.evaluate(() => {
      const w = window as unknown as { __result: { seconds: number; frames: number; p95: number; redraws: number; drawMs: number }; __violations: string[] };
      const counts = [...document.querySelectorAll<HTMLElement>('figure[data-min-points]')].map((f) => Number(f.dataset.minPoints));
      return { ...w.__result, violations: w.__violations, minPoints: Math.min(...counts) };
    });
    if (options.screenshot ?? true) {
      const shots = join(root, 'test-results/screenshots');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'bench-render.png'), fullPage: true });
    }
    return {
      name: 'panel render',
      runs,
      seriesPerRun: 5,
      pointsPerSeries: points,
      fps: r.frames / r.seconds,
      redrawsPerSecond: r.redraws / r.seconds,
      meanRedrawMs: r.drawMs / Math.max(1, r.redraws),
      p95FrameMs: r.p95,
      seconds: r.seconds,
      minPointsDrawn: r.minPoints,
      cspViolations: r.violations,
      errors,
    };
  } finally {
    await close();
  }
}

export function formatRenderResult(r: RenderBenchResult): string {
  return `panel render (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores): ${r.runs} runs × ${r.seriesPerRun} series × ${r.pointsPerSeries} points streamed in ${r.seconds.toFixed(1)} s: ` +
    `${r.fps.toFixed(1)} fps (target ≥ 30), ${r.redrawsPerSecond.toFixed(1)} redraws/s of ${r.meanRedrawMs.toFixed(1)} ms each, p95 frame ${r.p95FrameMs.toFixed(1)} ms, ` +
    `${r.minPointsDrawn} points per series drawn${r.cspViolations.length ? `, CSP violations: ${r.cspViolations.join('; ')}` : ''}` +
    `${r.errors.length ? `, page errors: ${r.errors.join('; ')}` : ''}`;
}

if (require.main === module) {
  benchRender().then(
    (r) => console.log(formatRenderResult(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
