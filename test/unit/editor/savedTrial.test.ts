// The last trial survives a window reload as a file in the workspace storage folder; a bad or missing file, or a
// folder that cannot be written, falls back without an error.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readSavedTrial, type SavedTrial, TrialStore, writeSavedTrial } from '../../../src/editor/training/savedTrial';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'loss-lab-saved-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const trial = (title: string): SavedTrial => ({
  state: { title, trial: 1_700_000_000_000, history: [{ type: 'log', level: 'info', message: 'hello' }] },
  args: { uri: 'file:///w/example3_sparsity.py', modelId: 'sparse_loss@3' },
});

class Memento {
  readonly values = new Map<string, unknown>();
  get(key: string) {
    return this.values.get(key);
  }
  async update(key: string, value: unknown) {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

test('a saved trial reads back as written, in a folder that did not exist yet, with no temporary file left', () => {
  const folder = join(tempDir(), 'workspaceStorage', 'loss-lab.loss-lab');
  writeSavedTrial(folder, trial('bounded_loss · example2_bounded_output.py:3'));
  writeSavedTrial(folder, trial('sparse_loss · example3_sparsity.py:3'));
  assert.deepEqual(readSavedTrial(folder), trial('sparse_loss · example3_sparsity.py:3'));
  assert.deepEqual(readdirSync(folder), ['last-trial.json']);
});

test('no file, a half-written file or a state that fails the protocol schema reads as no saved trial', () => {
  const folder = tempDir();
  assert.equal(readSavedTrial(folder), undefined);
  writeFileSync(join(folder, 'last-trial.json'), '{"state": {"title": "x", "hist');
  assert.equal(readSavedTrial(folder), undefined);
  writeFileSync(join(folder, 'last-trial.json'), JSON.stringify({ state: { title: 'x', history: [{ type: 'metrics', points: 'many' }] } }));
  assert.equal(readSavedTrial(folder), undefined);
  // Bad Re-run arguments lose only themselves.
  writeFileSync(join(folder, 'last-trial.json'), JSON.stringify({ state: { title: 'x', history: [] }, args: { uri: 7 } }));
  assert.deepEqual(readSavedTrial(folder), { state: { title: 'x', history: [] } });
});

test('the store writes the file and leaves workspaceState alone; with no folder it uses workspaceState', () => {
  const folder = tempDir();
  const memento = new Memento();
  const store = new TrialStore(folder, memento, (m) => assert.fail(m));
  store.write(trial('a'));
  assert.equal(memento.values.size, 0);
  assert.deepEqual(new TrialStore(folder, new Memento(), () => {}).read(), trial('a'));

  const noFolder = new TrialStore(undefined, memento, (m) => assert.fail(m));
  assert.equal(noFolder.read(), undefined);
  noFolder.write(trial('b'));
  assert.deepEqual(new TrialStore(undefined, memento, () => {}).read(), trial('b'));
});

test('a file that cannot be written: one warning, workspaceState from then on, and the older file no longer read', () => {
  const folder = tempDir();
  const memento = new Memento();
  const warnings: string[] = [];
  const store = new TrialStore(folder, memento, (m) => warnings.push(m));
  store.write(trial('old'));
  // A directory where the temporary file goes makes the next write fail, root or not.
  mkdirSync(join(folder, `last-trial.json.${process.pid}.tmp`));
  store.write(trial('new'));
  store.write(trial('newer'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /Cannot save the last trial in .*keeping it in workspaceState/);
  assert.equal(existsSync(join(folder, 'last-trial.json')), false);
  assert.equal(store.read()?.state.title, 'newer');
});

test('a background save lands on disk; a save made while it is written wins, and no temporary file is left', async () => {
  const folder = tempDir();
  const store = new TrialStore(folder, new Memento(), (m) => assert.fail(m));
  await store.writeSoon(trial('running, 5 s in'));
  assert.equal(readSavedTrial(folder)?.state.title, 'running, 5 s in');

  const background = store.writeSoon(trial('running, 10 s in'));
  store.write(trial('done'));
  await background;
  assert.equal(readSavedTrial(folder)?.state.title, 'done');
  assert.deepEqual(readdirSync(folder), ['last-trial.json']);
});

test('a background save asked for while one is being written is skipped, not queued behind it', async () => {
  const folder = tempDir();
  const store = new TrialStore(folder, new Memento(), (m) => assert.fail(m));
  const first = store.writeSoon(trial('first'));
  const second = store.writeSoon(trial('second'));
  await Promise.all([first, second]);
  assert.equal(readSavedTrial(folder)?.state.title, 'first');
});
