// Per-document cache of analysed top-level definitions, keyed by their source text, for incremental analysis:
// after an edit only definitions whose text changed are rebuilt; the others are reused, moved to their new line.
// A definition also depends on the file around it (imports, module constants, the other losses, the framework),
// but only through the names it mentions: each analysis compares the context with the last one by name and drops
// the entries that mention a changed name, so typing a module constant rebuilds the losses that read it, not all.
import type { LossModel } from '../ir';

export interface CachedModel {
  model: LossModel;
  /** Names a call binds positionally (usages). */
  bindNames: string[];
  /** Holds ranges outside the definition (a module constant, a helper's body): rebuilt, not shifted, when it moves. */
  pinned?: boolean;
}

interface Entry {
  /** The losses the statement defines; empty for a helper, remembered so it is not looked at again. */
  built: CachedModel[];
  /** The line the statement started on when it was built. */
  row: number;
  /** The identifiers the statement mentions: the names of the context it can depend on. */
  names: ReadonlySet<string>;
}

const identifiers = /[\p{L}_$][\p{L}\p{N}_$]*/gu;

export class DefinitionCache {
  private entries = new Map<string, Entry>();
  private used = new Set<string>();
  /** Definitions built (not reused) by the last analysis: what an edit cost. */
  rebuilt = 0;

  private global?: string;
  private named: ReadonlyMap<string, string> = new Map();

  /**
   * Starts one analysis with the file context: global facts (framework, language) and values by name. Entries that
   * mention a name whose value changed since the last analysis are dropped, so the others stay valid: compared by
   * name once per analysis rather than by re-serialising each entry's context on every lookup (each kept entry was
   * valid for the previous context and none of its names changed since).
   */
  begin(global: string, named: ReadonlyMap<string, string>): void {
    if (global !== this.global) this.entries.clear();
    else {
      const changed = changedNames(this.named, named);
      if (changed.size > 0) for (const [key, e] of this.entries) if (mentionsAny(e.names, changed)) this.entries.delete(key);
    }
    this.global = global;
    this.named = named;
    this.used.clear();
    this.rebuilt = 0;
  }

  /** The cached losses for this statement text, moved to `row`; undefined when absent or its context changed. */
  get(text: string, row: number): CachedModel[] | undefined {
    let hit = this.entries.get(text);
    if (!hit) return undefined;
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

  set(text: string, row: number, built: CachedModel[]): void {
    this.entries.set(text, { built, row, names: new Set(text.match(identifiers)) });
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

/** The names whose value differs between two contexts (present in one only, or with another value). */
export function changedNames(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of after) if (before.get(k) !== v) out.add(k);
  for (const k of before.keys()) if (!after.has(k)) out.add(k);
  return out;
}

function mentionsAny(names: ReadonlySet<string>, changed: ReadonlySet<string>): boolean {
  const [small, large] = names.size < changed.size ? [names, changed] : [changed, names];
  for (const n of small) if (large.has(n)) return true;
  return false;
}

/** A copy of plain IR data with every range moved by `rows` lines (a definition reused below or above its old place). */
export function shiftRows<T>(value: T, rows: number): T {
  if (Array.isArray(value)) return value.map((v) => shiftRows(v, rows)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'startLine' || k === 'endLine' ? (v as number) + rows : shiftRows(v, rows);
  return out as T;
}
