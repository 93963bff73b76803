// Starts the trainer child process (dist/trainer.js) through the plain-Node client shared with the CLI
// (src/trainer/session.ts): Node IPC, every message from the trainer validated, stop (graceful) and kill.
// Keeps one spare trainer forked between trials while the panel is open, so the next trial does not wait for
// Node and the bundle to load (1.2–1.7 s here): its first point comes a few hundred milliseconds after the command.
import { setPriority } from 'node:os';
import type { TrainerToHost, TrialSpecInput } from '../../protocol';
import { type PreparedTrainer, prepareTrainer, type TrainerPlace } from '../../trainer/session';

export type { TrainerPlace };

export interface TrainerHandle {
  readonly pid: number;
  /** Asks the trainer to stop after the current step (it then sends `done`). */
  stop(): void;
  /** Ends the process now. */
  kill(): void;
}

export interface TrainerEvents {
  onMessage(message: TrainerToHost): void;
  onExit(code: number | null, signal: string | null): void;
}

/**
 * The trainer's scheduling priority (niceness): a trial uses all the CPU it gets, and on a small machine it took it
 * from the editor (the command palette took seconds to open while a long trial streamed). Lower priority, it yields
 * to the editor when both want the CPU and runs at full speed when the editor is idle.
 */
export const TRAINER_NICENESS = 10;

/** A spare nobody used for this long is ended: an idle Node process with tfjs holds ~60 MB. */
export const SPARE_IDLE_MS = 10 * 60_000;

function prepareAt(place: TrainerPlace): PreparedTrainer {
  const prepared = prepareTrainer(place);
  try {
    setPriority(prepared.pid, TRAINER_NICENESS);
  } catch {
    // Not permitted on this system (or the child already exited): it then runs at the editor's priority.
  }
  return prepared;
}

const samePlace = (a: TrainerPlace, b: TrainerPlace) =>
  a.trainerPath === b.trainerPath && a.cwd === b.cwd && JSON.stringify(a.tfjsNodePaths ?? []) === JSON.stringify(b.tfjsNodePaths ?? []);

/** At most one trainer forked ahead of its trial, for the same place (folder, trust: the tfjs-node paths) only. */
export class SpareTrainer {
  private spare?: { trainer: PreparedTrainer; forkedAt: number; idle: NodeJS.Timeout };

  constructor(private readonly log: (message: string) => void) {}

  /** Forks a spare for the next trial at `place`, unless a live one is already there. */
  prepare(place: TrainerPlace): void {
    if (this.spare?.trainer.alive() && samePlace(this.spare.trainer.place, place)) return;
    this.clear();
    const trainer = prepareAt(place);
    const idle = setTimeout(() => {
      this.log(`Ending the spare trainer (pid ${trainer.pid}): unused for ${SPARE_IDLE_MS / 60_000} minutes`);
      this.clear();
    }, SPARE_IDLE_MS);
    idle.unref?.();
    this.spare = { trainer, forkedAt: Date.now(), idle };
    this.log(`Spare trainer forked for the next trial (pid ${trainer.pid})`);
  }

  /** The spare when it lives and fits `place` (then it is no longer the spare), else a newly forked trainer. */
  take(place: TrainerPlace): { trainer: PreparedTrainer; warmForMs?: number } {
    const spare = this.spare;
    this.spare = undefined;
    if (spare) clearTimeout(spare.idle);
    if (spare?.trainer.alive() && samePlace(spare.trainer.place, place)) return { trainer: spare.trainer, warmForMs: Date.now() - spare.forkedAt };
    spare?.trainer.kill();
    return { trainer: prepareAt(place) };
  }

  /** Ends the spare (the panel closed, the window closes, the trust changed). */
  clear(): void {
    if (!this.spare) return;
    clearTimeout(this.spare.idle);
    this.spare.trainer.kill();
    this.spare = undefined;
  }
}

export function launchTrainer(spec: TrialSpecInput, prepared: PreparedTrainer, events: TrainerEvents): TrainerHandle {
  return prepared.start(spec, {
    onMessage: (m) => events.onMessage(m),
    onExit: (code, signal) => events.onExit(code, signal),
  });
}
