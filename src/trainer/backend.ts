// Picks the TensorFlow.js backend the trainer runs on and says which one and why.
//   auto: native @tensorflow/tfjs-node where it loads, else WebAssembly, else the plain JavaScript CPU backend.
// tfjs-node is optional (its install downloads libtensorflow and may fail): it is looked up at run time at exact
// paths that depend on workspace trust (./trust.ts), never bundled and never found through Node's resolution.
// When it loads, its own `tf` namespace is used: it re-exports a complete tfjs (core, gradients, native kernels),
// and the tfjs-core bundled into this program is a different instance that knows nothing of the native backend.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tfCore from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// A bare import would be dropped by the bundler (the package declares no side effects for its node build), and
// the cpu backend registers itself as a side effect: a used binding keeps the module in the bundle.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendName } from '../protocol/trainer';
import { findTfjsNode, type NativeModule } from './trust';
import { installWasmKernels } from './wasmKernels';

export type Tf = typeof import('@tensorflow/tfjs-core');

export interface LoadedBackend {
  tf: Tf;
  name: BackendName;
  /** One line for people: what was tried, what failed, what runs. */
  reason: string;
  /** The tfjs-node module that was required (its code ran), and whether its backend started. */
  native?: NativeModule & { started: boolean };
}

export interface BackendOptions {
  /** Folder holding `tfjs-backend-wasm*.wasm` (dist/wasm next to the bundle); node_modules is tried after it. */
  wasmDir?: string;
  /** Folders whose node_modules may hold `@tensorflow/tfjs-node` (the user's setting, the workspace): trusted only. */
  tfjsNodePaths?: string[];
  /** The workspace is trusted: without it, only `ownRoot` is searched. Default: untrusted. */
  trusted?: boolean;
  /** Loss Lab's own folder (searched last, and the only one searched in an untrusted workspace). */
  ownRoot?: string;
  /** The workspace folder, to say where a module came from. */
  workspaceDir?: string;
}

const WASM_FILE = 'tfjs-backend-wasm.wasm';

/** Loads the backend and makes it current. Never throws for `auto`; throws a readable Error for an explicit choice that cannot load. */
export async function loadBackend(choice: BackendChoice, options: BackendOptions = {}): Promise<LoadedBackend> {
  const notes: string[] = [];
  let required: LoadedBackend['native'];
  if (choice === 'auto' || choice === 'tensorflow') {
    const native = await tryNative(options);
    if (native.module) required = { ...native.module, started: native.ok };
    if (native.ok) return { tf: native.tf, name: 'tensorflow', reason: `tfjs-node ${native.module.version} loaded from ${native.from}; native TensorFlow`, native: required };
    if (choice === 'tensorflow') throw new Error(`the native backend was asked for but tfjs-node did not load: ${native.error}`);
    notes.push(native.module ? `tfjs-node ${native.error}` : `tfjs-node not installed (${native.error})`);
  }
  if (choice === 'auto' || choice === 'wasm') {
    const wasm = await tryWasm(options.wasmDir);
    if (wasm.ok) return { tf: tfCore, name: 'wasm', reason: [...notes, `wasm (${wasm.from})`].join('; '), native: required };
    if (choice === 'wasm') throw new Error(`the WebAssembly backend was asked for but did not start: ${wasm.error}`);
    notes.push(`wasm did not start (${wasm.error})`);
  }
  await useCpu();
  return { tf: tfCore, name: 'cpu', reason: choice === 'cpu' ? 'cpu (asked for in the settings)' : [...notes, 'cpu'].join('; '), native: required };
}

type Attempt<T> = ({ ok: true; from: string } & T) | { ok: false; error: string };

type NativeAttempt = ({ ok: true; from: string; tf: Tf; module: NativeModule }) | { ok: false; error: string; module?: NativeModule };

/** Requires tfjs-node from the exact file found for this trust level (./trust.ts), and starts its backend. */
async function tryNative(options: BackendOptions): Promise<NativeAttempt> {
  const found = findTfjsNode({ trusted: options.trusted === true, folders: options.tfjsNodePaths ?? [], ownRoot: options.ownRoot, workspaceDir: options.workspaceDir });
  if (!found.ok) return { ok: false, error: found.error };
  const module = found.module;
  try {
    // An absolute file: Node loads exactly it, without looking through any node_modules folder.
    const tf = createRequire(__filename)(module.file) as Tf;
    if (typeof tf?.setBackend !== 'function') return { ok: false, module, error: `${module.version} from ${module.file} is not a TensorFlow.js module (no setBackend)` };
    await tf.setBackend('tensorflow');
    await tf.ready();
    if (tf.getBackend() !== 'tensorflow') return { ok: false, module, error: `${module.version} loaded from ${module.file} but its backend did not start` };
    quiet(tf);
    return { ok: true, tf, from: dirname(module.file), module };
  } catch (e) {
    return { ok: false, module, error: `${module.version} found at ${module.file} but failed to load: ${firstLine(e)}` };
  }
}

/** The folder holding the .wasm files: the given one, else the package's own dist (running from source). */
export function findWasmDir(wasmDir?: string): string | undefined {
  const candidates: string[] = [];
  if (wasmDir) candidates.push(wasmDir);
  try {
    candidates.push(join(dirname(createRequire(__filename).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    // not installed next to us: only the given folder can serve
  }
  return candidates.find((dir) => existsSync(join(dir, WASM_FILE)));
}

async function tryWasm(wasmDir?: string): Promise<Attempt<object>> {
  const dir = findWasmDir(wasmDir);
  if (!dir) return { ok: false, error: `${WASM_FILE} not found in ${wasmDir ?? 'dist/wasm'} nor in node_modules` };
  setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
  // The emscripten module installs process handlers that rethrow every uncaught error; the trainer reports those
  // itself as `error` messages, so the handlers it adds are removed again.
  const before = {
    uncaughtException: new Set(process.listeners('uncaughtException')),
    unhandledRejection: new Set(process.listeners('unhandledRejection')),
  };
  try {
    const ok = await tfCore.setBackend('wasm');
    if (!ok) return { ok: false, error: `initialisation failed with the files in ${dir}` };
    await tfCore.ready();
    quiet(tfCore);
    installWasmKernels(tfCore);
    return { ok: true, from: dir };
  } catch (e) {
    return { ok: false, error: firstLine(e) };
  } finally {
    for (const listener of process.listeners('uncaughtException')) {
      if (!before.uncaughtException.has(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!before.unhandledRejection.has(listener)) process.removeListener('unhandledRejection', listener);
    }
  }
}

async function useCpu(): Promise<void> {
  if (!version_cpu) throw new Error('the cpu backend is missing from this build');
  await tfCore.setBackend('cpu');
  await tfCore.ready();
  quiet(tfCore);
}

/** Production mode: skips debug checks and the console banner recommending tfjs-node. */
function quiet(tf: Tf): void {
  tf.enableProdMode();
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.trim();
}
