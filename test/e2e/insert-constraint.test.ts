// "Loss Lab: Insert Constraint…" end to end in a real VS Code (code-server + Chromium) with the packaged .vsix:
// the quick pick offers the catalog for the framework the file imports (and asks when the file imports none), and
// the chosen template lands at the cursor.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Framework } from '../../src/analysis/ir';
import { findTemplate, frameworkLabels, templateDefaultText, templates } from '../../src/templates/catalog';
import { copyWorkspace, knownStateAroundEachTest, reportOnFailure, startVSCode, type VSCodeSession } from './harness/index';

const sampleWorkspace = join(__dirname, '..', '..', 'sample-workspace');
const COMMAND = 'Loss Lab: Insert Constraint…';

/** Waits for the quick pick titled `title` and returns the labels it lists. */
async function quickPick(session: VSCodeSession, title: string): Promise<string[]> {
  const widget = session.page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: 20_000 });
  await widget.locator('.monaco-list-row').first().waitFor({ timeout: 10_000 });
  // Each row's first label is its title (the description paragraph below it is a label too).
  return widget.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.querySelector('.label-name')?.textContent?.trim() ?? ''));
}

/** Filters the open quick pick by `label` and picks the row with exactly that label. */
async function pick(session: VSCodeSession, label: string): Promise<void> {
  const { page } = session;
  const widget = page.locator('.quick-input-widget');
  await session.typeText(label);
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = widget.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
}

/** Inserts `templateId` through the command and returns the text added to the file. */
async function insertThroughCommand(session: VSCodeSession, file: string, framework: Framework, templateId: string, shot: string, askedFramework = false): Promise<string> {
  const template = findTemplate(templateId);
  assert.ok(template, `the catalog has ${templateId}`);
  await session.openFile(file);
  const before = await session.editorText();
  await session.page.keyboard.press('Control+End');
  await session.runCommand(COMMAND);
  if (askedFramework) {
    const frameworks = await quickPick(session, 'which framework?');
    assert.ok(frameworks.includes(frameworkLabels[framework]), `the framework question offers ${frameworkLabels[framework]} (got ${frameworks.join(', ')})`);
    await session.screenshot(`${shot}-framework-question`);
    await pick(session, frameworkLabels[framework]);
  }
  const labels = await quickPick(session, `Insert Constraint (${frameworkLabels[framework]})`);
  assert.deepEqual(labels.slice(0, 3), templates.slice(0, 3).map((t) => t.title), 'the catalog, in order, for the detected framework');
  await session.screenshot(`${shot}-picker`);
  await pick(session, template.title);
  await session.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await session.page.keyboard.press('Escape'); // leave snippet mode
  await session.screenshot(`${shot}-inserted`);
  const after = await session.editorText();
  assert.ok(after.startsWith(before), 'the existing code is left as it was');
  const inserted = after.slice(before.length);
  assert.equal(inserted.trimEnd(), templateDefaultText(template, framework).trimEnd(), `the ${frameworkLabels[framework]} body of ${templateId}`);
  return inserted;
}

describe('Insert Constraint… (e2e)', { timeout: 5 * 60_000 }, () => {
  let session: VSCodeSession;
  let workspace: string;

  before(async () => {
    workspace = copyWorkspace(sampleWorkspace);
    writeFileSync(join(workspace, 'no_imports.py'), '# a file that imports no framework yet\n\n');
    session = await startVSCode({ workspace });
  });

  after(async () => {
    await session?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  knownStateAroundEachTest(() => session);

  it('a TF.js file gets the TensorFlow.js bounded-outputs template', async (t) => {
    await reportOnFailure(t, session, async () => {
      const inserted = await insertThroughCommand(session, 'tfjs_bounded.ts', 'tfjs', 'bounds', 'insert-tfjs-bounds');
      assert.match(inserted, /tf\.tidy/);
    });
  });

  it('a Keras file gets the compile-ready loss factory whose λ reaches model.compile', async (t) => {
    await reportOnFailure(t, session, async () => {
      const inserted = await insertThroughCommand(session, 'example1_sum_to_one.py', 'keras', 'factory', 'insert-keras-factory');
      const lambda = findTemplate('factory')?.snippets.keras.lambdaName ?? '';
      assert.match(inserted, /model\.compile\(/, 'shows how to compile with it');
      assert.match(inserted, new RegExp(`\\b${lambda}\\b`), `names λ (${lambda})`);
    });
  });

  it('a file without framework imports asks for the framework, then inserts the PyTorch template', async (t) => {
    await reportOnFailure(t, session, async () => {
      const inserted = await insertThroughCommand(session, 'no_imports.py', 'pytorch', 'nonneg', 'insert-asked-torch-nonneg', true);
      assert.match(inserted, /torch\./, 'PyTorch code');
    });
  });
});
