// A trainer forked ahead of its trial (issue 11 §1: the first point within a second): the spare is the process the
// next trial runs on, it is used only at the place it was forked for, and clearing it (panel closed, window closed)
// ends the process. Real child processes (the trainer from source, through tsx).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { initParsers } from '../../../src/analysis';
import { SpareTrainer } from '../../../src/editor/training/trainerProcess';
import type { TrainerToHost } from '../../../src/protocol';
import { prepareTrainer, type TrainerPlace } from '../../../src/trainer/session';
import { lossFrom, specFor, trainerSource } from './helpers';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function until<T>(what: string, probe: () => T | undefined, withinMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > withinMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const place: TrainerPlace = { trainerPath: trainerSource, tfjsNodePaths: [] };
const spawned: number[] = [];
after(() => {
  for (const pid of spawned) if (alive(pid)) process.kill(pid, 'SIGKILL');
});
before(() => initParsers());

describe('a trainer forked ahead of its trial', { timeout: 120_000 }, () => {
  test('it loads while nobody waits, keeps its ready message, and trains the spec it is given', async () => {
    const prepared = prepareTrainer(place);
    spawned.push(prepared.pid);
    assert.equal(prepared.alive(), true);
    // it loads completely before the trial exists
    await until('the prepared trainer to say ready', () => prepared.loaded(), 60_000);
    assert.equal(prepared.alive(), true, 'an idle prepared trainer waits; it does not exit');
    const messages: TrainerToHost[] = [];
    const spec = specFor(await lossFrom('test/fixtures/seed/example1_sum_to_one.py'), { steps: 20, runs: [{ id: 'a', label: 'λ = 1', lambda: 1 }] });
    const session = prepared.start(spec, { onMessage: (m) => messages.push(m) });
    // the editor registers its trial once start returns: a message handed over inside start would be dropped
    assert.equal(messages.length, 0, 'the kept ready message arrives after start returns, as IPC messages do');
    assert.equal(prepared.alive(), false, 'once started it is no longer a spare');
    assert.equal(session.pid, prepared.pid);
    const { code } = await session.exited;
    assert.equal(code, 0);
    const types = messages.map((m) => m.type);
    assert.equal(types[0], 'ready', 'the ready message sent before the trial is delivered first');
    assert.ok(types.includes('started') && types.includes('done'), types.join(' '));
    assert.throws(() => prepared.start(spec, { onMessage: () => undefined }), /already started/);
  });

  test('the spare is taken at its own place, replaced elsewhere, and ended when cleared', async () => {
    const log: string[] = [];
    const spare = new SpareTrainer((m) => log.push(m));
    spare.prepare(place);
    const first = spare.take(place);
    spawned.push(first.trainer.pid);
    assert.ok(first.warmForMs !== undefined, 'the spare was used');
    first.trainer.kill();

    // no spare: a new process, said to be cold
    const cold = spare.take(place);
    spawned.push(cold.trainer.pid);
    assert.equal(cold.warmForMs, undefined);
    cold.trainer.kill();

    // a spare forked for another folder (or another trust: other tfjs-node paths) is not used there, and is ended
    spare.prepare({ ...place, tfjsNodePaths: ['/somewhere/trusted'] });
    const other = log.at(-1)?.match(/pid (\d+)/)?.[1];
    assert.ok(other, log.join(' | '));
    spawned.push(Number(other));
    const elsewhere = spare.take(place);
    spawned.push(elsewhere.trainer.pid);
    assert.equal(elsewhere.warmForMs, undefined, 'not the spare of another place');
    assert.notEqual(elsewhere.trainer.pid, Number(other));
    await until('the unfit spare to end', () => !alive(Number(other)));
    elsewhere.trainer.kill();

    // a spare that died meanwhile (killed from outside) is not handed out
    spare.prepare(place);
    const dead = Number(log.at(-1)?.match(/pid (\d+)/)?.[1]);
    spawned.push(dead);
    process.kill(dead, 'SIGKILL');
    await until('the spare to die', () => !alive(dead));
    await new Promise((r) => setTimeout(r, 100)); // the exit event reaches this process
    const fresh = spare.take(place);
    spawned.push(fresh.trainer.pid);
    assert.notEqual(fresh.trainer.pid, dead);
    assert.equal(fresh.warmForMs, undefined);
    fresh.trainer.kill();

    // clear (the panel closed) ends the spare's process
    spare.prepare(place);
    const last = Number(log.at(-1)?.match(/pid (\d+)/)?.[1]);
    spawned.push(last);
    assert.equal(alive(last), true);
    spare.clear();
    await until('the cleared spare to end', () => !alive(last));
  });
});
