// Fault suite for the trainer (issue 12 §3, §5): bad datasets of every kind, a parent killed with -9 during
// training and during a load, stop and SIGTERM during a load, oversized models, a spec that cannot be sent. Each
// ends with a clear error (or a clean stop) and no orphaned trainer process.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { type TrainerToHost, TrialSpec, type TrialSpecInput } from '../../../src/protocol';
import { DatasetError, loadDatasetFile } from '../../../src/trainer/data';
import { encodeNpy } from '../../../src/trainer/data/npy';
import { startTrainer } from '../../../src/trainer/session';
import { runTrial } from '../../../src/trainer/trial';
import { specFor as baseSpecFor, lossFrom, trainerSource } from './helpers';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'loss-lab-faults-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The suite's folder plays the workspace (untrusted, the default): its datasets lie inside it, as a user's would. */
const specFor = (...args: Parameters<typeof baseSpecFor>): TrialSpecInput => ({ ...baseSpecFor(...args), workspaceDir: dir });

/** A running process: one that exited but was not yet reaped by init (state Z, a zombie) is not running. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

async function gone(pid: number, withinMs: number): Promise<number> {
  const t0 = performance.now();
  while (alive(pid)) {
    if (performance.now() - t0 > withinMs) return Number.POSITIVE_INFINITY;
    await new Promise((r) => setTimeout(r, 25));
  }
  return performance.now() - t0;
}

/** Runs a trial to its end; resolves with every message and the exit. */
async function trial(spec: TrialSpecInput, timeoutMs = 60_000): Promise<{ messages: TrainerToHost[]; code: number | null; pid: number }> {
  const messages: TrainerToHost[] = [];
  const session = startTrainer(spec, { trainerPath: trainerSource, onMessage: (m) => messages.push(m) });
  const timer = setTimeout(() => session.kill(), timeoutMs);
  const { code } = await session.exited;
  clearTimeout(timer);
  return { messages, code, pid: session.pid };
}

/** The same trial in this process (no fork: the dataset checks are the same, without a trainer's start-up time). */
async function inProcess(spec: TrialSpecInput): Promise<TrainerToHost[]> {
  const messages: TrainerToHost[] = [];
  await runTrial(TrialSpec.parse(spec), { send: (m) => messages.push(m), shouldStop: () => false });
  return messages;
}

const errorOf = (messages: TrainerToHost[]) => messages.find((m): m is Extract<TrainerToHost, { type: 'error' }> => m.type === 'error');

/** A float32 .npy of 6 values whose header says `shape` (written as given). */
function npyWithHeader(shape: string): Uint8Array {
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape}), }`.padEnd(117, ' ') + '\n';
  const data = new Float32Array([1, 2, 3, 4, 5, 6]);
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer), 10 + header.length);
  return out;
}

describe('.npy headers', () => {
  for (const [shape, why] of [
    ['-1, 2', /'-1' is not a whole number/],
    ['0, 3', /the array is empty/],
    ['abc, 2', /'abc' is not a whole number/],
    ['2.5, 2', /'2\.5' is not a whole number/],
    ['3, 2, 1', /expected a 1-D or 2-D array/],
    ['300, 2', /shorter than its header's shape/],
  ] as const) {
    test(`shape (${shape}) is a dataset error naming the file`, () => {
      const path = join(dir, `shape-${shape.replace(/\W+/g, '_')}.npy`);
      writeFileSync(path, npyWithHeader(shape));
      assert.throws(
        () => loadDatasetFile({ kind: 'file', path }),
        (e: unknown) => e instanceof DatasetError && e.file === path && e.message.startsWith(`${path}: `) && why.test(e.message),
      );
    });
  }

  test('a header length past the end of the file, an unknown version, a missing field', () => {
    const good = encodeNpy([1, 2, 3, 4], [2, 2]);
    const cases: [Uint8Array, RegExp][] = [
      [(() => { const b = good.slice(0, 40); new DataView(b.buffer).setUint16(8, 60000, true); return b; })(), /the file ends before/],
      [(() => { const b = good.slice(); b[6] = 9; return b; })(), /format version 9\.0 is not supported/],
      [new TextEncoder().encode(new TextDecoder('latin1').decode(good).replace("'fortran_order': False", "'fortran_order': Maybe")).map((c, i) => (i < 10 ? good[i]! : c)), /no 'fortran_order' True or False/],
    ];
    for (const [bytes, why] of cases) {
      const path = join(dir, 'header.npy');
      writeFileSync(path, bytes);
      assert.throws(() => loadDatasetFile({ kind: 'file', path }), (e: unknown) => e instanceof DatasetError && e.file === path && why.test(e.message));
    }
  });
});

describe('bad datasets and models', () => {
  let sparse: LossModel;
  before(async () => {
    await initParsers();
    const src = 'import tensorflow as tf\n\ndef loss(y_true, y_pred, lam=0.1):\n    ce = tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred)\n    return ce + lam * tf.reduce_mean(tf.square(y_pred))\n';
    sparse = analyzeSource(src, 'python', 'sparse.py').models[0]!;
    assert.ok(sparse);
  });

  test('an id column as class labels: refused with the count and a guess, no 4 GB allocation', async () => {
    const path = join(dir, 'ids.csv');
    writeFileSync(path, `a,b,label\n${Array.from({ length: 200 }, (_, i) => `${i % 7},${i % 3},${3_000_000 - i}`).join('\n')}\n`);
    const e = errorOf(await inProcess(specFor(sparse, { dataset: { kind: 'file', path } })));
    assert.equal(e?.kind, 'dataset');
    assert.match(e?.message ?? '', /ids\.csv: data row 1: class label 3,000,000 makes 3,000,001 classes, more than the 1,000 .*: is this an id column\?/);
    assert.equal(e?.location?.file, path);
  });

  test('a non-numeric cell names the file and its line', async () => {
    const path = join(dir, 'cell.csv');
    writeFileSync(path, 'a,b,y\n1,2,3\n4,five,6\n');
    const e = errorOf(await inProcess(specFor(await lossFrom('test/fixtures/seed/example1_sum_to_one.py'), { dataset: { kind: 'file', path } })));
    assert.equal(e?.kind, 'dataset');
    assert.match(e?.message ?? '', /cell\.csv: row 3, column 'b': 'five' is not a number/);
    assert.deepEqual(e?.location, { file: path, line: 3 });
  });

  test('a file over the size limit is refused before it is read', async () => {
    const path = join(dir, 'big.csv');
    writeFileSync(path, `a,y\n${'0.5,1\n'.repeat(400_000)}`);
    const e = errorOf(await inProcess(specFor(await lossFrom('test/fixtures/seed/example1_sum_to_one.py'), { dataset: { kind: 'file', path, maxMB: 1 } })));
    assert.equal(e?.kind, 'dataset');
    assert.match(e?.message ?? '', /big\.csv: 2\.3 MB, over the dataset limit of 1 MB \(setting lossLab\.training\.maxDatasetMB\)/);
  });

  test('a bad .npy shape through the trainer process is a dataset error naming the file; the process exits', async () => {
    const path = join(dir, 'neg.npy');
    writeFileSync(path, npyWithHeader('-1, 2'));
    const r = await trial(specFor(await lossFrom('test/fixtures/seed/example1_sum_to_one.py'), { dataset: { kind: 'file', path } }));
    const e = errorOf(r.messages);
    assert.equal(e?.kind, 'dataset');
    assert.match(e?.message ?? '', /neg\.npy: wrong shape \(-1, 2\)/);
    assert.equal(r.code, 0);
    assert.equal(alive(r.pid), false);
  });

  test('an oversized model is refused before training with the numbers', async () => {
    const loss = await lossFrom('test/fixtures/seed/example1_sum_to_one.py');
    const runs = Array.from({ length: 32 }, (_, i) => ({ id: `r${i}`, label: `λ = ${i}`, lambda: i }));
    const messages = await inProcess(specFor(loss, { runs, model: { hidden: [4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096], outputActivation: 'auto' } }));
    const e = errorOf(messages);
    assert.equal(e?.kind, 'invalid-spec');
    assert.match(e?.message ?? '', /^the trial would need about \d+ GB of memory \(32 runs × [\d,]+ weights .*more than the [\d.]+ GB the wasm backend can use here/);
    assert.ok(!messages.some((m) => m.type === 'started'), 'nothing trained');
  });
});

describe('stops, signals and dead parents', () => {
  let bigCsv = '';
  let spec: TrialSpecInput;
  before(async () => {
    bigCsv = join(dir, 'large.csv');
    const row = '0.125,0.25,0.5,0.75,1.5,2.25,3.5,4.75,0.1,0.2,0.3,0.4\n';
    writeFileSync(bigCsv, `a,b,c,d,e,f,g,h,y1,y2,y3,y4\n${row.repeat(1_200_000)}`); // ~65 MB: seconds to parse
    spec = specFor(await lossFrom('test/fixtures/seed/example1_sum_to_one.py'), { dataset: { kind: 'file', path: bigCsv, featureColumns: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] }, steps: 1_000_000 });
  });

  test('stop during a load ends the trainer within 3 s, saying nothing was trained', async () => {
    const messages: TrainerToHost[] = [];
    const session = startTrainer(spec, { trainerPath: trainerSource, onMessage: (m) => messages.push(m) });
    await waitForMessage(messages, (m) => m.type === 'log' && m.message.startsWith('reading the dataset'));
    await new Promise((r) => setTimeout(r, 300)); // the CSV being read (it takes seconds)
    const asked = performance.now();
    session.stop();
    const exit = await session.exited;
    const took = performance.now() - asked;
    // seen between two 256 KB chunks; 3 s leaves room for a machine shared by many (idle: well under 1 s)
    assert.ok(took < 3000, `exited ${took.toFixed(0)} ms after stop`);
    assert.equal(exit.code, 0);
    assert.ok(!messages.some((m) => m.type === 'started'), 'the load was cut short');
    assert.ok(messages.some((m) => m.type === 'log' && /stopped while the dataset was loading/.test(m.message)), JSON.stringify(messages));
  });

  test('SIGTERM during a load ends the trainer within 2 s', async () => {
    const messages: TrainerToHost[] = [];
    const session = startTrainer(spec, { trainerPath: trainerSource, onMessage: (m) => messages.push(m) });
    await waitForMessage(messages, (m) => m.type === 'log' && m.message.startsWith('reading the dataset'));
    await new Promise((r) => setTimeout(r, 300));
    const asked = performance.now();
    session.child.kill('SIGTERM');
    await session.exited;
    assert.ok(performance.now() - asked < 2000);
    assert.ok(!messages.some((m) => m.type === 'started'));
  });

  for (const phase of ['a load', 'training'] as const) {
    test(`kill -9 of the parent during ${phase}: the trainer exits within 2 s`, async () => {
      const specFile = join(dir, `spec-${phase.replace(' ', '-')}.json`);
      const trainSpec = phase === 'training' ? specFor(await lossFrom('test/fixtures/seed/example1_sum_to_one.py'), { steps: 1_000_000 }) : spec;
      writeFileSync(specFile, JSON.stringify(trainSpec));
      const parent = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'faultParent.ts'), specFile, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      const childPid = await lineFrom(parent, phase === 'training' ? /^started (\d+)$/ : /^loading (\d+)$/);
      if (phase === 'a load') await new Promise((r) => setTimeout(r, 300));
      assert.ok(alive(childPid));
      parent.kill('SIGKILL');
      const took = await gone(childPid, 2000);
      if (!Number.isFinite(took)) process.kill(childPid, 'SIGKILL');
      assert.ok(took < 2000, `the trainer outlived its parent by more than 2 s (${phase})`);
    });
  }

  test('a spec that cannot be sent throws before a trainer is forked', async () => {
    const loss = (await lossFrom('test/fixtures/seed/example1_sum_to_one.py')) as LossModel & { self?: unknown };
    const cyclic = { ...loss } as LossModel & { self?: unknown };
    cyclic.self = cyclic;
    const before = childPids();
    assert.throws(() => startTrainer(specFor(cyclic), { trainerPath: trainerSource, onMessage: () => undefined }), /the training spec cannot be sent to the trainer: .*circular/i);
    assert.deepEqual(childPids(), before, 'no child process was left behind');
  });
});

function childPids(): number[] {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([pid, comm]) => Number(pid) > 0 && comm !== 'ps')
      .map(([pid]) => Number(pid))
      .sort();
  } catch {
    return [];
  }
}

function waitForMessage(messages: TrainerToHost[], pred: (m: TrainerToHost) => boolean, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const poll = () => {
      if (messages.some(pred)) resolve();
      else if (performance.now() - t0 > timeoutMs) reject(new Error(`no such message; got ${messages.map((m) => m.type).join(', ')}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

function lineFrom(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no line ${pattern} from the parent; got: ${buffer}`));
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const m = buffer.split('\n').map((l) => pattern.exec(l)).find(Boolean);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
}
