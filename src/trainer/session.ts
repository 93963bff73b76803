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

/** Where a trainer runs: its program, folder and the tfjs-node folders it may search. A spare fits a trial only at the same place. */
export type TrainerPlace = Pick<TrainerSessionOptions, 'trainerPath' | 'cwd' | 'tfjsNodePaths'>;

type Listeners = Pick<TrainerSessionOptions, 'onMessage' | 'onExit'>;

/**
 * A trainer process forked ahead of its trial: Node and the bundle load while nobody waits (about 1.2–1.7 s on a
 * small machine), and `start` hands it the spec. Until then its messages (`ready`) are kept; if it exits first,
 * `alive` turns false and it cannot be started.
 */
export interface PreparedTrainer {
  readonly pid: number;
  readonly place: TrainerPlace;
  alive(): boolean;
  /** It said `ready`: Node and the bundle are loaded. */
  loaded(): boolean;
  start(spec: TrialSpecInput, listeners: Listeners): TrainerSession;
  kill(): void;
}

export function prepareTrainer(place: TrainerPlace): PreparedTrainer {
  const fromSource = place.trainerPath.endsWith('.ts');
  const child = fork(place.trainerPath, (place.tfjsNodePaths ?? []).map((p) => `--tfjs-node-path=${p}`), {
    serialization: 'json',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    ...(place.cwd ? { cwd: place.cwd } : {}),
  });
  let listeners: Listeners | undefined;
  // Messages that came before `start` (the `ready`), handed over after `start` returns, in order: a caller
  // registers its trial once `start` returns, and must get them as it gets any IPC message, later.
  const early: TrainerToHost[] = [];
  const flush = () => {
    while (listeners && early.length > 0) listeners.onMessage(early.shift() as TrainerToHost);
  };
  let ready = false;
  const deliver = (m: TrainerToHost) => {
    if (m.type === 'ready') ready = true;
    if (listeners && early.length === 0) listeners.onMessage(m);
    else early.push(m);
  };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('message', (raw: unknown) => {
    const parsed = parseMessage(TrainerToHost, raw);
    if (parsed.ok) deliver(parsed.value);
    else deliver({ type: 'log', level: 'warn', message: `dropped a malformed message from the trainer: ${parsed.error}` });
  });
  child.on('error', (err) => deliver({ type: 'log', level: 'error', message: `trainer process: ${err.message}` }));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      if (code && stderr.trim()) deliver({ type: 'log', level: 'error', message: stderr.trim() });
      flush();
      listeners?.onExit?.(code, signal);
      resolve({ code, signal });
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null && !exit;
  const kill = () => {
    if (running()) child.kill('SIGKILL');
  };
  const send = (message: HostToTrainerInput) => {
    const parsed = parseMessage(HostToTrainer, message);
    if (!parsed.ok) throw new Error(`invalid message to the trainer: ${parsed.error}`);
    if (child.connected) child.send(parsed.value);
  };
  return {
    pid: child.pid ?? -1,
    place,
    alive: () => !listeners && running() && child.connected,
    loaded: () => ready,
    kill,
    start(spec, given) {
      if (listeners) throw new Error('this trainer was already started');
      let start: unknown;
      try {
        start = startMessage(spec);
      } catch (err) {
        kill(); // a spare given a spec that cannot be sent must not stay behind idle
        throw err;
      }
      listeners = given;
      if (early.length > 0) setImmediate(flush);
      child.send(start as object, (err) => {
        if (!err) return;
        given.onMessage({ type: 'log', level: 'error', message: `could not send the spec to the trainer: ${err.message}` });
        kill();
      });
      return {
        pid: child.pid ?? -1,
        stop: () => send({ type: 'stop' }),
        kill,
        sendRaw: (message) => {
          if (child.connected) child.send(message as object);
        },
        exited,
        child,
      };
    },
  };
}

export function startTrainer(spec: TrialSpecInput, options: TrainerSessionOptions): TrainerSession {
  // the spec is checked before anything is forked: a spec that cannot be sent leaves no idle child
  startMessage(spec);
  const { onMessage, onExit, ...place } = options;
  return prepareTrainer(place).start(spec, { onMessage, ...(onExit ? { onExit } : {}) });
}
