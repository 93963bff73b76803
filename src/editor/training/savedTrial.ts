// Where the last trial is kept for a window reload: a JSON file in the extension's workspace storage folder.
// workspaceState lives in the workbench's storage, which a browser-hosted VS Code (code-server) writes out late: a
// reload a few seconds after a trial brought back the trial before it. The extension host writes this file
// synchronously before the panel is told the trial ended, so it is on disk whenever the window comes back.
// Plain TS (node:fs only), tested in plain Node.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PanelState, parseMessage } from '../../protocol';

/** The last trained loss, for Re-run after a reload (a string uri: it is kept as JSON). */
export interface SavedArgs {
  uri: string;
  modelId: string;
}

export interface SavedTrial {
  state: PanelState;
  args?: SavedArgs;
}

const FILE = 'last-trial.json';

const isArgs = (v: unknown): v is SavedArgs =>
  typeof v === 'object' && v !== null && typeof (v as SavedArgs).uri === 'string' && typeof (v as SavedArgs).modelId === 'string';

/** A saved trial read back (from the file or workspaceState), validated; bad Re-run arguments lose only themselves. */
function asSavedTrial(raw: unknown): SavedTrial | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { state, args } = raw as Record<string, unknown>;
  const parsed = parseMessage(PanelState, state);
  if (!parsed.ok) return undefined;
  return { state: parsed.value, ...(isArgs(args) ? { args } : {}) };
}

/** The saved trial in `folder`, or undefined when there is none or it cannot be read (a bad file is not an error the user can act on). */
export function readSavedTrial(folder: string): SavedTrial | undefined {
  try {
    return asSavedTrial(JSON.parse(readFileSync(join(folder, FILE), 'utf8')));
  } catch {
    return undefined;
  }
}

/** The bit of vscode.Memento this needs (workspaceState). */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

const FALLBACK_KEY = 'lossLab.training.lastTrial';

/**
 * The file when VS Code gives the extension a workspace storage folder; else (a window with no folder open) and
 * after a failed write, workspaceState, which is better than nothing.
 */
export class TrialStore {
  private failed = false;
  /** Counts writes, so a background write that finishes after a later one does not replace it. */
  private version = 0;
  private inFlight = false;

  constructor(
    private readonly folder: string | undefined,
    private readonly fallback: KeyValueStore,
    private readonly warn: (message: string) => void,
  ) {}

  read(): SavedTrial | undefined {
    return (this.folder ? readSavedTrial(this.folder) : undefined) ?? asSavedTrial(this.fallback.get(FALLBACK_KEY));
  }

  /** Saves now, synchronously: the file is on disk when this returns (a trial that ended). */
  write(saved: SavedTrial): void {
    this.version++;
    if (!this.folder || this.failed) return void this.fallback.update(FALLBACK_KEY, saved);
    try {
      writeSavedTrial(this.folder, saved);
    } catch (err) {
      this.fail(this.folder, err, saved);
    }
  }

  /**
   * Saves in the background (a trial that runs: a history of 20,000 points is ~5 MB of JSON, and the extension
   * host should not wait on the disk for it). Skipped while the previous one is still being written.
   */
  async writeSoon(saved: SavedTrial): Promise<void> {
    if (!this.folder || this.failed) return this.write(saved);
    if (this.inFlight) return;
    const version = ++this.version;
    const folder = this.folder;
    const tmp = join(folder, `${FILE}.${process.pid}.soon.tmp`);
    this.inFlight = true;
    try {
      const text = JSON.stringify(saved);
      await mkdir(folder, { recursive: true });
      await writeFile(tmp, text);
      // Synchronous from the check to the rename: no other write can come in between.
      if (version === this.version) renameSync(tmp, join(folder, FILE));
      else rmSync(tmp, { force: true });
    } catch (err) {
      if (version === this.version) this.fail(folder, err, saved);
    } finally {
      this.inFlight = false;
    }
  }

  private fail(folder: string, err: unknown, saved: SavedTrial): void {
    this.failed = true;
    // A file left behind would be older than what workspaceState keeps from now on, and read first.
    try {
      rmSync(join(folder, FILE), { force: true });
    } catch {
      // Then a stale file may be read after a reload; nothing more can be done about a folder this broken.
    }
    this.warn(`Cannot save the last trial in ${folder} (${err instanceof Error ? err.message : String(err)}); keeping it in workspaceState`);
    void this.fallback.update(FALLBACK_KEY, saved);
  }
}

/** Writes the whole file anew, through a temporary file and a rename, so a reader never sees half of it. */
export function writeSavedTrial(folder: string, saved: SavedTrial): void {
  mkdirSync(folder, { recursive: true });
  const tmp = join(folder, `${FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(saved));
  renameSync(tmp, join(folder, FILE));
}
