// Sweep λ on the seed article's other two examples (bounded outputs, sparsity) in a real VS Code: each sweep ends
// with a front and a recommendation with its reasons; "Use λ" writes the recommended λ into the default and the
// LL102 diagnostic (compile keeps the default) names the new value. The sum-to-one example is in sweep.test.ts.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reportOnFailure, startVSCode, type VSCodeSession } from './harness/index';
import { clickUseRecommended, problemMessages, readAnswer, sameLambda, savedCode } from './harness/sweepPanel';
import { panel, until } from './harness/trainingPanel';

const root = join(__dirname, '..', '..');
const SETTINGS = {
  'lossLab.training.steps': 200,
  'lossLab.sweep.count': 5,
  'workbench.editor.limit.enabled': true,
  'workbench.editor.limit.value': 1,
  'workbench.editor.limit.perEditorGroup': true,
};

const examples = [
  { file: 'example2_bounded_output.py', loss: 'bounded_loss', feasible: true },
  { file: 'example3_sparsity.py', loss: 'sparse_loss', feasible: undefined },
] as const;

describe('Sweep λ on the seed’s bounds and sparsity examples (e2e)', { timeout: 20 * 60_000 }, () => {
  let session: VSCodeSession;
  let workspace: string;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'loss-lab-sweep-seed-'));
    for (const e of examples) cpSync(join(root, 'test/fixtures/seed', e.file), join(workspace, e.file));
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify(SETTINGS, null, 2));
    session = await startVSCode({ workspace, settings: SETTINGS });
  });

  after(async () => {
    await session?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  for (const example of examples) {
    it(`${example.file}: a front, a recommendation with reasons, and "Use λ" writes it`, async (t) => {
      await reportOnFailure(t, session, async () => {
        const { page } = session;
        await session.openFile(example.file);
        const lens = page.locator('.editor-instance .codelens-decoration a', { hasText: 'Sweep λ' }).first();
        await lens.waitFor({ timeout: 60_000 });
        await lens.click();
        const answer = await until(`the ${example.loss} sweep to end with an answer`, async () => {
          const a = await readAnswer(session);
          const title = await (await panel(session)).evaluate(() => document.getElementById('title')?.textContent ?? '');
          return title.includes(example.loss) && a.status === 'done' && a.shown && a.rows.length > 0 ? a : undefined;
        }, 8 * 60_000);
        await session.screenshot(`sweep-${example.loss}`);
        t.diagnostic(`${answer.headline} (${answer.rows.length} runs); ${answer.grid}`);
        assert.match(answer.grid, /centred on .*\|L\| \/ \|P\|/);
        assert.ok(answer.rows.length >= 6, `5 grid values, 0 and the code's λ (got ${answer.rows.length})`);
        assert.ok(answer.front, 'the Pareto chart is drawn');
        assert.ok(answer.rows.some((r) => /✓ feasible|✗ not feasible/.test(r)), 'feasibility in words');
        if (example.feasible) assert.equal(answer.feasible, true, answer.headline);
        else if (!answer.feasible) assert.match(answer.headline, /No λ met/, 'an infeasible sweep says so');
        assert.ok(answer.onTop, 'the answer is above the curves');
        let lambda = /Use λ = ([\d.e-]+)/.exec(answer.use)?.[1];
        assert.ok(lambda, `the button names the λ (got "${answer.use}")`);

        // the λ the button named when it was clicked (the one read above unless the answer changed in between)
        const sent = await clickUseRecommended(session);
        if (!sent.includes(`= ${lambda}`)) t.diagnostic(`the button read "${answer.use}" but said "${sent}" when clicked`);
        lambda = /Use λ = ([\d.e-]+)/.exec(sent)?.[1];
        assert.ok(lambda, `the clicked button names the λ (got "${sent}")`);
        let seen = '';
        const text = await until(`λ = ${lambda} written into the code`, async () => {
          const current = await savedCode(session, workspace, example.file);
          seen = /lambda_param=[^,)]*/.exec(current)?.[0] ?? current;
          return sameLambda(/lambda_param=([\d.e-]+)/.exec(current)?.[1], lambda) ? current : undefined;
        }, 30_000).catch((err: Error) => {
          throw new Error(`${err.message}; the saved file has ${seen}`);
        });
        const written = /lambda_param=([\d.e-]+)/.exec(text)?.[1] ?? '';
        const messages = await until('LL102 to name the new default', async () => {
          const ms = await problemMessages(session);
          return ms.some((m) => m.includes(`keeps its default ${written}`)) ? ms : undefined;
        }, 30_000);
        assert.ok(messages.length > 0);
        await session.screenshot(`sweep-${example.loss}-use-lambda`);
      });
    });
  }
});
