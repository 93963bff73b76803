// Workspace trust in the trainer (src/trainer/trust.ts, backend.ts, data/files.ts): where tfjs-node may be loaded
// from, and which dataset files may be read, with a planted module that leaves a marker when its code runs.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TrainerToHost } from '../../../src/protocol';
import { loadBackend } from '../../../src/trainer/backend';
import { DatasetError, loadDatasetFile } from '../../../src/trainer/data';
import { startTrainer } from '../../../src/trainer/session';
import { datasetRealPath, findTfjsNode, isInside, quote, tfjsNodeCandidates } from '../../../src/trainer/trust';
import { lossFrom, specFor, trainerSource } from './helpers';

/** A folder with node_modules/@tensorflow/tfjs-node whose index.js writes `marker` when it is required. */
function plant(root: string, version = '9.9.9-planted'): { pkg: string; marker: string } {
  const pkg = join(root, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(pkg, { recursive: true });
  const marker = join(root, `ran-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version, main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = {};\n`);
  return { pkg, marker };
}

const tmp = (prefix: string) => realpathSync(mkdtempSync(join(tmpdir(), prefix)));

test('untrusted: only Loss Lab’s own folder is a candidate, whatever folders are offered', () => {
  const places = { trusted: false, folders: ['/ws', '/setting'], ownRoot: '/ext' };
  assert.deepEqual(tfjsNodeCandidates(places), ['/ext/node_modules/@tensorflow/tfjs-node']);
  assert.deepEqual(tfjsNodeCandidates({ ...places, ownRoot: undefined }), []);
});

test('trusted: the offered folders, then Loss Lab’s own, as exact paths (relative ones dropped)', () => {
  const places = { trusted: true, folders: ['/setting', '/ws', 'relative/dir', '/ws'], ownRoot: '/ext' };
  assert.deepEqual(tfjsNodeCandidates(places), [
    '/setting/node_modules/@tensorflow/tfjs-node',
    '/ws/node_modules/@tensorflow/tfjs-node',
    '/ext/node_modules/@tensorflow/tfjs-node',
  ]);
});

test('a module planted in the workspace is not even looked at when untrusted, and its code never runs', async () => {
  const ws = tmp('ll-trust-ws-');
  const { marker } = plant(ws);
  const found = findTfjsNode({ trusted: false, folders: [ws], ownRoot: tmp('ll-trust-ext-'), workspaceDir: ws });
  assert.equal(found.ok, false);
  assert.match(!found.ok ? found.error : '', /untrusted workspace: only Loss Lab’s own folder is searched/);
  const { name, reason, native } = await loadBackend('auto', { trusted: false, tfjsNodePaths: [ws], workspaceDir: ws });
  assert.equal(name, 'wasm');
  assert.equal(native, undefined);
  assert.doesNotMatch(reason, new RegExp(ws));
  assert.equal(existsSync(marker), false, 'the planted index.js did not run');
});

test('a module in a parent folder’s node_modules is never found (no Node resolution walk)', () => {
  const parent = tmp('ll-trust-parent-');
  plant(parent);
  const ws = join(parent, 'project');
  mkdirSync(ws);
  assert.equal(findTfjsNode({ trusted: true, folders: [ws], workspaceDir: ws }).ok, false);
  assert.equal(findTfjsNode({ trusted: false, folders: [], ownRoot: join(parent, 'ext-inside') }).ok, false);
});

test('trusted: the workspace’s module is found at its exact file, with its version and origin', () => {
  const ws = tmp('ll-trust-ws-');
  const { pkg } = plant(ws, '4.22.0-test');
  const found = findTfjsNode({ trusted: true, folders: [ws], ownRoot: tmp('ll-trust-ext-'), workspaceDir: ws });
  assert.ok(found.ok);
  assert.deepEqual(found.module, { dir: pkg, file: join(pkg, 'index.js'), version: '4.22.0-test', origin: 'workspace' });
});

test('trusted: requiring a module that is no TensorFlow backend says which file and version, then wasm runs', async () => {
  const ws = tmp('ll-trust-ws-');
  const { pkg, marker } = plant(ws);
  const { name, reason, native } = await loadBackend('auto', { trusted: true, tfjsNodePaths: [ws], workspaceDir: ws });
  assert.equal(name, 'wasm');
  assert.equal(existsSync(marker), true, 'trusted: the user’s module was loaded');
  assert.deepEqual(native, { dir: pkg, file: join(pkg, 'index.js'), version: '9.9.9-planted', origin: 'workspace', started: false });
  assert.match(reason, /tfjs-node 9\.9\.9-planted from .*index\.js is not a TensorFlow\.js module/);
});

test('Loss Lab’s own folder is used in an untrusted workspace, and called Loss Lab’s', () => {
  const ext = tmp('ll-trust-ext-');
  const { pkg } = plant(ext, '4.22.0');
  const found = findTfjsNode({ trusted: false, folders: ['/elsewhere'], ownRoot: ext, workspaceDir: '/elsewhere' });
  assert.ok(found.ok);
  assert.equal(found.module.file, join(pkg, 'index.js'));
  assert.equal(found.module.origin, 'loss-lab');
});

test('a package whose main points outside its folder is refused', () => {
  const ws = tmp('ll-trust-ws-');
  const { pkg } = plant(ws);
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ version: '1.0.0', main: '../../../evil.js' }));
  writeFileSync(join(ws, 'evil.js'), '');
  const found = findTfjsNode({ trusted: true, folders: [ws] });
  assert.equal(found.ok, false);
  assert.match(!found.ok ? found.error : '', /has no entry file/);
});

test('isInside: the folder itself and below; not a sibling with the same prefix, not the parent', () => {
  assert.ok(isInside('/a/b', '/a/b'));
  assert.ok(isInside('/a/b/c/d.csv', '/a/b'));
  assert.ok(!isInside('/a/bc/d.csv', '/a/b'));
  assert.ok(!isInside('/a', '/a/b'));
  assert.ok(!isInside('/etc/passwd', '/a/b'));
});

test('dataset: untrusted, a file inside the workspace is read; outside it or through a symlink out of it is refused', () => {
  const ws = tmp('ll-trust-ws-');
  const outside = tmp('ll-trust-out-');
  writeFileSync(join(ws, 'in.csv'), 'a,b\n1,2\n3,4\n');
  writeFileSync(join(outside, 'secret.csv'), 'a,b\n1,2\n3,4\n');
  symlinkSync(join(outside, 'secret.csv'), join(ws, 'link.csv'));
  assert.equal(datasetRealPath(join(ws, 'in.csv'), { trusted: false, workspaceDir: ws }), join(ws, 'in.csv'));
  assert.throws(() => datasetRealPath(join(outside, 'secret.csv'), { trusted: false, workspaceDir: ws }), /lies outside the workspace folder/);
  assert.throws(() => datasetRealPath(join(ws, 'link.csv'), { trusted: false, workspaceDir: ws }), /lies outside the workspace folder \(it leads to .*secret\.csv\)/);
  assert.throws(() => datasetRealPath(join(ws, '..', 'x', '..', outside.split('/').pop() ?? '', 'secret.csv'), { trusted: false, workspaceDir: ws }), /outside/);
  assert.equal(datasetRealPath(join(ws, 'link.csv'), { trusted: true, workspaceDir: ws }), join(outside, 'secret.csv'));
  // Through the loader: a dataset error naming the file.
  assert.throws(
    () => loadDatasetFile({ kind: 'file', path: 'link.csv' }, ws, { trusted: false, workspaceDir: ws }),
    (e: unknown) => e instanceof DatasetError && /outside the workspace/.test(e.message),
  );
  assert.equal(loadDatasetFile({ kind: 'file', path: 'in.csv' }, ws, { trusted: false, workspaceDir: ws }).samples, 2);
});

test('quote: one line, about 80 characters', () => {
  assert.equal(quote('short'), 'short');
  const long = quote(`${'x'.repeat(200)}\nsecond line`);
  assert.equal(long.length, 80);
  assert.ok(long.endsWith('…'));
  assert.equal(quote('a\nb'), 'a b');
});

/**
 * Forks the trainer (from source: its working folder stays the repository, where tsx resolves), offering `ws` for
 * tfjs-node as the editor did before; returns its messages.
 */
async function trainIn(ws: string, workspaceTrusted: boolean): Promise<TrainerToHost[]> {
  const spec = { ...specFor(await lossFrom('test/fixtures/seed/example1_sum_to_one.py'), { steps: 3, backend: 'auto' }), workspaceTrusted, workspaceDir: ws };
  const messages: TrainerToHost[] = [];
  const session = startTrainer(spec, { trainerPath: trainerSource, tfjsNodePaths: [ws], onMessage: (m) => messages.push(m) });
  await session.exited;
  return messages;
}

test('the trainer process itself refuses workspace code when the spec says untrusted (the workspace offered)', async () => {
  const ws = tmp('ll-trust-proc-');
  const { marker } = plant(ws);
  const messages = await trainIn(ws, false);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started && started.type === 'started', `started: ${JSON.stringify(messages.filter((m) => m.type === 'error'))}`);
  assert.equal(started.backend, 'wasm');
  assert.equal(started.native, undefined);
  assert.ok(messages.some((m) => m.type === 'done'));
  assert.equal(existsSync(marker), false, 'the planted module never ran');

  // The same workspace, trusted: the module is loaded and the trainer says which file and version.
  const trusted = (await trainIn(ws, true)).find((m) => m.type === 'started');
  assert.ok(trusted && trusted.type === 'started');
  assert.deepEqual(trusted.native, { file: join(ws, 'node_modules/@tensorflow/tfjs-node/index.js'), version: '9.9.9-planted', origin: 'workspace', started: false });
  assert.equal(trusted.backend, 'wasm');
  assert.equal(existsSync(marker), true);
});
