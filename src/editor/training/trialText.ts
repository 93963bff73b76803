// What the controller says and asks about a trial, as plain functions: the sweep request from the settings, the
// cell of an error in a notebook, the sentence about a loaded tfjs-node, the panel's tab title.
import type * as vscode from 'vscode';
import type { TrainerToHost } from '../../protocol';
import { cellNumber } from './where';

/** The trainer's sweep request from the lossLab.sweep settings (clamped to what the protocol accepts). */
export function sweepSpec(s: { count: number; decades: number; multiPenalty: 'oneAtATime' | 'grid2' }, codeLambda: number | undefined) {
  const count = Math.min(25, Math.max(1, Math.round(Number.isFinite(s.count) ? s.count : 9)));
  const decades = Math.min(12, Number.isFinite(s.decades) && s.decades > 0 ? s.decades : 4);
  return { count, decades, multiPenalty: s.multiPenalty, ...(codeLambda !== undefined ? { codeLambda } : {}) };
}


/** An error in a notebook cell's lines, for the panel: the trainer knows lines, the editor knows which cell. */
export function withCell(m: TrainerToHost, document: vscode.Uri): TrainerToHost {
  if (m.type !== 'error' || !m.location || m.location.file) return m;
  const cell = cellNumber(document);
  return cell ? { ...m, location: { ...m.location, cell } } : m;
}

/** Says which tfjs-node file ran (code from outside Loss Lab), which version, and whether it worked. */
export function describeNative(n: NonNullable<Extract<TrainerToHost, { type: 'started' }>['native']>): string {
  const from = n.origin === 'workspace' ? "the workspace's" : 'a';
  return `Loaded ${from} @tensorflow/tfjs-node ${n.version} from ${n.file}${n.started ? '' : ': it did not start a native backend, so the trial runs without it'}`;
}

/** The panel's tab: the loss name only (the header inside says file and line; a tab named like the file confuses). */
export const tabTitle = (title: string) => `Training: ${title.split(' · ')[0]}`;

