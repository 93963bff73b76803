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
import { afterEach, beforeEach, type SuiteContext, type TestContext } from 'node:test';
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
  /**
   * Puts the cursor at a 1-based line (and column) with Go to Line (Ctrl+G): waits for its input and for the row
   * that offers the line before pressing Enter (an Enter before it is lost), and checks the status bar after.
   */
  goToLine(line: number, col?: number): Promise<void>;
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
  /** Process ids of the Loss Lab trainers this session's extension host runs now. */
  trainerPids(): number[];
  /**
   * Brings the window to a known state, whatever the test before left: no modal dialog, no quick input, no
   * editor or webview panel open (closing the training panel ends its trainer), no trainer process alive, the
   * bottom panel hidden, no notification. Waits on those conditions (bounded); reloads the window once if they
   * do not come. Returns what had to be done (empty when the window was clean).
   */
  toKnownState(): Promise<string[]>;
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

/**
 * Keys for the commands that reset the window between tests: a key press reaches the workbench at once, where the
 * command palette would have to open, filter and close (and can be hidden by the very dialog being cleared).
 */
const resetKeys = {
  closeAllEditors: 'Control+Alt+Shift+F7',
  clearNotifications: 'Control+Alt+Shift+F8',
  closePanel: 'Control+Alt+Shift+F9',
  hideNotificationCenter: 'Control+Alt+Shift+F10',
} as const;
const keybindings = [
  { key: 'ctrl+alt+shift+f7', command: 'workbench.action.closeAllEditors' },
  { key: 'ctrl+alt+shift+f8', command: 'notifications.clearAll' },
  { key: 'ctrl+alt+shift+f9', command: 'workbench.action.closePanel' },
  { key: 'ctrl+alt+shift+f10', command: 'notifications.hideList' },
];

/** Copies a folder into a fresh temporary folder, so a test can edit and save its files freely. */
export function copyWorkspace(folder: string): string {
  const dest = mkdtempSync(join(tmpdir(), 'loss-lab-ws-'));
  cpSync(folder, dest, { recursive: true });
  return dest;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it gives a value; undefined if none within `ms`. */
async function until<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(200);
  }
  return undefined;
}

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
  writeFileSync(join(userDataDir, 'User', 'keybindings.json'), JSON.stringify(keybindings, null, 2));

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

  // The extension's own log first: when a report is cut short, its lines are the ones that say what Loss Lab did.
  const logTail = (lines = 60): string => {
    const logs = filesUnder(join(userDataDir, 'logs')).filter((p) => /exthost\.log$|Loss Lab\.log$|remoteexthost\.log$/.test(p));
    logs.sort((a, b) => Number(!a.endsWith('Loss Lab.log')) - Number(!b.endsWith('Loss Lab.log')));
    const parts = logs.map((f) => `--- ${f.slice(userDataDir.length + 1)} ---\n${tailOf(readFileSync(f, 'utf8'), lines)}`);
    parts.push(`--- code-server output (last ${lines / 2} lines) ---\n${tailOf(server?.log() ?? '', lines / 2)}`);
    return parts.join('\n');
  };

  try {
    const port = await setup.freePort();
    server = await setup.startCodeServer({ port, extensionsDir, userDataDir, folder: workspace, trust: options.trust, timeoutMs: 180_000 });
    browser = await chromium.launch({
      executablePath: setup.chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    // Generous: on a loaded machine the first page (the whole workbench) takes long to serve and to start.
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`, { timeout: 180_000, waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 180_000 });
    // The explorer lists the folder once the workbench has restored: a good sign the window is ready for input.
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 }).catch(() => undefined);
    return makeSession({ page, browser, server, workspace, userDataDir, extensionsDir, tmp, logTail, stopServer });
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
  extensionsDir: string;
  tmp: string;
  logTail: (lines?: number) => string;
  stopServer: () => void;
}

/** Processes whose command line holds every one of `parts` (read from /proc: Linux, as these tests are). */
export function pidsWhoseCommandHas(...parts: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (parts.every((p) => cmd.includes(p))) pids.push(Number(entry));
    } catch {
      /* the process ended while we looked */
    }
  }
  return pids;
}

/** True while a process with this pid exists (a zombie counts as gone: it runs nothing). */
export function isAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** What is open in the window that a test must not inherit. */
interface OpenThings {
  dialog: boolean;
  quickInput: boolean;
  tabs: number;
  trainers: number[];
  bottomPanel: boolean;
  toasts: number;
  notificationCenter: boolean;
  trainingStatusItem: boolean;
}

const describeOpen = (o: OpenThings) =>
  [
    o.dialog && 'a dialog',
    o.quickInput && 'the quick input',
    o.tabs && `${o.tabs} editor tab(s)`,
    o.trainers.length && `trainer pid(s) ${o.trainers.join(', ')}`,
    o.bottomPanel && 'the bottom panel',
    o.toasts && `${o.toasts} notification(s)`,
    o.notificationCenter && 'the notification centre',
    o.trainingStatusItem && 'the training status bar item',
  ]
    .filter(Boolean)
    .join(', ');

function makeSession({ page, browser, server, workspace, userDataDir, extensionsDir, tmp, logTail, stopServer }: Parts): VSCodeSession {
  const quickInput = page.locator('.quick-input-widget');
  const activeEditor = page.locator('.editor-group-container.active .monaco-editor').first();
  let closed = false;

  async function openQuickInput(key: string): Promise<void> {
    await page.keyboard.press(key);
    await quickInput.waitFor({ state: 'visible', timeout: 30_000 });
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
      // A click while the result list re-renders can be lost, leaving the row only selected (seen once in 49 tests
      // on a loaded machine): Enter then opens the selected row.
      const hidden = await quickInput.waitFor({ state: 'hidden', timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      if (!hidden) {
        await page.keyboard.press('Enter');
        await quickInput.waitFor({ state: 'hidden', timeout: 15_000 });
      }
      await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
      await activeEditor.locator('.view-lines').waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => document.activeElement?.closest('.monaco-editor') !== null, undefined, { timeout: 15_000 });
    },

    async goToLine(line, col) {
      const target = col ? `${line}:${col}` : String(line);
      const position = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
      for (let attempt = 1; ; attempt++) {
        try {
          await openQuickInput('Control+G');
          await page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value === ':', undefined, { timeout: 15_000 });
          await quickInput.locator('input').pressSequentially(target);
          await quickInput.locator('.monaco-list-row', { hasText: `line ${line}` }).first().waitFor({ timeout: 15_000 });
          await page.keyboard.press('Enter');
          await quickInput.waitFor({ state: 'hidden', timeout: 15_000 });
        } catch (err) {
          if (attempt >= 3) throw err;
          await page.keyboard.press('Escape');
          continue;
        }
        const want = col ? `Ln ${line}, Col ${col}` : `Ln ${line},`;
        const now = await until(() => position.textContent().then((t) => (t?.includes(want) ? t : undefined)), 10_000);
        if (now) return;
        if (attempt >= 3) throw new Error(`Go to Line ${target} left the cursor at ${await position.textContent()}`);
      }
    },

    async runCommand(title) {
      await openQuickInput('F1');
      await page.keyboard.type(title);
      // The palette filters as it is typed: wait for the exact command, then run it.
      const row = quickInput.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: title }) }).first();
      await row.waitFor({ timeout: 60_000 });
      await row.click();
      await page.waitForFunction((t) => {
        const input = document.querySelector<HTMLInputElement>('.quick-input-widget input');
        const widget = document.querySelector<HTMLElement>('.quick-input-widget');
        return !widget || widget.style.display === 'none' || !input?.value.startsWith(`>${t}`);
      }, title, { timeout: 30_000 });
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

    trainerPids() {
      return pidsWhoseCommandHas(extensionsDir, 'trainer.js').filter(isAlive);
    },

    toKnownState() {
      return toKnownState(page, () => session.trainerPids());
    },

    async close() {
      if (closed) return;
      closed = true;
      const trainers = session.trainerPids();
      await browser.close().catch(() => undefined);
      stopServer();
      for (const pid of trainers) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone with the server */
        }
      }
      if (!process.env.LOSS_LAB_E2E_KEEP) rmSync(tmp, { recursive: true, force: true });
    },
  };
  return session;
}

/**
 * Reads the window's state. The page function is a plain string: a function compiled by tsx may call helpers
 * (`__name`) that exist only in this process, not in the page.
 */
const inspectScript = `(() => {
  const shown = (el) => !!el && el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden';
  const count = (sel) => [...document.querySelectorAll(sel)].filter(shown).length;
  const widget = document.querySelector('.quick-input-widget');
  return {
    dialog: count('.monaco-dialog-box') > 0,
    quickInput: !!widget && widget.style.display !== 'none' && shown(widget),
    tabs: count('.tabs-container .tab'),
    bottomPanel: shown(document.querySelector('.part.panel.bottom')),
    toasts: count('.notifications-toasts .notification-toast'),
    notificationCenter: shown(document.querySelector('.notifications-center.visible')),
    trainingStatusItem: [...document.querySelectorAll('.statusbar-item')].some((e) => shown(e) && /Loss Lab: step/.test(e.textContent || '')),
  };
})()`;

async function inspect(page: Page, trainerPids: () => number[]): Promise<OpenThings> {
  const dom = (await page.evaluate(inspectScript)) as Omit<OpenThings, 'trainers'>;
  return { ...dom, trainers: trainerPids() };
}

const isClean = (o: OpenThings) => !o.dialog && !o.quickInput && o.tabs === 0 && o.trainers.length === 0 && !o.bottomPanel && o.toasts === 0 && !o.notificationCenter && !o.trainingStatusItem;

/** Key presses go to the workbench, not to a focused webview (its iframe would keep them). */
async function focusWorkbench(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.()).catch(() => undefined);
}

/**
 * One step at a time towards a clean window, re-inspecting after each (closing one thing can open another: closing
 * a dirty editor asks to save; a killed trainer shows a notification). Bounded: a reload after 45 s, failure at 120 s.
 */
async function toKnownState(page: Page, trainerPids: () => number[]): Promise<string[]> {
  const done: string[] = [];
  const start = Date.now();
  let reloaded = false;
  let lastError = '';
  let unansweredSince: number | undefined;
  /** When the trainers were first seen with no panel left to end them (the extension had its chance). */
  let orphanedSince: number | undefined;
  for (;;) {
    const open = await inspect(page, trainerPids).catch((err: unknown) => {
      lastError = err instanceof Error ? err.message.split('\n')[0] : String(err);
      return undefined;
    });
    if (open && isClean(open)) return done;
    const elapsed = Date.now() - start;
    if (elapsed > 120_000) throw new Error(`could not bring the window to a known state within 120 s: still open ${open ? describeOpen(open) : `(the page does not answer: ${lastError})`}`);
    if (open) unansweredSince = undefined;
    else unansweredSince ??= Date.now();
    const unanswered = unansweredSince !== undefined && Date.now() - unansweredSince > 15_000;
    if (!open && !unanswered) {
      await sleep(1000);
      continue;
    }
    if (!reloaded && (unanswered || elapsed > 45_000)) {
      reloaded = true;
      done.push(`reloaded the window (${open ? describeOpen(open) : `the page did not answer: ${lastError}`})`);
      await page.reload().catch(() => undefined);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 }).catch(() => undefined);
      continue;
    }
    if (!open) {
      await sleep(1000);
      continue;
    }
    if (open.dialog) {
      const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: /Don.t Save/ }).first();
      if (await dontSave.isVisible().catch(() => false)) {
        done.push('answered "Don\'t Save"');
        await dontSave.click({ timeout: 5_000 }).catch(() => undefined);
      } else {
        done.push('cancelled a dialog');
        await page.keyboard.press('Escape');
      }
    } else if (open.quickInput) {
      done.push('closed the quick input');
      await page.keyboard.press('Escape');
    } else if (open.tabs > 0) {
      done.push(`closed ${open.tabs} editor(s)`);
      await focusWorkbench(page);
      await page.keyboard.press(resetKeys.closeAllEditors);
    } else if (open.trainers.length > 0) {
      // The panel is closed, which ends its trainer: give the extension a moment, then end what is left ourselves.
      orphanedSince ??= Date.now();
      if (Date.now() - orphanedSince > 5_000) {
        done.push(`killed trainer pid(s) ${open.trainers.join(', ')}`);
        for (const pid of open.trainers) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* ended meanwhile */
          }
        }
      }
    } else if (open.bottomPanel) {
      done.push('hid the bottom panel');
      await focusWorkbench(page);
      await page.keyboard.press(resetKeys.closePanel);
    } else if (open.toasts > 0 || open.notificationCenter) {
      done.push('cleared the notifications');
      await focusWorkbench(page);
      await page.keyboard.press(resetKeys.clearNotifications);
      await page.keyboard.press(resetKeys.hideNotificationCenter);
    }
    // else: only the status bar item is left; it goes once the extension has seen its trainer end.
    await sleep(300);
  }
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

function note(t: TestContext | SuiteContext, message: string): void {
  if ('diagnostic' in t) t.diagnostic(message);
  else console.log(message);
}

/**
 * Call inside a `describe`: before each test the window is brought to a known state (see `toKnownState`), whatever
 * the test before did; after each test its trainers, dialogs and editors are ended right away, so a failing test
 * does not leave a long run behind. The cleanup after a test never fails it (the next test's reset tries again).
 */
export function knownStateAroundEachTest(getSession: () => VSCodeSession | undefined): void {
  beforeEach(async (t) => {
    const session = getSession();
    if (!session) return;
    const done = await session.toKnownState();
    if (done.length) note(t, `before the test: ${done.join('; ')}`);
  });
  afterEach(async (t) => {
    try {
      const done = (await getSession()?.toKnownState()) ?? [];
      if (done.length) note(t, `after the test: ${done.join('; ')}`);
    } catch (err) {
      note(t, `cleanup after the test did not finish (the next test tries again): ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}
