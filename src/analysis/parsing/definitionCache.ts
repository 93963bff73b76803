// Per-document cache of analysed top-level definitions, keyed by their source text, for incremental analysis:
// after an edit only definitions whose text changed are rebuilt; the others are reused, moved to their new line.
// A definition also depends on the file around it (imports, module constants, the other losses, the framework),
// but only through the names it mentions: each entry keeps the signature of that context restricted to its own
// names, so typing a module constant rebuilds the losses that read it, not all of them.
import type { LossModel } from '../ir';

export interface CachedModel {
  model: LossModel;
  /** Names a call binds positionally (usages). */
  bindNames: string[];
  /** Holds ranges outside the definition (a module constant, a helper's body): rebuilt, not shifted, when it moves. */
  pinned?: boolean;
}

/** The file context as seen by a definition that mentions `names` (equal strings: the definition reads the same). */
export type ContextSignature = (names: ReadonlySet<string>) => string;

interface Entry {
  /** The losses the statement defines; empty for a helper, remembered so it is not looked at again. */
  built: CachedModel[];
  /** The line the statement started on when it was built. */
  row: number;
  names: ReadonlySet<string>;
  signature: string;
}

const identifiers = /[\p{L}_$][\p{L}\p{N}_$]*/gu;

export class DefinitionCache {
  private entries = new Map<string, Entry>();
  private used = new Set<string>();
  /** Definitions built (not reused) by the last analysis: what an edit cost. */
  rebuilt = 0;

  private context?: string;
  /** True while the whole file context is the one of the previous analysis (no per-entry check needed). */
  private sameContext = false;

  /** Starts one analysis; `context` is the whole file context (when unchanged, entries need no re-check). */
  begin(context: string): void {
    this.sameContext = context === this.context;
    this.context = context;
    this.used.clear();
    this.rebuilt = 0;
  }

  /** The cached losses for this statement text, moved to `row`; undefined when absent or its context changed. */
  get(text: string, row: number, signature: ContextSignature): CachedModel[] | undefined {
    let hit = this.entries.get(text);
    if (!hit || (!this.sameContext && signature(hit.names) !== hit.signature)) return undefined;
    if (hit.row !== row && hit.built.some((b) => b.pinned)) return undefined;
    if (hit.row !== row) {
      const rows = row - hit.row;
      const built = hit.built.map((b) => {
        const model = shiftRows(b.model, rows);
        return { ...b, model: { ...model, id: `${model.name}:${model.range.startLine + 1}` } };
      });
      hit = { ...hit, built, row };
      this.entries.set(text, hit);
    }
    this.used.add(text);
    return hit.built;
  }

  set(text: string, row: number, built: CachedModel[], signature: ContextSignature): void {
    const names = new Set(text.match(identifiers));
    this.entries.set(text, { built, row, names, signature: signature(names) });
    this.used.add(text);
    this.rebuilt++;
  }

  /** Ends one analysis: statements no longer in the file are forgotten. */
  end(): void {
    for (const key of this.entries.keys()) if (!this.used.has(key)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The whole context as one string (for DefinitionCache.begin). */
export function contextId(global: string, named: ReadonlyMap<string, string>): string {
  return `${global}\n${JSON.stringify([...named])}`;
}

/** The signature function for a context of named values (imports, constants, loss names) plus global facts. */
export function contextSignature(global: string, named: ReadonlyMap<string, string>): ContextSignature {
  return (names) => {
    let out = global;
    for (const n of names) {
      const v = named.get(n);
      if (v !== undefined) out += `|${n}=${v}`;
    }
    return out;
  };
}

/** A copy of plain IR data with every range moved by `rows` lines (a definition reused below or above its old place). */
export function shiftRows<T>(value: T, rows: number): T {
  if (Array.isArray(value)) return value.map((v) => shiftRows(v, rows)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'startLine' || k === 'endLine' ? (v as number) + rows : shiftRows(v, rows);
  return out as T;
}
