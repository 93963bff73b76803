// The training panel webview on its own, in headless Chromium under its real CSP (bench/render.ts builds and serves
// it with a fake VS Code API): what a user sees and what the panel sends back to the host.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openPanelPage, type PanelPage } from '../../bench/render';
import type { HostToWebview, StepMetrics, TrainerToHost } from '../../src/protocol';

const shots = join(__dirname, '..', '..', 'test-results/screenshots');

const runs = [
  { id: 'lambda-0', label: 'λ = 0', lambda: 0 },
  { id: 'lambda-1', label: 'λ = 1 (code)', lambda: 1 },
  { id: 'lambda-10', label: 'λ = 10', lambda: 10 },
];
const STEPS = 80;

function point(r: number, step: number): StepMetrics {
  const decay = Math.exp(-step / 30);
  const raw = (0.4 * decay) / (1 + runs[r].lambda);
  return { runId: runs[r].id, step, total: 1 + decay + runs[r].lambda * raw, original: 1 + decay + 0.02 * r, terms: { t1: { raw, weighted: runs[r].lambda * raw } }, violations: { t1: raw / 2 } };
}

const trainerMessages = (): TrainerToHost[] => [
  { type: 'ready', pid: 31337 },
  {
    type: 'started', backend: 'wasm', backendReason: 'tfjs-node is not installed', outputActivation: 'softmax',
    dataset: { description: 'synthetic blobs', trainSamples: 1600, valSamples: 400, features: 8, outputs: 4 }, runs,
    terms: [{ id: 't0', role: 'base', label: 'cross_entropy' }, { id: 't1', role: 'penalty', label: 'sum_penalty', constraint: 'sum-to-one' }],
    steps: STEPS,
  },
  ...Array.from({ length: STEPS / 10 }, (_, k): TrainerToHost => ({
    type: 'metrics', stepsPerSecond: 120,
    points: Array.from({ length: 10 }, (_, i) => runs.map((_r, r) => point(r, k * 10 + i))).flat(),
  })),
];

const done = (): TrainerToHost => ({
  type: 'done', wallSeconds: 1.2,
  summaries: runs.map((run, r) => ({
    runId: run.id, lambda: run.lambda, steps: STEPS, final: point(r, STEPS - 1), bestStep: STEPS - 1, bestTotal: point(r, STEPS - 1).total,
    stepsPerSecond: 120, wallSeconds: 1.2, status: 'completed' as const,
  })),
});

async function post(page: Page, ...messages: HostToWebview[]): Promise<void> {
  await page.evaluate((ms) => {
    for (const m of ms) window.postMessage(m, '*');
  }, messages);
  // The panel redraws on a later animation frame: wait until it has drawn everything it received.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.waitForFunction(() => (window as unknown as { lossLabPanel: { settled: boolean } }).lossLabPanel.settled, undefined, { polling: 'raf' });
}

const sent = (page: Page) => page.evaluate(() => (window as unknown as { __sent: { type: string; [k: string]: unknown }[] }).__sent);

describe('training panel webview (Chromium)', { timeout: 120_000 }, () => {
  let panel: PanelPage;
  let page: Page;

  before(async () => {
    panel = await openPanelPage();
    page = panel.page;
    mkdirSync(shots, { recursive: true });
    await page.waitForFunction(() => (window as unknown as { __sent: unknown[] }).__sent.length > 0);
  });
  after(async () => panel?.close());

  it('says ready and loads under the CSP without a violation', async () => {
    assert.deepEqual((await sent(page))[0], { type: 'ready' });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
    assert.match(((await page.locator('#empty').textContent()) ?? ''), /Train with Constraint/);
  });

  it('streams every run into the loss and constraint charts (no flat λ chart for fixed λ), with the header filled in', async () => {
    await post(page, { type: 'reset', title: 'constrained_loss · example1_sum_to_one.py:3' }, ...trainerMessages().map((message) => ({ type: 'trainer' as const, message })));
    assert.equal(((await page.locator('#title').textContent()) ?? ''), 'constrained_loss · example1_sum_to_one.py:3');
    assert.equal(((await page.locator('#backend').textContent()) ?? ''), 'wasm');
    assert.equal(((await page.locator('#pid').textContent()) ?? ''), '31337');
    assert.equal(((await page.locator('#progress-text').textContent()) ?? ''), `${STEPS} / ${STEPS}`);
    assert.match(((await page.locator('#steps-per-second').textContent()) ?? ''), /120 steps\/s/);
    const charts = await page.locator('figure[data-chart]').evaluateAll((fs) => fs.map((f) => [(f as HTMLElement).dataset.chart, (f as HTMLElement).dataset.minPoints, (f as HTMLElement).dataset.series]));
    assert.deepEqual(charts, [
      ['loss', String(STEPS), '6'],
      ['term:t1', String(STEPS), '6'],
      ['tradeoff', undefined, undefined],
    ]);
    assert.equal(await page.locator('#summary').isHidden(), true, 'no summary while training');
    assert.equal(await page.locator('#stop').getAttribute('disabled'), null, 'Stop is enabled while training');
  });

  it('drops a malformed message without changing what it shows', async () => {
    await page.evaluate(() => window.postMessage({ type: 'trainer', message: { type: 'metrics', points: 'nope' } }, '*'));
    await page.evaluate(() => window.postMessage({ type: 'teleport' }, '*'));
    await post(page);
    assert.equal(await page.locator('figure[data-chart="loss"]').getAttribute('data-min-points'), String(STEPS));
    assert.equal(((await page.locator('#status').textContent()) ?? ''), 'running');
  });

  it('reads values from the keyboard: a focused chart moves its read-out with the arrow keys', async () => {
    // One legend (the run toggles): a chart's read-out shows only while it is hovered or focused.
    await page.mouse.move(0, 0);
    await page.locator('#log-scale').focus();
    assert.equal(await page.locator('figure[data-chart="loss"] .u-legend').isVisible(), false, 'no read-out under an idle chart');
    await page.locator('figure[data-chart="loss"]').focus();
    assert.equal(await page.locator('figure[data-chart="loss"] .u-legend').isVisible(), true, 'the read-out of the focused chart');
    await page.keyboard.press('End');
    const readout = ((await page.locator('figure[data-chart="loss"] .u-legend .u-series').first().textContent()) ?? '');
    assert.match(readout, /step\s*79/);
    await page.keyboard.press('Shift+ArrowLeft');
    assert.match(((await page.locator('figure[data-chart="loss"] .u-legend .u-series').first().textContent()) ?? ''), /step\s*69/);
  });

  it('Stop sends stop to the host and says "stopping…" at once, until the trainer confirms', async () => {
    await page.locator('#stop').click();
    assert.deepEqual((await sent(page)).at(-1), { type: 'stop' });
    assert.equal(await page.locator('#status').textContent(), 'stopping…');
    assert.notEqual(await page.locator('#stop').getAttribute('disabled'), null, 'Stop is not offered twice');
  });

  it('ends with a summary table per run, the Pareto front as its one trade-off chart, and a screen-reader summary', async () => {
    assert.equal(await page.locator('#pid').isVisible(), true, 'the pid shows while the trainer runs');
    await post(page, { type: 'trainer', message: done() });
    assert.equal(await page.locator('#summary').isVisible(), true);
    assert.equal(await page.locator('#pid').isVisible(), false, 'no stale pid in the header once the trainer ended');
    assert.match((await page.locator('#status').getAttribute('title')) ?? '', /^Trainer process \d+ \(ended\)$/);
    const rows = await page.locator('#summary-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[1].slice(0, 2), ['λ = 1 (code)', '1']);
    assert.equal(rows[1][4], String(STEPS - 1));
    assert.equal(Number(rows[1][3]), Number((point(1, STEPS - 1).violations.t1).toPrecision(5)));
    // The Pareto front is the trade-off chart; the older final-values chart does not repeat it.
    assert.equal(await page.locator('#pareto canvas').isVisible(), true, 'the Pareto front is drawn');
    assert.equal(await page.locator('figure[data-chart="tradeoff"]').isVisible(), false, 'no second trade-off chart');
    const live = ((await page.locator('#live-summary').textContent()) ?? '');
    assert.match(live, /finished after 80 of 80 steps/);
    assert.match(live, /λ = 10: original loss/);
    assert.equal(await page.locator('#live-summary').getAttribute('aria-live'), 'polite');
    await page.screenshot({ path: join(shots, 'panel-done.png'), fullPage: true });
  });

  it('exports CSV and PNG through the host', async () => {
    await page.locator('#export-csv').click();
    const csv = (await sent(page)).at(-1);
    assert.equal(csv?.type, 'export');
    assert.equal(csv?.format, 'csv');
    const lines = String(csv?.data).trim().split('\n');
    // The runs ended: each row also carries its run's verdict (the sweep columns).
    assert.match(lines[0], /^run,lambda,step,total,original,sum_penalty P,sum_penalty violation,val base loss,feasible,on front,recommended,/);
    assert.equal(lines.length, 1 + runs.length * STEPS);
    assert.ok(lines.slice(1).every((l) => /,(yes|no),(yes|no),(yes|no),/.test(l)), lines[1]);
    await page.locator('#export-png').click();
    const png = (await sent(page)).at(-1);
    assert.equal(png?.format, 'png');
    assert.match(String(png?.data), /^data:image\/png;base64,iVBORw0KGgo/);
  });

  it('toggles a run, the log scale and smoothing without errors', async () => {
    await page.locator('vscode-checkbox[data-run="lambda-10"]').click();
    await post(page);
    const off = await page.locator('figure[data-chart="loss"] .u-legend .u-series.u-off').count();
    assert.equal(off, 2, 'both λ = 10 series (total, original) hidden in the loss chart');
    await page.locator('#log-scale').click();
    await page.locator('#smoothing').fill('0.8');
    await post(page);
    assert.equal(((await page.locator('#smoothing-value').textContent()) ?? ''), '0.80');
    assert.equal(await page.locator('figure[data-chart="loss"] .u-legend .u-series.u-off').count(), 2, 'hidden runs stay hidden after the rebuild');
    assert.deepEqual(panel.errors, []);
  });

  it('follows a theme change', async () => {
    const before = await page.locator('vscode-checkbox[data-run="lambda-0"]').evaluate((e) => (e as HTMLElement).style.getPropertyValue('--run-colour'));
    await page.evaluate(() => {
      document.body.style.setProperty('--vscode-charts-blue', '#0000aa');
      document.body.className = 'vscode-light';
    });
    await post(page);
    const afterChange = await page.locator('vscode-checkbox[data-run="lambda-0"]').evaluate((e) => (e as HTMLElement).style.getPropertyValue('--run-colour'));
    assert.notEqual(afterChange, before);
    assert.equal(afterChange, '#0000aa');
    // A theme of the same kind changes only the variables VS Code sets on <html>.
    await page.evaluate(() => document.documentElement.style.setProperty('--vscode-charts-orange', '#aa5500'));
    await post(page);
    const orange = await page.locator('vscode-checkbox[data-run="lambda-1"]').evaluate((e) => (e as HTMLElement).style.getPropertyValue('--run-colour'));
    assert.equal(orange, '#aa5500');
  });

  it('shows an error with "Show in code", which asks the host to reveal the line', async () => {
    await post(page, { type: 'reset', title: 'bad_loss · a.py:3' }, { type: 'trainer', message: { type: 'error', kind: 'unsupported-op', message: 'tf.py_function is not supported', op: 'tf.py_function', location: { file: '/w/a.py', line: 5 }, fatal: true } });
    assert.match(((await page.locator('#errors .error').textContent()) ?? ''), /tf\.py_function is not supported \(a\.py:5\)/);
    await page.locator('#errors vscode-button.reveal').click();
    assert.deepEqual((await sent(page)).at(-1), { type: 'reveal', file: '/w/a.py', line: 5 });
    assert.equal(((await page.locator('#status').textContent()) ?? ''), 'failed');
    // In a notebook the line counts from the top of a cell, which the error says.
    await post(page, { type: 'reset', title: 'bad_loss · nb.ipynb, cell 3, line 1' }, { type: 'trainer', message: { type: 'error', kind: 'unsupported-op', message: 'tf.py_function is not supported', location: { line: 4, cell: 3 }, fatal: true } });
    assert.match(((await page.locator('#errors .error').textContent()) ?? ''), /tf\.py_function is not supported \(cell 3, line 4\)/);
    await page.locator('#errors vscode-button.reveal').click();
    assert.deepEqual((await sent(page)).at(-1), { type: 'reveal', file: undefined, line: 4 });
  });

  it('reports a trainer that went away, and restores a saved state', async () => {
    const messages = trainerMessages().map((message) => ({ type: 'trainer' as const, message }));
    await post(page, { type: 'reset', title: 'killed' }, ...messages.slice(0, 4), { type: 'trainer-exit', code: null, signal: 'SIGKILL', message: 'The trainer process (pid 31337) was killed (SIGKILL) at step 20 of 80 before finishing.' });
    assert.match(((await page.locator('#errors').textContent()) ?? ''), /pid 31337\) was killed/);
    assert.equal(((await page.locator('#status').textContent()) ?? ''), 'crashed');
    const state = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    await post(page, { type: 'reset', title: 'other' });
    await post(page, { type: 'restore', state: state as never });
    assert.equal(((await page.locator('#title').textContent()) ?? ''), 'killed');
    assert.equal(await page.locator('figure[data-chart="loss"]').getAttribute('data-min-points'), '20');
  });
});
