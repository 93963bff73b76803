// Sweep λ end to end in a real VS Code (code-server + Chromium): on the seed's sum-to-one example the sweep
// ends with the answer on top of the panel (a Pareto front, a feasible recommendation, the table in words), and
// "Use λ = x" changes the λ in the code as one undo step, with the diagnostics following the new text.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reportOnFailure, startVSCode, type VSCodeSession } from './harness/index';
import { focusCode as focusFile, sameLambda as near, problemMessages, readAnswer, savedCode as savedFile } from './harness/sweepPanel';
import { panel, until } from './harness/trainingPanel';

const root = join(__dirname, '..', '..');
const FILE = 'example1_sum_to_one.py';
/** Fewer, shorter runs than the defaults so the test stays short; enough for the sum-to-one penalty to settle. */
const SETTINGS = {
  'lossLab.training.steps': 200,
  'lossLab.sweep.count': 5,
  'workbench.editor.limit.enabled': true,
  'workbench.editor.limit.value': 1,
  'workbench.editor.limit.perEditorGroup': true,
};

const focusCode = (session: VSCodeSession, file = FILE) => focusFile(session, file);
const savedCode = (session: VSCodeSession, workspace: string, file = FILE) => savedFile(session, workspace, file);

/** Two constraints, each with its own λ default (lam_sum=0.1, lam_box=1.0). */
const TWO = 'two_penalties.py';

describe('Sweep λ (e2e)', { timeout: 15 * 60_000 }, () => {
  let session: VSCodeSession;
  let workspace: string;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'loss-lab-sweep-'));
    cpSync(join(root, 'test/fixtures/seed', FILE), join(workspace, FILE));
    cpSync(join(root, 'test/fixtures/sweep2', TWO), join(workspace, TWO));
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify(SETTINGS, null, 2));
    session = await startVSCode({ workspace, settings: SETTINGS });
  });

  after(async () => {
    await session?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('the sum-to-one example: a front and a feasible λ on top; "Use λ" writes it and the diagnostics follow', async (t) => {
    await reportOnFailure(t, session, async () => {
      const { page } = session;
      await session.openFile(FILE);
      const lens = page.locator('.editor-instance .codelens-decoration a', { hasText: 'Sweep λ' }).first();
      await lens.waitFor({ timeout: 60_000 });
      await lens.click();

      const answer = await until('the sweep to end with an answer', async () => {
        const a = await readAnswer(session);
        return a.status === 'done' && a.shown && a.rows.length > 0 ? a : undefined;
      }, 8 * 60_000);
      await session.screenshot('sweep-answer');
      t.diagnostic(`${answer.headline} (${answer.rows.length} runs); ${answer.grid}`);
      assert.match(answer.grid, /centred on .*\|L\| \/ \|P\|/);
      assert.ok(answer.rows.length >= 6, `5 grid values, 0 and the code's λ (got ${answer.rows.length})`);
      assert.ok(answer.front, 'the Pareto chart is drawn');
      assert.ok(answer.rows.some((r) => r.includes('◆ on the front')), 'the front is marked in the table');
      assert.ok(answer.rows.some((r) => r.includes('✓ feasible')) && answer.rows.some((r) => r.includes('✗ not feasible')), 'feasibility in words');
      assert.equal(answer.feasible, true, answer.headline);
      assert.ok(answer.onTop, 'the answer is above the curves');
      const lambda = /Use λ = ([\d.e-]+)/.exec(answer.use)?.[1];
      assert.ok(lambda && lambda !== '1', `a λ other than the code's (got ${answer.use})`);

      const before = await problemMessages(session);
      assert.ok(before.some((m) => m.includes('keeps its default 1.0')), `LL102 names the current default:\n${before.join('\n')}`);

      const frame = await panel(session);
      await frame.locator('#use-recommended').click();
      const text = await until('the λ written into the code', async () => {
        const current = await savedCode(session, workspace);
        return current.includes(`lambda_param=${lambda}`) ? current : undefined;
      }, 30_000);
      assert.equal(text.split('\n').filter((l) => l.includes('lambda_param=')).length, 1, 'only the default changed');
      const after = await until('the diagnostics to follow the new λ', async () => {
        const ms = await problemMessages(session);
        return ms.some((m) => m.includes(`keeps its default ${lambda}`)) ? ms : undefined;
      }, 30_000);
      assert.ok(!after.some((m) => m.includes('keeps its default 1.0')));
      await session.screenshot('sweep-use-lambda');

      // One undo step takes the whole edit back.
      await focusCode(session);
      await page.keyboard.press('Control+Z');
      const undone = await until('one undo to restore λ = 1.0', async () => {
        const current = await savedCode(session, workspace);
        return current.includes('lambda_param=1.0') ? current : undefined;
      }, 15_000);
      assert.ok(undone.includes('lambda_param=1.0'));
    });
  });

  it('two penalties: each λ swept around the code’s, "Use" writes both as one undo step', async (t) => {
    await reportOnFailure(t, session, async () => {
      const { page } = session;
      await session.openFile(TWO);
      const lens = page.locator('.editor-instance .codelens-decoration a', { hasText: 'Sweep λ' }).first();
      await lens.waitFor({ timeout: 60_000 });
      await lens.click();
      const answer = await until('the two-λ sweep to end with an answer', async () => {
        const a = await readAnswer(session);
        // the grid names both λs: the previous test's answer (one λ) is not this one
        return a.status === 'done' && a.shown && a.rows.length > 0 && /lam_sum/.test(a.grid) ? a : undefined;
      }, 8 * 60_000);
      await session.screenshot('sweep-two-penalties');
      t.diagnostic(`${answer.headline} (${answer.rows.length} runs); ${answer.grid}; ${answer.use}`);
      assert.match(answer.grid, /lam_sum/);
      assert.match(answer.grid, /lam_box/);
      const chosen = /Use lam_sum = ([\d.e-]+), lam_box = ([\d.e-]+)/.exec(answer.use);
      assert.ok(chosen, `the button names both λs (got "${answer.use}")`);
      const [, sum, box] = chosen;
      assert.ok(Number(sum) !== 0.1 || Number(box) !== 1, `the recommendation moves some λ (got ${answer.use})`);

      const frame = await panel(session);
      // Each constraint's own front: the chart is redrawn against that violation alone.
      const radios = frame.locator('#pareto-constraint vscode-radio');
      assert.equal(await radios.count(), 3, 'the overall front and one per constraint');
      const last = radios.last();
      const chosenLabel = await last.getAttribute('label');
      await last.click();
      const drawn = await until("the front of one constraint drawn", async () => {
        const label = await frame.locator('#pareto').getAttribute('aria-label');
        return label?.startsWith(`Pareto front, violation of ${chosenLabel} (validation)`) ? label : undefined;
      }, 15_000);
      t.diagnostic(drawn.slice(0, 200));
      await session.screenshot('sweep-two-penalties-front-of-one');
      await frame.locator('#use-recommended').click();
      const text = await until('both λs written into the code', async () => {
        const current = await savedCode(session, workspace, TWO);
        const written = { sum: /lam_sum=([\d.e-]+)/.exec(current)?.[1], box: /lam_box=([\d.e-]+)/.exec(current)?.[1] };
        return near(written.sum, sum!) && near(written.box, box!) && current !== readFileSync(join(root, 'test/fixtures/sweep2', TWO), 'utf8') ? current : undefined;
      }, 30_000);
      assert.equal(text.split('\n').filter((l) => l.includes('lam_sum=')).length, 1, 'one signature line holds both');
      await session.screenshot('sweep-two-penalties-written');

      await focusCode(session, TWO);
      await page.keyboard.press('Control+Z');
      const undone = await until('one undo to restore both', async () => {
        const current = await savedCode(session, workspace, TWO);
        return current.includes('lam_sum=0.1') && current.includes('lam_box=1.0') ? current : undefined;
      }, 15_000);
      assert.ok(undone.includes('lam_sum=0.1, lam_box=1.0'));
    });
  });
});
