// Snippets end to end in a real VS Code (code-server + Chromium) with the packaged .vsix installed: a user types a
// `closs-…` prefix in a Python and a TypeScript file, accepts the completion, and gets the template's code with
// working tab stops for the names and λ.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findTemplate, templateDefaultText } from '../../src/templates/catalog';
import { copyWorkspace, knownStateAroundEachTest, reportOnFailure, startVSCode, type VSCodeSession } from './harness/index';

const sampleWorkspace = join(__dirname, '..', '..', 'sample-workspace');

/** Types a prefix at the end of the file, opens the completion list and accepts the entry whose label is `prefix`. */
async function acceptSnippet(session: VSCodeSession, prefix: string, screenshot: string): Promise<void> {
  const { page } = session;
  await page.keyboard.press('Control+End');
  await session.typeText(prefix);
  await page.keyboard.press('Control+Space');
  const widget = page.locator('.editor-widget.suggest-widget.visible');
  await widget.waitFor({ timeout: 20_000 });
  const exact = widget.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${prefix}$`) }) });
  await exact.first().waitFor({ timeout: 20_000 });
  // Fuzzy matching can rank a longer prefix first (closs-sum1-sq): move the focus to the exact one.
  for (let i = 0; i < 12; i++) {
    const focused = (await widget.locator('.monaco-list-row.focused .label-name').textContent())?.trim();
    if (focused === prefix) break;
    await page.keyboard.press('ArrowDown');
  }
  assert.equal((await widget.locator('.monaco-list-row.focused .label-name').textContent())?.trim(), prefix, 'the completion list offers the snippet');
  await session.screenshot(screenshot);
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 10_000 });
}

describe('constraint snippets (e2e)', { timeout: 5 * 60_000 }, () => {
  let session: VSCodeSession;
  let workspace: string;

  before(async () => {
    workspace = copyWorkspace(sampleWorkspace);
    session = await startVSCode({ workspace });
  });

  after(async () => {
    await session?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  knownStateAroundEachTest(() => session);

  it('closs-sum1 in a Keras .py file inserts the sum-to-one loss factory; its name and λ are tab stops', async (t) => {
    await reportOnFailure(t, session, async () => {
      await session.openFile('snippets_playground.py');
      const before = await session.editorText();
      await acceptSnippet(session, 'closs-sum1', 'snippet-py-completion');

      const template = findTemplate('sum1');
      assert.ok(template, 'the catalog has the sum-to-one template');
      const inserted = (await session.editorText()).slice(before.length);
      assert.equal(inserted.trimEnd(), templateDefaultText(template, 'keras').trimEnd(), 'the Keras body with every default');
      assert.match(inserted, /def make_sum_to_one_l1_loss\(lam=1\.0, target=1\.0\):/);
      assert.match(inserted, /return base \+ lam \* sum_penalty/);
      assert.ok(!inserted.includes('closs-sum1'), 'the typed prefix is replaced');

      // The snippet is still active: the name placeholder is selected, then Tab moves to λ.
      await session.typeText('ratio');
      await session.page.keyboard.press('Tab');
      await session.typeText('0.5');
      await session.page.keyboard.press('Escape');
      await session.screenshot('snippet-py-inserted');
      const edited = (await session.editorText()).slice(before.length);
      assert.match(edited, /^def make_ratio_loss\(lam=0\.5, target=1\.0\):/m, 'name and λ typed into their tab stops');
      assert.match(edited, /^ {4}def ratio_loss\(y_true, y_pred\):/m, 'the name placeholder is mirrored in the inner function');
      assert.match(edited, /model\.compile\(loss=make_ratio_loss\(lam=0\.5\), optimizer='adam'\)/, 'the compile hint uses the same name and λ');
    });
  });

  it('closs-bounds in a TF.js .ts file inserts the bounded-outputs loss with lambda', async (t) => {
    await reportOnFailure(t, session, async () => {
      await session.openFile('snippets_playground.ts');
      const before = await session.editorText();
      await acceptSnippet(session, 'closs-bounds', 'snippet-ts-completion');
      await session.page.keyboard.press('Escape');
      await session.screenshot('snippet-ts-inserted');

      const template = findTemplate('bounds');
      assert.ok(template, 'the catalog has the bounded-outputs template');
      const inserted = (await session.editorText()).slice(before.length);
      assert.equal(inserted.trimEnd(), templateDefaultText(template, 'tfjs').trimEnd(), 'the TF.js body with every default');
      const lambda = template.snippets.tfjs.lambdaName;
      assert.match(inserted, new RegExp(`\\b${lambda}\\b`), `λ is named (${lambda})`);
      assert.match(inserted, /tf\.tidy/, 'TF.js code, not Python');
      assert.ok(!inserted.includes('closs-bounds'), 'the typed prefix is replaced');
    });
  });
});
