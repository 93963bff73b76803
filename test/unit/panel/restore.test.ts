// After a window reload the panel shows the last trial: the host's saved state, not an older copy the workbench kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseRestoredState } from '../../../src/editor/training/history';
import type { PanelState, TrainerToHost } from '../../../src/protocol';
import { PanelModel } from '../../../webview/panel/model';

const log = (n: number): TrainerToHost[] => Array.from({ length: n }, (_, i) => ({ type: 'log', level: 'info', message: `m${i}` }));
const state = (title: string, n: number): PanelState => ({ title, history: log(n) });

test('an older, longer trial kept by the webview does not replace the last trial the host saved', () => {
  const host = state('sparse_loss · example3_sparsity.py:3', 5);
  const web = state('bounded_loss · example2_bounded_output.py:3', 50);
  assert.equal(chooseRestoredState(host, web, false).title, host.title);
});

test('the webview fills in when the host has nothing, or has less of the same trial', () => {
  const web = state('constrained_loss · example1_sum_to_one.py:3', 8);
  assert.equal(chooseRestoredState(state('', 0), web, false), web);
  assert.equal(chooseRestoredState(state(web.title, 3), web, false), web);
  assert.equal(chooseRestoredState(state(web.title, 9), web, false).history.length, 9);
});

test('while a trial runs, the host state stays', () => {
  const host = state('a', 1);
  assert.equal(chooseRestoredState(host, state('a', 10), true), host);
  assert.equal(chooseRestoredState(host, undefined, false), host);
});

test('the later trial wins by its start time, whichever copy is behind', () => {
  const older = { ...state('bounded_loss · example2_bounded_output.py:3', 50), trial: 1_000 };
  const newer = { ...state('sparse_loss · example3_sparsity.py:3', 5), trial: 2_000 };
  // The workbench kept an older, longer webview state: the host's last trial wins.
  assert.equal(chooseRestoredState(newer, older, false), newer);
  // The window reloaded before the host's workspaceState was written out: the webview's later trial wins.
  assert.equal(chooseRestoredState(older, newer, false), newer);
  // Two copies of the same trial: the one with more of it.
  assert.equal(chooseRestoredState({ ...newer, history: log(3) }, newer, false), newer);
  assert.equal(chooseRestoredState(newer, { ...newer, history: log(2) }, false), newer);
});

test('the panel model keeps the trial start time in the state it saves', () => {
  const m = new PanelModel();
  m.apply({ type: 'reset', title: 'a', trial: 42 });
  assert.equal(m.state().trial, 42);
  m.apply({ type: 'restore', state: { title: 'b', history: [], trial: 7 } });
  assert.equal(m.state().trial, 7);
});
