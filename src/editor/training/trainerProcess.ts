// Starts the trainer child process (dist/trainer.js) over Node IPC. Every message from it is validated
// (TrainerToHost); an invalid one is reported to `onInvalid` and dropped.
// TODO(E7 integration): switch to `startTrainer` from src/trainer/session.ts once it lands (same shape).
import { fork } from 'node:child_process';
import { HostToTrainer, type HostToTrainerInput, parseMessage, TrainerToHost, type TrialSpecInput } from '../../protocol';

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
  onInvalid?(error: string): void;
}

export function launchTrainer(spec: TrialSpecInput, trainerPath: string, events: TrainerEvents): TrainerHandle {
  const child = fork(trainerPath, [], { serialization: 'json', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const send = (m: HostToTrainerInput) => {
    const parsed = parseMessage(HostToTrainer, m);
    if (!parsed.ok) throw new Error(`invalid message to the trainer: ${parsed.error}`);
    if (child.connected) child.send(parsed.value);
  };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('message', (raw: unknown) => {
    const parsed = parseMessage(TrainerToHost, raw);
    if (parsed.ok) events.onMessage(parsed.value);
    else events.onInvalid?.(parsed.error);
  });
  child.on('exit', (code, signal) => {
    if (code && stderr) events.onMessage({ type: 'log', level: 'error', message: stderr.trim() });
    events.onExit(code, signal);
  });
  child.on('error', (err) => events.onMessage({ type: 'log', level: 'error', message: `trainer process: ${err.message}` }));
  send({ type: 'start', spec });
  return {
    pid: child.pid ?? -1,
    stop: () => send({ type: 'stop' }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
