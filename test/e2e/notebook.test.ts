// Jupyter notebooks end to end in a real VS Code (code-server + Chromium, built-in `ipynb` support, no Jupyter
// extension or kernel): VS Code gives each code cell to extensions as its own `python` text document (scheme
// `vscode-notebook-cell`), so a cell holding a constrained loss gets Loss Lab diagnostics in the cell editor and in
// the Problems panel (under the notebook's name, with cell-relative lines), and its quick fixes apply in the cell.
// The cell's loss trains from its CodeLens, and the panel and notifications say "notebook, cell N, line L".
// Expectations: the same analysis core run in this process on the cell's text.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyEdits } from '../../src/analysis/fixes/apply';
import { analyzeSource, initParsers } from '../../src/analysis/index';
import { runRules } from '../../src/analysis/rules/index';
import { knownStateAroundEachTest, reportOnFailure, startVSCode, type VSCodeSession } from './harness/index';
import { readAnswer, sameLambda } from './harness/sweepPanel';
import { currentPid, panel, readPanel, until } from './harness/trainingPanel';

const importCell = 'import tensorflow as tf\n';
const lossCell = `def constrained_loss(y_true, y_pred, lambda_param=1.0):
    cross_entropy = tf.keras.losses.categorical_crossentropy(y_true, y_pred)
    sum_penalty = tf.reduce_mean(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0))
    return cross_entropy + lambda_param * sum_penalty

model.compile(loss=constrained_loss, optimizer='adam')`;

/** nbformat 4 stores a cell's source as lines that keep their `\n`. */
const sourceLines = (text: string) => text.split(/(?<=\n)/);

/** A loss whose λ is a constant of the cell above it: the notebook is its scope. */
const weightCell = 'import tensorflow as tf\n\nNEG_WEIGHT = 2.5\n';
const scopedLossCell = `def nonneg_mse(y_true, y_pred):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    negative_part = tf.reduce_mean(tf.square(tf.minimum(y_pred, 0.0)))
    return mse + NEG_WEIGHT * negative_part`;

const codeCell = (text: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: sourceLines(text) });

function notebook(cells: object[] = [{ cell_type: 'markdown', metadata: {}, source: sourceLines('# Sum-to-one constraint (seed example 1)\n') }, codeCell(importCell), codeCell(lossCell)]): string {
  return JSON.stringify(
    {
      cells,
      metadata: {
        kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
        language_info: { name: 'python' },
      },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

interface Problem {
  file: string;
  code: string;
  line: number;
}

/** The Loss Lab entries of the Problems panel: file, code, line. */
async function readProblems(session: VSCodeSession): Promise<Problem[]> {
  await session.runCommand('Focus on Problems View');
  await session.page.locator('.markers-panel').first().waitFor({ timeout: 15_000 });
  const rows = await session.page.locator('.markers-panel .monaco-list-row').evaluateAll((elements) => {
    const sorted = [...elements].sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
    const out: { file: string; code: string; line: number; source: string }[] = [];
    let file = '';
    for (const row of sorted) {
      const label = row.querySelector('.resource-label-container .label-name');
      if (label) file = label.textContent ?? '';
      else if (row.querySelector('.marker-icon')) {
        const at = /\[Ln (\d+),/.exec(row.querySelector('.marker-line')?.textContent ?? '');
        out.push({ file, code: row.querySelector('.marker-code')?.textContent ?? '', line: at ? Number(at[1]) : 0, source: row.querySelector('.marker-source')?.textContent ?? '' });
      }
    }
    return out;
  });
  return rows.filter((r) => r.source === 'Loss Lab').map(({ file, code, line }) => ({ file, code, line }));
}

async function waitForProblems(session: VSCodeSession, ok: (p: Problem[]) => boolean, what: string): Promise<Problem[]> {
  const end = Date.now() + 30_000;
  let last: Problem[] = [];
  while (Date.now() < end) {
    last = await readProblems(session);
    if (ok(last)) return last;
    await session.page.waitForTimeout(750);
  }
  assert.fail(`${what}; the Problems panel shows: ${JSON.stringify(last)}`);
}

const keys = (ps: { code: string; line: number }[]) => ps.map((p) => `${p.code}@${p.line}`).sort();
const coreKeys = (text: string) => keys(runRules(analyzeSource(text, 'python'), text).map((f) => ({ code: f.code, line: f.range.startLine + 1 })));

/** The editor of the notebook cell whose text matches (Monaco renders spaces as no-break spaces: match with \s). */
const cellEditor = (session: VSCodeSession, text: RegExp) =>
  session.page.locator('.notebook-editor .cell-editor-container .monaco-editor', { hasText: text }).first();

/** Opens the notebook with Quick Open, in the notebook editor (the built-in ipynb serializer), not as JSON text. */
async function openNotebook(session: VSCodeSession, name: string, lossText = /constrained_loss/): Promise<void> {
  const { page } = session;
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.type(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await cellEditor(session, lossText).waitFor({ timeout: 30_000 });
}

/** The λ column of the panel's summary table, one entry per run. */
async function summaryLambdas(session: VSCodeSession): Promise<string[]> {
  return (await panel(session)).evaluate(() =>
    [...document.querySelectorAll('#summary-table tbody tr')].map((tr) => tr.querySelectorAll('td')[0]?.textContent?.trim() ?? ''),
  );
}

/** A short trial: λ 0 and 10, plus the λ = 1.0 written in the cell. */
/** The sample workspace's notebook: the loss in cell 3 (lam=1.0), called with lam=1.0 in cell 4's training loop. */
const SAMPLE = 'non_negative_outputs.ipynb';

const TRAINING = { 'lossLab.training.steps': 100, 'lossLab.training.lambdas': [0, 10], 'lossLab.training.hiddenLayers': [16] };

describe('Loss Lab in a Jupyter notebook (e2e)', { timeout: 6 * 60_000 }, () => {
  let session: VSCodeSession;
  let workspace: string;
  const name = 'constrained.ipynb';
  const scoped = 'scoped.ipynb';

  before(async () => {
    await initParsers();
    workspace = mkdtempSync(join(tmpdir(), 'loss-lab-nb-'));
    writeFileSync(join(workspace, name), notebook());
    writeFileSync(join(workspace, scoped), notebook([codeCell(weightCell), codeCell(scopedLossCell)]));
    cpSync(join(__dirname, '..', '..', 'sample-workspace', SAMPLE), join(workspace, SAMPLE));
    session = await startVSCode({ workspace, settings: TRAINING });
  });

  after(async () => {
    await session?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  knownStateAroundEachTest(() => session);

  it('a Python cell holding a constrained loss gets squiggles and Problems entries; its quick fix applies in the cell', async (t) => {
    await reportOnFailure(t, session, async () => {
      const { page } = session;
      await openNotebook(session, name);
      const lossCellEditor = cellEditor(session, /constrained_loss/);

      await lossCellEditor.locator('.squiggly-warning').first().waitFor({ state: 'attached', timeout: 45_000 });
      await lossCellEditor.locator('.squiggly-info').first().waitFor({ state: 'attached', timeout: 10_000 });
      await session.screenshot('notebook-cell-squiggles');

      const want = coreKeys(lossCell);
      assert.deepEqual(want, ['LL102@6', 'LL107@3'], 'precondition: the core flags the compile call and the L1 residual');
      const problems = await waitForProblems(session, (ps) => ps.some((p) => p.file === name), 'the notebook has Loss Lab entries');
      assert.deepEqual(keys(problems.filter((p) => p.file === name)), want, 'entries under the notebook, at cell-relative lines');
      await session.screenshot('notebook-problems');

      // Quick fix inside the cell: put the cursor on the LL107 squiggle, Ctrl+., pick the square fix.
      const finding = runRules(analyzeSource(lossCell, 'python'), lossCell).find((f) => f.code === 'LL107');
      const fix = finding?.fixes.find((f) => f.isPreferred);
      assert.ok(fix, 'LL107 has a preferred fix');
      // The squiggle is a decoration under the text: click the text at its middle, as a user would.
      const box = await lossCellEditor.locator('.squiggly-info').first().boundingBox();
      assert.ok(box, 'the LL107 squiggle is on screen');
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      const menu = page.locator('.action-widget').first();
      const item = menu.locator('.monaco-list-row', { hasText: fix.title }).first();
      // A notification appearing at that moment can take the key: try Ctrl+. again.
      for (let attempt = 0; ; attempt++) {
        await page.keyboard.press('Control+.');
        try {
          await item.waitFor({ timeout: 8_000 });
          break;
        } catch (err) {
          if (attempt >= 2) throw err;
          await page.keyboard.press('Escape');
          await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        }
      }
      await session.screenshot('notebook-quickfix-menu');
      await item.click();
      await lossCellEditor.locator('.squiggly-info').first().waitFor({ state: 'detached', timeout: 30_000 });

      // Save the notebook and read the cell back from disk: the fix is the one the core computed.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 15_000 });
      const saved = JSON.parse(readFileSync(join(workspace, name), 'utf8')) as { cells: { source: string[] | string }[] };
      const cellText = [saved.cells[2].source].flat().join('');
      assert.equal(cellText, applyEdits(lossCell, fix.edits), 'the cell holds the fixed code');
      const after = await waitForProblems(
        session,
        (ps) => !ps.some((p) => p.file === name && p.code === 'LL107'),
        'LL107 is gone from the notebook',
      );
      assert.deepEqual(keys(after.filter((p) => p.file === name)), coreKeys(cellText), 'what the core finds in the fixed cell');
      await session.screenshot('notebook-quickfix-applied');
    });
  });

  it('the loss in a cell trains from its CodeLens; the panel names the notebook and the cell', async (t) => {
    await reportOnFailure(t, session, async () => {
      const { page } = session;
      await openNotebook(session, name);
      const lens = page.locator('.notebook-editor .codelens-decoration a', { hasText: 'Train with constraint' }).first();
      await lens.waitFor({ timeout: 30_000 });
      await lens.click();
      const view = await until('the notebook trial done', async () => {
        const v = await readPanel(await panel(session));
        return v.status === 'done' && v.summaryRows > 0 ? v : undefined;
      }, 120_000);
      t.diagnostic(`panel title: ${view.title}`);
      assert.match(view.title, /^constrained_loss · constrained\.ipynb, cell 3, line 1$/);
      assert.deepEqual(view.errors, []);
      assert.equal(view.summaryRows, 3, 'λ = 0, 1 (the cell’s own) and 10');
      for (const n of view.minPoints) assert.ok(n >= 50, `every series has at least 50 points (got ${view.minPoints.join(', ')})`);
      await session.screenshot('notebook-trained');
    });
  });

  it('an unsupported op in a cell is reported with the notebook, cell and line, and "Show in code" goes to it', async (t) => {
    await reportOnFailure(t, session, async () => {
      const { page } = session;
      await openNotebook(session, name);
      const lossCellEditor = cellEditor(session, /constrained_loss/);
      // Line 3 of the cell becomes a penalty through an op the trainer does not have.
      await lossCellEditor.locator('.view-line', { hasText: 'sum_penalty =' }).first().click();
      await page.keyboard.press('Home');
      await page.keyboard.press('Shift+End');
      await page.keyboard.type('sum_penalty = tf.reduce_mean(tf.math.bessel_i0(y_pred))');
      await lossCellEditor.locator('.view-line', { hasText: 'bessel_i0(y_pred))' }).first().waitFor({ timeout: 10_000 });
      const previousPid = await currentPid(session);
      await page.locator('.notebook-editor .codelens-decoration a', { hasText: 'Train with constraint' }).first().click();
      const view = await until('the panel to show the error', async () => {
        const v = await readPanel(await panel(session));
        return v.status === 'failed' && v.errors.length > 0 ? v : undefined;
      }, 90_000);
      assert.ok(view.pid === '' || view.pid !== previousPid, 'a new trial');
      assert.ok(view.errors.some((e) => e.includes('tf.math.bessel_i0') && e.includes('(cell 3, line 3)')), view.errors.join(' | '));
      const toast = page.locator('.notification-toast', { hasText: 'tf.math.bessel_i0' }).first();
      await toast.waitFor({ timeout: 30_000 });
      assert.match((await toast.textContent()) ?? '', /constrained\.ipynb, cell 3, line 3/);
      await session.screenshot('notebook-unsupported-op');

      // Focus elsewhere (the import cell), then let the notification bring the cursor back to the op's line.
      await cellEditor(session, /import\s+tensorflow/).click();
      await toast.locator('.monaco-button', { hasText: 'Show in code' }).click();
      // A notebook's status bar says "Cell 3 of 3", not the line: the line is read from the selection drawn in the cell.
      await page.locator('.statusbar-item', { hasText: 'Cell 3 of 3' }).first().waitFor({ timeout: 15_000 });
      const selection = await until('the op line selected in the loss cell', async () => {
        const line = await lossCellEditor.locator('.view-line', { hasText: 'bessel_i0' }).first().boundingBox();
        const selected = await lossCellEditor.locator('.selected-text').first().boundingBox({ timeout: 500 });
        return line && selected && Math.abs(line.y - selected.y) < 3 ? selected : undefined;
      }, 15_000);
      assert.ok(selection.width > 100, `the whole line is selected (${selection.width} px)`);
      const focused = await page.evaluate(() => document.activeElement?.closest('.cell-editor-container')?.textContent ?? '');
      assert.match(focused, /bessel_i0/, 'the cursor is in the loss cell');
      await session.screenshot('notebook-unsupported-op-revealed');
    });
  });

  it('a λ set in the cell above trains as the loss’s λ, and follows an edit of that cell', async (t) => {
    await reportOnFailure(t, session, async () => {
      const { page } = session;
      await openNotebook(session, scoped, /nonneg_mse/);
      const train = async (want: string) => {
        const previousPid = await currentPid(session);
        await page.locator('.notebook-editor .codelens-decoration a', { hasText: 'Train with constraint' }).first().click();
        const view = await until(`the trial with λ = ${want} done`, async () => {
          const v = await readPanel(await panel(session));
          return v.status === 'done' && v.summaryRows > 0 && v.pid !== previousPid ? v : undefined;
        }, 120_000);
        assert.deepEqual(view.errors, [], 'the constant of the cell above resolves (no "defined outside the loss function")');
        return summaryLambdas(session);
      };
      const first = await train('2.5');
      t.diagnostic(`runs: ${first.join(', ')}`);
      assert.deepEqual(first, ['0', '2.5', '10'], 'λ = 0, the cell above’s NEG_WEIGHT and 10');
      await session.screenshot('notebook-scope-trained');

      // Change the constant in the first cell: the loss cell below is read again with the new value.
      await cellEditor(session, /NEG_WEIGHT/).locator('.view-line', { hasText: 'NEG_WEIGHT' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Shift+Home');
      await page.keyboard.type('NEG_WEIGHT = 4.0');
      await cellEditor(session, /NEG_WEIGHT/).locator('.view-line', { hasText: '4.0' }).first().waitFor({ timeout: 10_000 });
      await page.waitForTimeout(1_000); // past the analysis debounce
      const second = await train('4');
      assert.deepEqual(second, ['0', '4', '10'], 'the edited constant is the λ of the next trial');
      await session.screenshot('notebook-scope-retrained');
    });
  });

  it('Sweep λ in the sample notebook: "Use λ" writes the λ where the training loop sets it (cell 4), one cell saved', async (t) => {
    await reportOnFailure(t, session, async () => {
      const { page } = session;
      await openNotebook(session, SAMPLE, /non_negative_loss\(pred/);
      const lens = page.locator('.notebook-editor .codelens-decoration a', { hasText: 'Sweep λ' }).first();
      await lens.waitFor({ timeout: 30_000 });
      await lens.click();
      const answer = await until('the notebook sweep to end with an answer', async () => {
        const a = await readAnswer(session);
        const title = await (await panel(session)).evaluate(() => document.getElementById('title')?.textContent ?? '');
        return title.includes('non_negative_loss') && a.status === 'done' && a.shown && a.rows.length > 0 ? a : undefined;
      }, 8 * 60_000);
      t.diagnostic(`${answer.headline} (${answer.rows.length} runs)`);
      assert.ok(answer.front, 'the Pareto chart is drawn');
      const lambda = /Use λ = ([\d.e-]+)/.exec(answer.use)?.[1];
      assert.ok(lambda, `the button names the λ (got "${answer.use}")`);
      await session.screenshot('notebook-sweep-answer');

      await (await panel(session)).locator('#use-recommended').click();
      const loopCell = cellEditor(session, /for\s+step/);
      await loopCell.locator('.view-line', { hasText: 'non_negative_loss(model' }).first().waitFor({ timeout: 30_000 });
      const saved = await until('the notebook saved with the λ in cell 4', async () => {
        await loopCell.click();
        await page.keyboard.press('Control+S');
        const nb = JSON.parse(readFileSync(join(workspace, SAMPLE), 'utf8')) as { cells: { source: string[] | string }[] };
        const call = /lam=([\d.e-]+)\)/.exec([nb.cells[3]!.source].flat().join(''))?.[1];
        return sameLambda(call, lambda) ? nb : undefined;
      }, 60_000);
      assert.match([saved.cells[2]!.source].flat().join(''), /lam=1\.0\)/, 'the default in cell 3, which the call overrides, is left alone');
      await session.screenshot('notebook-sweep-use-lambda');
    });
  });
});
