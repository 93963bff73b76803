// The trainer child process (bundled to dist/trainer.js, forked with Node IPC by the editor and the CLI).
// Receives HostToTrainer messages (each validated; a malformed one is logged back and dropped), sends
// TrainerToHost. `stop` or SIGTERM ends training within a second; any exception arrives as an `error` message
// before the process exits, never as a silent exit.
//   node dist/trainer.js [--tfjs-node-path=DIR]...
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HostToTrainer, parseMessage, type TrainerToHost } from '../protocol';
import { runTrial } from './trial';

/** A stop must end the process within 1 s even if a step hangs: this is the hard limit after SIGTERM. */
const HARD_EXIT_MS = 900;

let running = false;
let stopRequested = false;
let exiting = false;

function send(message: TrainerToHost): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

async function exit(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  await send({ type: 'log', level: 'info', message: `trainer exiting (${code})` });
  process.exit(code);
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const frame = e.stack?.split('\n').find((l) => l.trim().startsWith('at '))?.trim();
    return `${e.name}: ${e.message}${frame ? ` (${frame})` : ''}`;
  }
  return String(e);
}

async function crash(e: unknown): Promise<void> {
  await send({ type: 'error', kind: 'internal', message: `the trainer failed: ${describeError(e)}`, fatal: true });
  await exit(1);
}

/** Loss Lab's own folder: the nearest folder above this file whose package.json is Loss Lab's (dist/.. when bundled). */
function ownRoot(): string | undefined {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'loss-lab') return dir;
    } catch {
      /* not ours */
    }
  }
  return undefined;
}

/** Folders the caller offers for tfjs-node; used only when the spec says the workspace is trusted (./trust.ts). */
function tfjsNodePaths(): string[] {
  const fromArgs = process.argv.filter((a) => a.startsWith('--tfjs-node-path=')).map((a) => a.slice('--tfjs-node-path='.length));
  const fromEnv = process.env['LOSS_LAB_TFJS_NODE_PATH'];
  return [...fromArgs, ...(fromEnv ? [fromEnv] : []), process.cwd()];
}

async function start(spec: Extract<HostToTrainer, { type: 'start' }>['spec']): Promise<void> {
  running = true;
  try {
    await runTrial(spec, {
      send: (m) => {
        void send(m);
      },
      shouldStop: () => stopRequested,
      wasmDir: join(__dirname, 'wasm'),
      tfjsNodePaths: tfjsNodePaths(),
      ownRoot: ownRoot(),
      baseDir: process.cwd(),
    });
    await exit(0);
  } catch (e) {
    await crash(e);
  }
}

process.on('message', (raw: unknown) => {
  const parsed = parseMessage(HostToTrainer, raw);
  if (!parsed.ok) {
    void send({ type: 'log', level: 'warn', message: `dropped a malformed message from the host: ${parsed.error}` });
    return;
  }
  const message = parsed.value;
  if (message.type === 'stop') {
    stopRequested = true;
    if (!running) void exit(0);
    return;
  }
  if (running) {
    void send({ type: 'log', level: 'warn', message: 'a trial is already running; the second start was ignored' });
    return;
  }
  void start(message.spec);
});

process.on('SIGTERM', () => {
  stopRequested = true;
  if (!running) void exit(0);
  setTimeout(() => process.exit(0), HARD_EXIT_MS).unref();
});
process.on('disconnect', () => {
  // The host went away (closed, crashed, killed with -9): nobody is listening, so stop, and exit for sure soon after
  // even if a step or a load does not return (no orphaned trainer).
  stopRequested = true;
  if (!running) process.exit(0);
  setTimeout(() => process.exit(0), HARD_EXIT_MS).unref();
});
process.on('uncaughtException', (e) => {
  void crash(e);
});
process.on('unhandledRejection', (e) => {
  void crash(e);
});

void send({ type: 'ready', pid: process.pid });
