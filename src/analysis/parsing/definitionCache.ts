// Per-document cache of analysed top-level definitions, keyed by their source text, for incremental analysis:
// after an edit only definitions whose text changed are rebuilt; the others are reused, moved to their new line.
// The whole cache is dropped when the file-wide context (imports, globals, framework, other loss names) changes.
import type { LossModel } from '../ir';

export interface CachedModel {
  model: LossModel;
  /** Names a call binds positionally (usages). */
  bindNames: string[];
}

export interface CachedDefinition {
  /** The losses the statement defines; empty for a helper, remembered so it is not looked at again. */
  built: CachedModel[];
  /** The line the statement started on when it was built. */
  row: number;
}

export class DefinitionCache {
  private entries = new Map<string, CachedDefinition>();
  private used = new Set<string>();
  private context = '';

  /** Starts one analysis: a different file-wide context invalidates everything. */
  begin(context: string): void {
    if (context !== this.context) this.entries.clear();
    this.context = context;
    this.used.clear();
  }

  /** The cached definition for this text, moved to `row` when it now starts on another line. */
  get(text: string, row: number): CachedDefinition | undefined {
    let hit = this.entries.get(text);
    if (!hit) return undefined;
    if (hit.row !== row) {
      const rows = row - hit.row;
      const built = hit.built.map((b) => {
        const model = shiftRows(b.model, rows);
        return { ...b, model: { ...model, id: `${model.name}:${model.range.startLine + 1}` } };
      });
      hit = { built, row };
      this.entries.set(text, hit);
    }
    this.used.add(text);
    return hit;
  }

  set(text: string, entry: CachedDefinition): void {
    this.entries.set(text, entry);
    this.used.add(text);
  }

  /** Ends one analysis: definitions no longer in the file are forgotten. */
  end(): void {
    for (const key of this.entries.keys()) if (!this.used.has(key)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A copy of plain IR data with every range moved by `rows` lines (a definition reused below or above its old place). */
export function shiftRows<T>(value: T, rows: number): T {
  if (Array.isArray(value)) return value.map((v) => shiftRows(v, rows)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'startLine' || k === 'endLine' ? (v as number) + rows : shiftRows(v, rows);
  return out as T;
}
