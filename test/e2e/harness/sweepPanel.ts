// What the Sweep λ panel answers, read from its DOM, and the code as the editor saved it: shared by the sweep e2e tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VSCodeSession } from './index';
import { panel, until } from './trainingPanel';

/** The answer the panel shows, read from its DOM. */
export async function readAnswer(session: VSCodeSession) {
  const frame = await panel(session);
  return frame.evaluate(() => ({
    status: document.body.dataset.status ?? '',
    grid: document.getElementById('sweep-grid')?.textContent ?? '',
    shown: !document.getElementById('sweep-answer')?.hidden,
    headline: document.getElementById('recommendation')?.textContent ?? '',
    feasible: document.getElementById('recommendation')?.dataset.feasible === 'true',
    use: document.getElementById('use-recommended')?.textContent ?? '',
    rows: [...document.querySelectorAll('#sweep-table tbody tr')].map((tr) => tr.textContent ?? ''),
    front: !!document.querySelector('#pareto canvas'),
    // The answer is above the curves.
    onTop: (() => {
      const answer = document.getElementById('sweep');
      const charts = document.getElementById('charts');
      return !!answer && !!charts && (answer.compareDocumentPosition(charts) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    })(),
  }));
}

/** The Loss Lab messages of the Problems panel. */
export async function problemMessages(session: VSCodeSession): Promise<string[]> {
  await session.runCommand('Focus on Problems View');
  const rows = session.page.locator('.markers-panel .monaco-list-row .marker-message');
  await session.page.locator('.markers-panel').first().waitFor({ timeout: 15_000 });
  return rows.allTextContents();
}

export async function focusCode(session: VSCodeSession, file: string): Promise<void> {
  await session.runCommand('View: Focus First Editor Group');
  await session.page.locator(`.tabs-container .tab.active[data-resource-name="${file}"]`).first().waitFor({ timeout: 30_000 });
}

/**
 * The code as the editor holds it, saved first (the harness's editorText reads "the" active tab, and the panel's
 * group has one too).
 */
export async function savedCode(session: VSCodeSession, workspace: string, file: string): Promise<string> {
  await focusCode(session, file);
  const dirty = session.page.locator(`.tabs-container .tab.dirty[data-resource-name="${file}"]`);
  if ((await dirty.count()) > 0) {
    await session.page.keyboard.press('Control+S');
    await dirty.first().waitFor({ state: 'detached', timeout: 15_000 });
  }
  return readFileSync(join(workspace, file), 'utf8');
}

/** The button rounds λ to 3 digits; the code gets the run's λ in the style of the literal it replaces. */
export const sameLambda = (written: string | undefined, shown: string): boolean =>
  written !== undefined && Math.abs(Number(written) - Number(shown)) <= 0.006 * Math.abs(Number(shown));

/**
 * Clicks "Use λ = x" on the recommendation and returns what the button said when it was clicked (the panel keeps
 * it in `data-sent`, cleared when a new answer is drawn).
 */
export async function clickUseRecommended(session: VSCodeSession): Promise<string> {
  const frame = await panel(session);
  await frame.locator('#use-recommended').click();
  return until('the panel to send Use λ', () => frame.evaluate(() => document.getElementById('use-recommended')?.dataset.sent), 10_000);
}
