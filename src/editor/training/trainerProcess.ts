// Starts the trainer child process (dist/trainer.js) through the plain-Node client shared with the CLI
// (src/trainer/session.ts): Node IPC, every message from the trainer validated, stop (graceful) and kill.
import { setPriority } from 'node:os';
import type { TrainerToHost, TrialSpecInput } from '../../protocol';
import { startTrainer } from '../../trainer/session';

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

export interface TrainerPlace {
  /** Working folder (the workspace folder): relative dataset paths resolve against it. */
  cwd?: string;
  /** Folders where `@tensorflow/tfjs-node` may be installed (lossLab.training.tfjsNodePath, the workspace). */
  tfjsNodePaths: string[];
}

/**
 * The trainer's scheduling priority (niceness): a trial uses all the CPU it gets, and on a small machine it took it
 * from the editor (the command palette took seconds to open while a long trial streamed). Lower priority, it yields
 * to the editor when both want the CPU and runs at full speed when the editor is idle.
 */
export const TRAINER_NICENESS = 10;

export function launchTrainer(spec: TrialSpecInput, trainerPath: string, events: TrainerEvents, place: TrainerPlace): TrainerHandle {
  const session = startTrainer(spec, {
    trainerPath,
    cwd: place.cwd,
    tfjsNodePaths: place.tfjsNodePaths,
    onMessage: (m) => events.onMessage(m),
    onExit: (code, signal) => events.onExit(code, signal),
  });
  try {
    setPriority(session.pid, TRAINER_NICENESS);
  } catch {
    // Not permitted on this system (or the child already exited): it then runs at the editor's priority.
  }
  return session;
}
