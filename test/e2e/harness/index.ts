// End-to-end harness: the packaged extension installed into a real VS Code (code-server) driven by Playwright in
// Debian's Chromium. Each session gets a fresh extensions folder and user-data folder and its own port; code-server
// runs in its own process group and is ended as a group. Needs `npm run setup:e2e` first.
//
//   const session = await startVSCode({ workspace: '/abs/folder', settings: { 'lossLab.x': 1 } });
//   await session.openFile('example.py'); await session.runCommand('Loss Lab: Insert Constraint…');
//   await session.screenshot('inserted'); await session.close();
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';
import { packagedVsix, repoRoot } from './vsix';

/** The shared code-server helpers of the set-up script (an ES module, loaded dynamically from this CommonJS code). */
const loadSetup = () => import('../../../scripts/setup-e2e.mjs');
type CodeServer = Awaited<ReturnType<Awaited<ReturnType<typeof loadSetup>>['startCodeServer']>>;

export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

export type SquiggleKind = 'error' | 'warning' | 'info' | 'hint';

export interface StartOptions {
  /** The folder VS Code opens (used in place: copy it first with `copyWorkspace` if the test edits files). */
  workspace: string;
  /** Written to the user's settings.json, over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Keep workspace trust enabled (tests of restricted mode); off by default so no trust prompt appears. */
  trust?: boolean;
}

export interface VSCodeSession {
  page: Page;
  browser: Browser;
  /** The opened folder (absolute). */
  workspace: string;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  userDataDir: string;
  /** Opens a workspace file with Ctrl+P and waits until its editor is active and focused. */
  openFile(relPath: string): Promise<void>;
  /** Runs a command by its palette title (e.g. `Loss Lab: Insert Constraint…`) through F1. */
  runCommand(title: string): Promise<void>;
  /** Types into the focused element as a user would (the editor's auto-closing and indentation apply). */
  typeText(text: string): Promise<void>;
  /** The active editor's full text, as saved to disk (the editor is saved first with Ctrl+S). */
  editorText(): Promise<string>;
  /** The editor lines currently rendered on screen, top to bottom (what a user sees). */
  visibleLines(): Promise<string[]>;
  /** Waits until the active editor shows at least one squiggle of this kind; returns how many. */
  waitForSquiggle(kind: SquiggleKind, timeoutMs?: number): Promise<number>;
  /** The (nested) webview frame that contains `selector`. */
  findFrame(selector: string, timeoutMs?: number): Promise<Frame>;
  /** Saves `test-results/screenshots/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
  /** The tail of code-server's output and of the extension host / Loss Lab logs, for failure reports. */
  logTail(lines?: number): string;
  close(): Promise<void>;
}

/** Settings that keep the workbench quiet and predictable for tests. */
const defaultSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'files.autoSave': 'off',
  'editor.snippetSuggestions': 'top',
  'editor.acceptSuggestionOnEnter': 'on',
  'window.restoreWindows': 'none',
  'workbench.editor.enablePreview': false,
};

/** Copies a folder into a fresh temporary folder, so a test can edit and save its files freely. */
export function copyWorkspace(folder: string): string {
  const dest = mkdtempSync(join(tmpdir(), 'loss-lab-ws-'));
  cpSync(folder, dest, { recursive: true });
  return dest;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tailOf(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

export async function startVSCode(options: StartOptions): Promise<VSCodeSession> {
  const setup = await loadSetup();
  for (const [what, path] of [
    ['Node 24', setup.node24],
    ['code-server', setup.codeServerEntry],
    ['Chromium', setup.chromiumPath],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${what} is missing (${path}): run \`npm run setup:e2e\` first`);
  }
  const workspace = resolve(options.workspace);
  const tmp = mkdtempSync(join(tmpdir(), 'loss-lab-e2e-'));
  const extensionsDir = join(tmp, 'extensions');
  const userDataDir = join(tmp, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...defaultSettings, ...(options.trust ? { 'security.workspace.trust.enabled': true } : {}), ...options.settings }, null, 2));

  setup.installExtension(packagedVsix(tmp), extensionsDir, userDataDir);

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  // A crashed or interrupted test must not leave code-server behind: end its group, then let the signal act.
  const onSignal = (signal: NodeJS.Signals) => {
    server?.stop();
    process.kill(process.pid, signal);
  };
  const stopServer = () => {
    server?.stop();
    process.removeListener('exit', stopServer);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  process.once('exit', stopServer);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const logTail = (lines = 60): string => {
    const parts = [`--- code-server output (last ${lines} lines) ---\n${tailOf(server?.log() ?? '', lines)}`];
    for (const f of filesUnder(join(userDataDir, 'logs')).filter((p) => /exthost\.log$|Loss Lab\.log$|remoteexthost\.log$/.test(p))) {
      parts.push(`--- ${f.slice(userDataDir.length + 1)} ---\n${tailOf(readFileSync(f, 'utf8'), lines)}`);
    }
    return parts.join('\n');
  };

  try {
    const port = await setup.freePort();
    server = await setup.startCodeServer({ port, extensionsDir, userDataDir, folder: workspace, trust: options.trust });
    browser = await chromium.launch({
      executablePath: setup.chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    // The explorer lists the folder once the workbench has restored: a good sign the window is ready for input.
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 }).catch(() => undefined);
    return makeSession({ page, browser, server, workspace, userDataDir, tmp, logTail, stopServer });
  } catch (err) {
    const tail = logTail();
    await browser?.close().catch(() => undefined);
    stopServer();
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`could not start VS Code: ${err instanceof Error ? err.message : String(err)}\n${tail}`);
  }
}

interface Parts {
  page: Page;
  browser: Browser;
  server: CodeServer;
  workspace: string;
  userDataDir: string;
  tmp: string;
  logTail: (lines?: number) => string;
  stopServer: () => void;
}

function makeSession({ page, browser, server, workspace, userDataDir, tmp, logTail, stopServer }: Parts): VSCodeSession {
  const quickInput = page.locator('.quick-input-widget');
  const activeEditor = page.locator('.editor-group-container.active .monaco-editor').first();
  let closed = false;

  async function openQuickInput(key: string): Promise<void> {
    await page.keyboard.press(key);
    await quickInput.waitFor({ state: 'visible', timeout: 15_000 });
  }

  const session: VSCodeSession = {
    page,
    browser,
    workspace,
    url: server.url,
    userDataDir,

    async openFile(relPath) {
      const name = basename(relPath);
      // Wait for the file among the results (the file index may still be building) and click exactly it: the
      // first row may be a recently opened file that the fuzzy match also accepts (a.py for "a.ts").
      const dir = relPath.includes('/') ? relPath.slice(0, relPath.lastIndexOf('/')) : '';
      const exactName = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      const row = quickInput
        .locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: exactName }), ...(dir ? { hasText: dir } : {}) })
        .first();
      // Quick Open searches once per query: a file written a moment ago can be missing from that search, so a
      // query that does not show it is closed and typed again (a new search).
      for (let attempt = 1; ; attempt++) {
        await openQuickInput('Control+P');
        await page.keyboard.type(relPath);
        try {
          await row.waitFor({ timeout: attempt < 3 ? 10_000 : 30_000 });
          break;
        } catch (err) {
          if (attempt >= 3) throw err;
          await page.keyboard.press('Escape');
          await quickInput.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
          await page.waitForTimeout(1000);
        }
      }
      await row.click();
      await quickInput.waitFor({ state: 'hidden', timeout: 15_000 });
      await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
      await activeEditor.locator('.view-lines').waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => document.activeElement?.closest('.monaco-editor') !== null, undefined, { timeout: 15_000 });
    },

    async runCommand(title) {
      await openQuickInput('F1');
      await page.keyboard.type(title);
      // The palette filters as it is typed: wait for the exact command, then run it.
      const row = quickInput.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: title }) }).first();
      await row.waitFor({ timeout: 20_000 });
      await row.click();
      await page.waitForFunction((t) => {
        const input = document.querySelector<HTMLInputElement>('.quick-input-widget input');
        const widget = document.querySelector<HTMLElement>('.quick-input-widget');
        return !widget || widget.style.display === 'none' || !input?.value.startsWith(`>${t}`);
      }, title, { timeout: 15_000 });
    },

    async typeText(text) {
      await page.keyboard.type(text, { delay: 15 });
    },

    async editorText() {
      const tab = page.locator('.tabs-container .tab.active');
      const label = (await tab.getAttribute('aria-label')) ?? '';
      // Save only when there is something to save: saving a clean file rewrites it, and a read racing that write
      // can see it empty. The dirty mark goes away once the write has finished.
      if ((await page.locator('.tabs-container .tab.active.dirty').count()) > 0) {
        await page.keyboard.press('Control+S');
        await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 15_000 });
      }
      // The active tab's title attribute holds the file's path (with ~ for the home folder in some builds).
      const title = (await tab.getAttribute('title')) ?? '';
      const candidates = [title, title.replace(/^~/, process.env.HOME ?? '~'), ...filesUnder(workspace).filter((f) => label.startsWith(basename(f)))];
      const file = candidates.find((f) => f && existsSync(f) && statSync(f).isFile());
      if (!file) throw new Error(`cannot tell which file the active editor holds (tab "${label}", title "${title}")`);
      // Belt and braces: the same content twice in a row, so a write still in flight is not read half-done.
      let text = readFileSync(file, 'utf8');
      for (let i = 0; i < 20; i++) {
        await sleep(100);
        const again = readFileSync(file, 'utf8');
        if (again === text) break;
        text = again;
      }
      return text;
    },

    async visibleLines() {
      return activeEditor.evaluate((editor) =>
        [...editor.querySelectorAll<HTMLElement>('.view-lines .view-line')]
          .sort((a, b) => Number.parseFloat(a.style.top) - Number.parseFloat(b.style.top))
          .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')),
      );
    },

    async waitForSquiggle(kind, timeoutMs = 45_000) {
      const squiggles = activeEditor.locator(`.squiggly-${kind}`);
      await squiggles.first().waitFor({ state: 'attached', timeout: timeoutMs });
      return squiggles.count();
    },

    async findFrame(selector, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        for (const frame of page.frames()) {
          try {
            if (await frame.$(selector)) return frame;
          } catch {
            /* frame navigating or detached */
          }
        }
        await sleep(250);
      }
      throw new Error(`no webview frame contains ${selector} after ${timeoutMs / 1000}s`);
    },

    async screenshot(name) {
      mkdirSync(screenshotDir, { recursive: true });
      const file = join(screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      await page.screenshot({ path: file });
      return file;
    },

    logTail,

    async close() {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => undefined);
      stopServer();
      if (!process.env.LOSS_LAB_E2E_KEEP) rmSync(tmp, { recursive: true, force: true });
    },
  };
  return session;
}

/**
 * Runs `check` and, if it fails, saves a screenshot named after the test and puts code-server's and the
 * extension host's log tails into the test output before re-throwing.
 */
export async function reportOnFailure<T>(t: TestContext, session: VSCodeSession, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    const shot = await session.screenshot(`FAILED-${t.name}`).catch((e: unknown) => `(no screenshot: ${String(e)})`);
    t.diagnostic(`screenshot: ${shot}`);
    for (const line of session.logTail().split('\n')) t.diagnostic(line);
    throw err;
  }
}
