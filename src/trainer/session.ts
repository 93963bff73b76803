// The plain-Node client of the trainer process, used by the CLI and the editor: forks the trainer with Node IPC,
// validates every message it sends (TrainerToHost; an invalid one is reported as a `log` and dropped), and gives
// stop (graceful: the trainer finishes the step and sends `done`) and kill (SIGKILL).
import { type ChildProcess, fork } from 'node:child_process';
import { HostToTrainer, type HostToTrainerInput, parseMessage, TrainerToHost, type TrialSpecInput } from '../protocol';

export interface TrainerSessionOptions {
  /** dist/trainer.js, or src/trainer/main.ts (run through tsx, for tests and running from source). */
  trainerPath: string;
  onMessage: (message: TrainerToHost) => void;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Working folder of the trainer: relative dataset paths resolve against it. */
  cwd?: string;
  /** Folders where `@tensorflow/tfjs-node` may be installed. */
  tfjsNodePaths?: string[];
}

export interface TrainerSession {
  readonly pid: number;
  /** Asks the trainer to stop after the current step; it then sends its summaries and exits. */
  stop(): void;
  /** Ends the process now. */
  kill(): void;
  /** Sends any message (tests use it to send malformed ones). */
  sendRaw(message: unknown): void;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly child: ChildProcess;
}

/**
 * The start message, validated and serialised before anything is forked: a spec that cannot be sent (the loss IR is
 * checked at its top level only, so a cycle or a BigInt deep inside passes zod) throws here and leaves no idle child.
 */
function startMessage(spec: TrialSpecInput): unknown {
  const parsed = parseMessage(HostToTrainer, { type: 'start', spec });
  if (!parsed.ok) throw new Error(`invalid message to the trainer: ${parsed.error}`);
  try {
    return JSON.parse(JSON.stringify(parsed.value));
  } catch (err) {
    throw new Error(`the training spec cannot be sent to the trainer: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function startTrainer(spec: TrialSpecInput, options: TrainerSessionOptions): TrainerSession {
  const start = startMessage(spec);
  const fromSource = options.trainerPath.endsWith('.ts');
  const child = fork(options.trainerPath, (options.tfjsNodePaths ?? []).map((p) => `--tfjs-node-path=${p}`), {
    serialization: 'json',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('message', (raw: unknown) => {
    const parsed = parseMessage(TrainerToHost, raw);
    if (parsed.ok) options.onMessage(parsed.value);
    else options.onMessage({ type: 'log', level: 'warn', message: `dropped a malformed message from the trainer: ${parsed.error}` });
  });
  child.on('error', (err) => options.onMessage({ type: 'log', level: 'error', message: `trainer process: ${err.message}` }));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      if (code && stderr.trim()) options.onMessage({ type: 'log', level: 'error', message: stderr.trim() });
      options.onExit?.(code, signal);
      resolve({ code, signal });
    });
  });
  const send = (message: HostToTrainerInput) => {
    const parsed = parseMessage(HostToTrainer, message);
    if (!parsed.ok) throw new Error(`invalid message to the trainer: ${parsed.error}`);
    if (child.connected) child.send(parsed.value);
  };
  child.send(start as object, (err) => {
    if (!err) return;
    options.onMessage({ type: 'log', level: 'error', message: `could not send the spec to the trainer: ${err.message}` });
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    pid: child.pid ?? -1,
    stop: () => send({ type: 'stop' }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    sendRaw: (message) => {
      if (child.connected) child.send(message as object);
    },
    exited,
    child,
  };
}
