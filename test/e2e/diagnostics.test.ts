// Diagnostics and quick fixes end to end in a real VS Code (code-server + Chromium) with the packaged .vsix
// installed. A user opens the seed article's three Keras examples and sees squiggles and Problems entries with
// their rule codes (linked to the rule pages shipped in the extension), applies quick fixes from the light bulb
// (Ctrl+.) and sees the code change and the warning go, breaks one function's syntax and keeps the diagnostics of
// the others, changes the settings live, and opens a file over the size limit.
// Expectations come from test/fixtures/seed/expected.json (a reviewer's list) and, for edited text, from running the
// same analysis core in this process on the text the editor saved: the editor must show exactly what the core finds.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { applyEdits } from '../../src/analysis/fixes/apply';
import type { Fix } from '../../src/analysis/fixes/types';
import { analyzeSource, initParsers } from '../../src/analysis/index';
import { type Finding, ruleByCode, runRules } from '../../src/analysis/rules/index';
import { copyWorkspace, knownStateAroundEachTest, reportOnFailure, startVSCode, type VSCodeSession } from './harness/index';

const repo = join(__dirname, '..', '..');
const seedDir = join(repo, 'test', 'fixtures', 'seed');
const expected = JSON.parse(readFileSync(join(seedDir, 'expected.json'), 'utf8')) as Record<string, { code: string; line: number }[] | string>;
const seedFiles = Object.keys(expected).filter((k) => k.endsWith('.py'));

/** One Loss Lab entry of the Problems panel, as a user reads it. */
interface Problem {
  file: string;
  code: string;
  line: number;
  col: number;
  severity: 'error' | 'warning' | 'info' | 'unknown';
  message: string;
  /** Where the code's link goes (the rule's documentation page). */
  href: string;
}

const severityIcon: Record<string, Problem['severity']> = { error: 'error', warning: 'warning', information: 'info', hint: 'info' };

/** The Loss Lab entries of the Problems panel (opened and maximised so every row is rendered), in panel order. */
async function readProblems(session: VSCodeSession): Promise<Problem[]> {
  const { page } = session;
  await session.runCommand('Focus on Problems View');
  await page.locator('.markers-panel').first().waitFor({ timeout: 15_000 });
  await session.runCommand('View: Toggle Maximized Panel');
  await page.waitForTimeout(300);
  const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((elements) => {
    const sorted = [...elements].sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
    const out: { file: string; code: string; line: number; col: number; icon: string; source: string; message: string; href: string }[] = [];
    let file = '';
    for (const row of sorted) {
      const label = row.querySelector('.resource-label-container .label-name');
      if (label) {
        file = label.textContent ?? '';
        continue;
      }
      const icon = row.querySelector('.marker-icon');
      if (!icon) continue; // a related-information row
      const at = /\[Ln (\d+), Col (\d+)\]/.exec(row.querySelector('.marker-line')?.textContent ?? '');
      out.push({
        file,
        code: row.querySelector('.marker-code')?.textContent ?? '',
        line: at ? Number(at[1]) : 0,
        col: at ? Number(at[2]) : 0,
        icon: ['error', 'warning', 'info'].find((c) => icon.classList.contains(c)) ?? 'unknown',
        source: row.querySelector('.marker-source')?.textContent ?? '',
        message: row.querySelector('.marker-message')?.textContent ?? '',
        href: row.querySelector('a.monaco-link')?.getAttribute('href') ?? '',
      });
    }
    return out;
  });
  await session.runCommand('View: Toggle Maximized Panel');
  return rows
    .filter((r) => r.source === 'Loss Lab')
    .map((r) => ({ file: r.file, code: r.code, line: r.line, col: r.col, severity: r.icon as Problem['severity'], message: r.message, href: r.href }));
}

/** Polls the Problems panel until `ok` holds (diagnostics arrive after a debounce and an analysis). */
async function waitForProblems(session: VSCodeSession, ok: (p: Problem[]) => boolean, what: string, timeoutMs = 30_000): Promise<Problem[]> {
  const end = Date.now() + timeoutMs;
  let last: Problem[] = [];
  while (Date.now() < end) {
    last = await readProblems(session);
    if (ok(last)) return last;
    await session.page.waitForTimeout(750);
  }
  assert.fail(`${what}; the Problems panel shows:\n${last.map((p) => `  ${p.file}:${p.line}:${p.col} ${p.code} ${p.severity}`).join('\n') || '  (no Loss Lab entries)'}`);
}

const key = (p: { code: string; line: number }) => `${p.code}@${p.line}`;
const keysOf = (ps: { code: string; line: number }[]) => ps.map(key).sort();

/** What the analysis core finds in a text, as (code, 1-based line) pairs. */
function coreFindings(text: string, language: 'python' | 'typescript' = 'python'): Finding[] {
  return runRules(analyzeSource(text, language), text);
}
const asProblems = (fs: Finding[]) => fs.map((f) => ({ code: f.code, line: f.range.startLine + 1 }));

/** Puts the cursor at a 1-based line/column with Go to Line (Ctrl+G `line:col`), checked in the status bar. */
const goTo = (session: VSCodeSession, line: number, col: number) => session.goToLine(line, col);

/** Opens the quick-fix menu at the cursor (Ctrl+.) and picks the action titled `title`. Returns every title offered. */
async function pickQuickFix(session: VSCodeSession, title: string, screenshot: string): Promise<string[]> {
  const { page } = session;
  const menu = page.locator('.action-widget').first();
  const item = menu.locator('.monaco-list-row', { hasText: title }).first();
  // Ctrl+. acts on the focused editor; a notification appearing at that moment can take the key, so try again.
  for (let attempt = 0; ; attempt++) {
    await page.waitForFunction(() => document.activeElement?.closest('.monaco-editor') != null, undefined, { timeout: 10_000 });
    await page.keyboard.press('Control+.');
    try {
      await item.waitFor({ timeout: 8_000 });
      break;
    } catch (err) {
      if (attempt >= 2) throw err;
      await page.keyboard.press('Escape');
    }
  }
  const offered = (await menu.locator('.monaco-list-row .title').allTextContents()).map((t) => t.trim());
  await session.screenshot(screenshot);
  await item.click();
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
  return offered;
}

/**
 * Brings a file's editor to the front and focuses it: clicks its tab when it is open already (Quick Open can pick
 * a history entry before it has filtered), else opens it with Ctrl+P.
 */
async function showFile(session: VSCodeSession, relPath: string): Promise<void> {
  const name = relPath.split('/').pop() ?? relPath;
  const tab = session.page.locator('.tabs-container .tab', { hasText: name });
  if ((await tab.count()) === 0) return session.openFile(relPath);
  await tab.first().click();
  await session.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
  await session.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
}

/** The editor's squiggles of one kind, counted in the active editor. */
const squiggles = (page: Page, kind: 'warning' | 'info' | 'error') =>
  page.locator(`.editor-group-container.active .monaco-editor .squiggly-${kind}`).count();

const twoLosses = `import tensorflow as tf


def first_loss(y_true, y_pred, lam=0.5):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    penalty = tf.reduce_mean(tf.square(tf.reduce_sum(y_pred, axis=-1) - 1.0))
    return mse + penalty


def second_loss(y_true, y_pred):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    upper = tf.reduce_mean(tf.square(tf.maximum(y_pred - 1.0, 0.0)))
    return mse - 0.5 * upper
`;

const tfjsLoss = `import * as tf from '@tensorflow/tfjs';

export const sumToOneLoss = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar =>
  tf.tidy(() => {
    const ce = tf.losses.softmaxCrossEntropy(yTrue, yPred);
    const penalty = tf.sum(tf.square(tf.sub(tf.sum(yPred, -1), 1)));
    return tf.sub(ce, tf.mul(0.5, penalty)) as tf.Scalar;
  });
`;

const workspaceSettings = { 'typescript.validate.enable': false, 'files.exclude': { '**/__pycache__': true } };

describe('Loss Lab diagnostics and quick fixes (e2e)', { timeout: 12 * 60_000 }, () => {
  let session: VSCodeSession;
  let workspace: string;

  before(async () => {
    await initParsers();
    // The seed examples verbatim (the fixtures expected.json describes), each file name once in the workspace.
    workspace = copyWorkspace(seedDir);
    rmSync(join(workspace, 'expected.json'));
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(join(workspace, 'two_losses.py'), twoLosses);
    writeFileSync(join(workspace, 'tfjs_sum_to_one.ts'), tfjsLoss);
    // Plain JSON (the sample's settings have comments) so the settings test can rewrite it.
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(workspaceSettings, null, 2));
    session = await startVSCode({ workspace });
  });

  after(async () => {
    await session?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  knownStateAroundEachTest(() => session);

  it('the seed examples show squiggles and Problems entries with the codes a reviewer expects, linked to their pages', async (t) => {
    await reportOnFailure(t, session, async () => {
      for (const file of seedFiles) {
        await session.openFile(file);
        const want = expected[file] as { code: string; line: number }[];
        const warnings = want.filter((w) => ruleByCode.get(w.code as Finding['code'])?.severity === 'warning').length;
        if (warnings > 0) assert.ok((await session.waitForSquiggle('warning')) >= 1, `${file}: a warning squiggle`);
        await session.screenshot(`diagnostics-seed-${file.replace('.py', '')}`);
      }
      const problems = await waitForProblems(
        session,
        (ps) => seedFiles.every((f) => ps.filter((p) => p.file === f).length >= (expected[f] as unknown[]).length),
        'every seed example shows its diagnostics',
      );
      await session.screenshot('diagnostics-seed-problems');
      for (const file of seedFiles) {
        const want = expected[file] as { code: string; line: number }[];
        const got = problems.filter((p) => p.file === file);
        assert.deepEqual(keysOf(got), keysOf(want), `${file}: the Problems entries (code@line)`);
        for (const p of got) {
          const rule = ruleByCode.get(p.code as Finding['code']);
          assert.ok(rule, `${p.code} is a Loss Lab rule`);
          assert.equal(p.severity, severityIcon[rule.severity], `${file} ${p.code}: shown with the rule's severity`);
          assert.ok(p.href.endsWith(`/docs/rules/${p.code}.md`), `${p.code} links to its page (${p.href})`);
          // The link points into the installed extension: the page must be there (shipped in the .vsix).
          const path = decodeURIComponent(new URL(p.href).pathname);
          assert.ok(existsSync(path), `the page ${path} ships with the extension`);
        }
      }
      const ll102 = problems.find((p) => p.file === 'example1_sum_to_one.py' && p.code === 'LL102');
      assert.match(ll102?.message ?? '', /lambda_param/, 'LL102 names the λ that can never change');
    });
  });

  it('a quick fix from the light bulb squares the L1 residual; the code changes and LL107 goes', async (t) => {
    await reportOnFailure(t, session, async () => {
      const file = 'example1_sum_to_one.py';
      await showFile(session, file);
      const before = await session.editorText();
      const finding = coreFindings(before).find((f) => f.code === 'LL107');
      assert.ok(finding, 'the core finds LL107 in example 1');
      const fix = finding.fixes.find((f) => f.isPreferred) as Fix;
      assert.ok(fix, 'LL107 has a preferred fix');
      assert.equal(await squiggles(session.page, 'info'), 1, 'one information squiggle (LL107) before the fix');

      await goTo(session, finding.range.startLine + 1, finding.range.startCol + 1);
      const offered = await pickQuickFix(session, fix.title, 'diagnostics-quickfix-menu');
      assert.ok(offered.includes('Show documentation for LL107'), `the menu also offers the rule's page: ${offered.join(' | ')}`);

      const after = await session.editorText();
      assert.equal(after, applyEdits(before, fix.edits), 'the editor holds the fixed code');
      assert.match(after, /tf\.square\(tf\.reduce_sum\(y_pred, axis=-1\) - 1\.0\)/, 'the residual is squared');
      const problems = await waitForProblems(
        session,
        (ps) => !ps.some((p) => p.file === file && p.code === 'LL107'),
        'LL107 disappears after the fix',
      );
      assert.deepEqual(
        keysOf(problems.filter((p) => p.file === file)),
        keysOf(asProblems(coreFindings(after))),
        'the remaining entries are what the core finds in the fixed text',
      );
      assert.ok(problems.some((p) => p.file === file && p.code === 'LL102'), 'LL102 (compile) is still reported');
      assert.equal(await squiggles(session.page, 'info'), 0, 'no information squiggle left');
      await session.screenshot('diagnostics-quickfix-applied');
    });
  });

  it('the preferred LL102 fix turns the loss into a factory so λ can be set; LL102 goes', async (t) => {
    await reportOnFailure(t, session, async () => {
      const file = 'example2_bounded_output.py';
      await showFile(session, file);
      const before = await session.editorText();
      const finding = coreFindings(before).find((f) => f.code === 'LL102');
      assert.ok(finding, 'the core finds LL102 in example 2');
      const fix = finding.fixes.find((f) => f.isPreferred) as Fix;
      assert.ok(fix, 'LL102 has a preferred fix');

      await goTo(session, finding.range.startLine + 1, finding.range.startCol + 1);
      await pickQuickFix(session, fix.title, 'diagnostics-quickfix-factory-menu');
      const after = await session.editorText();
      assert.equal(after, applyEdits(before, fix.edits), 'the editor holds the factory');
      assert.match(after, /def make_bounded_loss\(/, 'a factory was written');
      const problems = await waitForProblems(
        session,
        (ps) => !ps.some((p) => p.file === file && p.code === 'LL102'),
        'LL102 disappears after the fix',
      );
      assert.deepEqual(keysOf(problems.filter((p) => p.file === file)), keysOf(asProblems(coreFindings(after))), 'what the core finds in the new text');
      await session.screenshot('diagnostics-quickfix-factory-applied');
    });
  });

  it('"Show documentation for LL110" from the light bulb opens the rule page shipped with the extension', async (t) => {
    await reportOnFailure(t, session, async () => {
      const file = 'example3_sparsity.py';
      await showFile(session, file);
      const finding = coreFindings(await session.editorText()).find((f) => f.code === 'LL110');
      assert.ok(finding, 'the core finds LL110 in example 3');
      await goTo(session, finding.range.startLine + 1, finding.range.startCol + 1);
      await pickQuickFix(session, 'Show documentation for LL110', 'diagnostics-doc-action-menu');
      // The page opens in the Markdown preview, beside or in place of the code.
      await session.page.locator('.tabs-container .tab', { hasText: 'LL110.md' }).first().waitFor({ timeout: 30_000 });
      const page = readFileSync(join(repo, 'docs', 'rules', 'LL110.md'), 'utf8');
      const heading = /^#\s+(.+)$/m.exec(page)?.[1]?.trim() ?? 'LL110';
      const frame = await session.findFrame(`text=${heading.slice(0, 30)}`, 30_000);
      assert.ok(frame, 'the preview shows the page');
      await session.screenshot('diagnostics-doc-page');
      await session.page.keyboard.press('Control+W');
    });
  });

  it('a TF.js arrow function in TypeScript is diagnosed too; flipping the subtracted penalty removes LL104', async (t) => {
    await reportOnFailure(t, session, async () => {
      const file = 'tfjs_sum_to_one.ts';
      const initial = coreFindings(tfjsLoss, 'typescript');
      assert.deepEqual(keysOf(asProblems(initial)), ['LL104@7', 'LL108@6'], 'precondition: the core flags the sum over the batch and the subtraction');
      await session.openFile(file);
      await session.waitForSquiggle('warning');
      await waitForProblems(
        session,
        (ps) => keysOf(ps.filter((p) => p.file === file)).join() === keysOf(asProblems(initial)).join(),
        'the TypeScript file shows what the core finds',
      );
      await session.screenshot('diagnostics-tfjs');
      const finding = initial.find((f) => f.code === 'LL104') as Finding;
      const fix = finding.fixes[0];
      assert.ok(fix, 'LL104 has a fix');
      await goTo(session, finding.range.startLine + 1, finding.range.startCol + 1);
      await pickQuickFix(session, fix.title, 'diagnostics-tfjs-quickfix-menu');
      const after = await session.editorText();
      assert.equal(after, applyEdits(tfjsLoss, fix.edits), 'the editor holds the fixed code');
      await waitForProblems(
        session,
        (ps) => keysOf(ps.filter((p) => p.file === file)).join() === keysOf(asProblems(coreFindings(after, 'typescript'))).join(),
        'after the fix the file shows what the core finds in the new text',
      );
      assert.ok(!coreFindings(after, 'typescript').some((f) => f.code === 'LL104'), 'LL104 is gone');
      await session.screenshot('diagnostics-tfjs-fixed');
    });
  });

  it('breaking the syntax of one function keeps the diagnostics of the other; repairing it brings them back', async (t) => {
    await reportOnFailure(t, session, async () => {
      const file = 'two_losses.py';
      const initial = coreFindings(twoLosses);
      const firstLines = [4, 7];
      const secondLines = [10, 13];
      const inFirst = initial.filter((f) => f.range.startLine + 1 >= firstLines[0] && f.range.startLine + 1 <= firstLines[1]);
      const inSecond = initial.filter((f) => f.range.startLine + 1 >= secondLines[0] && f.range.startLine + 1 <= secondLines[1]);
      assert.ok(inFirst.length > 0 && inSecond.length > 0, 'precondition: the core finds something in each function');

      await session.openFile(file);
      await session.waitForSquiggle('warning');
      const shown = await waitForProblems(session, (ps) => ps.filter((p) => p.file === file).length === initial.length, 'both functions diagnosed');
      assert.deepEqual(keysOf(shown.filter((p) => p.file === file)), keysOf(asProblems(initial)));
      await session.screenshot('diagnostics-syntax-before');

      // Half-typed code in the first function: a dangling `+` at the end of its `mse = …` line.
      await showFile(session, file);
      await goTo(session, 5, 1);
      await session.page.keyboard.press('End');
      await session.typeText(' + ');
      const broken = await session.editorText();
      assert.notEqual(broken, twoLosses, 'the text was edited');
      const brokenAnalysis = analyzeSource(broken, 'python');
      assert.ok(brokenAnalysis.syntaxErrors.length > 0, 'the edit is a syntax error');
      const expectedBroken = asProblems(runRules(brokenAnalysis, broken));
      const problems = await waitForProblems(
        session,
        (ps) => keysOf(ps.filter((p) => p.file === file)).join() === keysOf(expectedBroken).join(),
        'the editor shows what the core finds in the broken text',
      );
      const still = problems.filter((p) => p.file === file && p.line >= secondLines[0]);
      assert.deepEqual(keysOf(still), keysOf(asProblems(inSecond)), 'the valid function keeps its diagnostics');
      await session.screenshot('diagnostics-syntax-broken');

      // Undo the edit (one undo step per typed word group): back to the original text and diagnostics.
      for (let i = 0; i < 10 && (await session.editorText()) !== twoLosses; i++) await session.page.keyboard.press('Control+Z');
      assert.equal(await session.editorText(), twoLosses, 'undo restores the text');
      await waitForProblems(
        session,
        (ps) => keysOf(ps.filter((p) => p.file === file)).join() === keysOf(asProblems(initial)).join(),
        'after the repair both functions are diagnosed again',
      );
      await session.screenshot('diagnostics-syntax-repaired');
    });
  });

  it('settings apply live: a severity override, a rule turned off, diagnostics disabled and enabled again', async (t) => {
    await reportOnFailure(t, session, async () => {
      const file = 'example3_sparsity.py';
      const settingsFile = join(workspace, '.vscode', 'settings.json');
      const original = readFileSync(settingsFile, 'utf8');
      const write = (extra: Record<string, unknown>) => writeFileSync(settingsFile, JSON.stringify({ ...workspaceSettings, ...extra }, null, 2));
      try {
        await showFile(session, file);
        write({ 'lossLab.diagnostics.severity': { LL102: 'error', LL110: 'off' } });
        let problems = await waitForProblems(
          session,
          (ps) => ps.some((p) => p.file === file && p.code === 'LL102' && p.severity === 'error') && !ps.some((p) => p.file === file && p.code === 'LL110'),
          'LL102 shown as an error and LL110 hidden',
        );
        assert.ok((await session.waitForSquiggle('error')) >= 1, 'an error squiggle for LL102');
        await session.screenshot('diagnostics-settings-severity');

        write({ 'lossLab.diagnostics.enable': false });
        problems = await waitForProblems(session, (ps) => ps.length === 0, 'no Loss Lab entries when disabled');
        assert.equal(problems.length, 0);
        await session.screenshot('diagnostics-settings-disabled');

        write({});
        await waitForProblems(
          session,
          (ps) => keysOf(ps.filter((p) => p.file === file)).join() === keysOf(expected[file] as { code: string; line: number }[]).join(),
          'the default diagnostics come back',
        );
      } finally {
        writeFileSync(settingsFile, original);
      }
    });
  });

  it('a file over lossLab.diagnostics.maxFileSize is not analysed and says so once', async (t) => {
    await reportOnFailure(t, session, async () => {
      const settingsFile = join(workspace, '.vscode', 'settings.json');
      const original = readFileSync(settingsFile, 'utf8');
      const seed = readFileSync(join(seedDir, 'example3_sparsity.py'), 'utf8');
      const big = `${seed}\n${'# padding line to make the file large\n'.repeat(200)}`;
      writeFileSync(join(workspace, 'big_loss.py'), big);
      assert.ok(coreFindings(big).length > 0, 'precondition: the core would report findings in it');
      try {
        writeFileSync(settingsFile, JSON.stringify({ ...workspaceSettings, 'lossLab.diagnostics.maxFileSize': 5000 }, null, 2));
        await session.page.waitForTimeout(1000); // the configuration watcher picks the file up
        const notice = `Loss Lab does not check big_loss.py`;
        await session.openFile('big_loss.py');
        await session.page.locator('.notifications-toasts .notification-toast', { hasText: notice }).first().waitFor({ timeout: 30_000 });
        await session.screenshot('diagnostics-size-limit-notice');
        assert.equal(await squiggles(session.page, 'warning'), 0, 'no squiggles in the skipped file');
        // Edit it (still too large): no second notice.
        await session.page.keyboard.press('Control+End');
        await session.typeText('# more\n');
        await session.page.waitForTimeout(1500);
        await session.runCommand('Notifications: Show Notifications');
        const listed = await session.page.locator('.notifications-center .notification-list-item', { hasText: notice }).count();
        assert.equal(listed, 1, 'exactly one notice for the file');
        const problems = await readProblems(session);
        assert.equal(problems.filter((p) => p.file === 'big_loss.py').length, 0, 'no Problems entries for the skipped file');
        await session.page.keyboard.press('Escape');
      } finally {
        writeFileSync(settingsFile, original);
      }
    });
  });
});
