// After a window reload the panel shows the last trial: the host's saved state, not an older copy the workbench kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseRestoredState } from '../../../src/editor/training/history';
import type { PanelState, TrainerToHost } from '../../../src/protocol';

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
