// Workspace trust in the real editor (issue 12 §1): a cloned repository that ships its own
// node_modules/@tensorflow/tfjs-node (a package.json with a version, an index.js that writes a marker file when it
// runs), also named by the workspace's lossLab.training.tfjsNodePath. Opened untrusted (Restricted Mode), the trial
// runs on wasm and the module never runs. Trusted, the module is loaded, and the panel says so (which file, which
// version) and that it did not start, so the trial runs on wasm.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { knownStateAroundEachTest, reportOnFailure, startVSCode, type VSCodeSession } from './harness/index';
import { panel, readPanel, until } from './harness/trainingPanel';

const root = join(__dirname, '..', '..');
const LOSS = { file: 'example1_sum_to_one.py', line: 16, name: 'constrained_loss' };
const VERSION = '9.9.9-planted';
const TRAINING = { 'lossLab.training.steps': 60, 'lossLab.training.lambdas': [0, 1], 'lossLab.training.hiddenLayers': [8] };

/** A workspace with the planted module; the marker file lies outside it, where the module's code would write it. */
function plantedWorkspace(): { workspace: string; marker: string; entry: string } {
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'loss-lab-trust-')));
  const marker = `${workspace}.planted-module-ran`;
  cpSync(join(root, 'test/fixtures/seed', LOSS.file), join(workspace, LOSS.file));
  const pkg = join(workspace, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: VERSION, main: 'index.js' }, null, 2));
  writeFileSync(join(pkg, 'index.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'the planted tfjs-node ran');\nmodule.exports = {};\n`);
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ ...TRAINING, 'lossLab.training.tfjsNodePath': workspace }, null, 2));
  return { workspace, marker, entry: join(pkg, 'index.js') };
}

/** Train with Constraint on the loss from the palette; returns the finished panel and the header's tfjs-node line. */
async function trainToTheEnd(session: VSCodeSession) {
  await session.openFile(LOSS.file);
  await session.goToLine(LOSS.line);
  await session.runCommand('Loss Lab: Train with Constraint');
  const view = await until('the trial done', async () => {
    const v = await readPanel(await panel(session));
    return v.title.includes(LOSS.name) && (v.status === 'done' || v.status === 'failed') ? v : undefined;
  }, 240_000);
  const nativeLine = await (await panel(session)).evaluate('(() => { const e = document.getElementById("native"); return e && !e.hidden ? e.textContent : ""; })()');
  return { view, nativeLine: String(nativeLine ?? '') };
}

/**
 * A session on a fresh planted workspace for the suite it is called in. `untrusted`: workspace trust on, so the
 * folder (never trusted before) opens in Restricted Mode; otherwise trust is off and every folder is trusted.
 */
function plantedSession(options: { untrusted: boolean }): { session: () => VSCodeSession; planted: () => ReturnType<typeof plantedWorkspace> } {
  let session: VSCodeSession;
  let planted: ReturnType<typeof plantedWorkspace>;
  before(async () => {
    planted = plantedWorkspace();
    session = await startVSCode({ workspace: planted.workspace, ...(options.untrusted ? { trust: true } : {}) });
  });
  after(async () => {
    await session?.close();
    if (planted) {
      rmSync(planted.workspace, { recursive: true, force: true });
      rmSync(planted.marker, { force: true });
    }
  });
  knownStateAroundEachTest(() => session);
  return { session: () => session, planted: () => planted };
}

describe('a workspace with its own tfjs-node, trusted (e2e)', { timeout: 20 * 60_000 }, () => {
  const ctx = plantedSession({ untrusted: false });

  it('loads the workspace’s tfjs-node, says which file and version, and falls back clearly', async (t) => {
    const session = ctx.session();
    const planted = ctx.planted();
    await reportOnFailure(t, session, async () => {
      const { view, nativeLine } = await trainToTheEnd(session);
      await session.screenshot('trust-trusted-trained');
      t.diagnostic(`panel: ${nativeLine}; backend ${view.backend}: ${view.backendReason}`);
      assert.equal(view.status, 'done', view.errors.join(' | '));
      assert.equal(existsSync(planted.marker), true, 'trusted: the workspace’s module was loaded');
      assert.equal(nativeLine, `Loaded the workspace's tfjs-node ${VERSION} from ${planted.entry} — it did not start; running on wasm`);
      assert.equal(view.backend, 'wasm');
      assert.match(view.backendReason, new RegExp(`tfjs-node ${VERSION.replace(/\./g, '\\.')} from .*index\\.js is not a TensorFlow\\.js module`));
    });
  });
});

describe('a workspace with its own tfjs-node, untrusted (e2e)', { timeout: 20 * 60_000 }, () => {
  const ctx = plantedSession({ untrusted: true });

  it('trains on wasm in Restricted Mode; the planted module never runs', async (t) => {
    const session = ctx.session();
    const planted = ctx.planted();
    await reportOnFailure(t, session, async () => {
      await session.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 120_000 });
      const { view, nativeLine } = await trainToTheEnd(session);
      await session.screenshot('trust-untrusted-trained');
      t.diagnostic(`backend ${view.backend}: ${view.backendReason}`);
      assert.equal(view.status, 'done', view.errors.join(' | '));
      assert.equal(existsSync(planted.marker), false, 'untrusted: the workspace’s module never ran');
      assert.equal(nativeLine, '', 'no tfjs-node was loaded, so the header names none');
      assert.equal(view.backend, 'wasm');
      assert.doesNotMatch(view.backendReason, /9\.9\.9-planted|probe-trust|loss-lab-trust/);
    });
  });
});
