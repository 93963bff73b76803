// Types of scripts/setup-e2e.mjs, for the TypeScript e2e harness (test/e2e/harness) that reuses it.
import type { ChildProcess } from 'node:child_process';

export const root: string;
export const CODE_SERVER_VERSION: string;
export const node24Pkg: string;
export const node24: string;
export const codeServerEntry: string;
export const chromiumPath: string;

export interface CodeServerOptions {
  port: number;
  extensionsDir: string;
  userDataDir: string;
  /** The folder to open (absolute path). */
  folder?: string;
  /** Keep workspace trust on (off by default so no trust prompt appears). */
  trust?: boolean;
  stdio?: 'pipe' | 'inherit';
  timeoutMs?: number;
}

export interface CodeServer {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** Ends code-server's whole process group. */
  stop(): void;
  /** The last 20 000 characters code-server printed. */
  log(): string;
  pid: number | undefined;
}

export function node24Env(extra?: Record<string, string>): NodeJS.ProcessEnv;
export function freePort(): Promise<number>;
export function startCodeServer(options: CodeServerOptions): Promise<CodeServer>;
export function installExtension(vsix: string, extensionsDir: string, userDataDir: string): string;
export function setupE2e(): Promise<void>;
