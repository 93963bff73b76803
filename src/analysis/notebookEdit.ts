// Edits to one code cell of a Jupyter notebook, applied to the notebook's JSON text in place: only the characters
// of the edited literals change inside the cell's `source` strings, so the file's indentation, key order, escapes,
// trailing newline and every other cell stay byte for byte. (Parsing and re-serialising would rewrite them all.)
// Plain TS; the CLI's `sweep --write` uses it, the editor edits notebook cells through VS Code's documents.
import { SourceText } from './fixes/text';
import type { TextEdit } from './fixes/types';

/** A JSON value's span in the text; containers keep their children. */
interface JsonNode {
  start: number;
  end: number;
  kind: 'object' | 'array' | 'string' | 'scalar';
  entries?: Map<string, JsonNode>;
  items?: JsonNode[];
}

/** A small JSON reader that keeps positions (the notebook was already read by JSON.parse: this only locates). */
class JsonSpans {
  private i = 0;
  constructor(private readonly text: string) {}

  parse(): JsonNode {
    const node = this.value();
    this.ws();
    if (this.i !== this.text.length) throw new Error(`unexpected text at offset ${this.i}`);
    return node;
  }

  private ws(): void {
    while (/\s/.test(this.text[this.i] ?? '')) this.i++;
  }

  private expect(ch: string): void {
    this.ws();
    if (this.text[this.i] !== ch) throw new Error(`expected '${ch}' at offset ${this.i}`);
    this.i++;
  }

  private value(): JsonNode {
    this.ws();
    const start = this.i;
    const ch = this.text[this.i];
    if (ch === '{') return this.container(start, '}', (node) => {
      const key = this.string();
      this.expect(':');
      node.entries!.set(JSON.parse(this.text.slice(key.start, key.end)) as string, this.value());
    }, { kind: 'object', entries: new Map() });
    if (ch === '[') return this.container(start, ']', (node) => node.items!.push(this.value()), { kind: 'array', items: [] });
    if (ch === '"') return this.string();
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)/.exec(this.text.slice(this.i, this.i + 64));
    if (!m) throw new Error(`unexpected '${ch ?? 'end of file'}' at offset ${this.i}`);
    this.i += m[0].length;
    return { start, end: this.i, kind: 'scalar' };
  }

  private container(start: number, close: string, member: (node: JsonNode) => void, shape: Pick<JsonNode, 'kind' | 'entries' | 'items'>): JsonNode {
    const node: JsonNode = { start, end: start, ...shape };
    this.i++;
    this.ws();
    if (this.text[this.i] === close) this.i++;
    else {
      for (;;) {
        member(node);
        this.ws();
        const next = this.text[this.i++];
        if (next === close) break;
        if (next !== ',') throw new Error(`expected ',' or '${close}' at offset ${this.i - 1}`);
      }
    }
    node.end = this.i;
    return node;
  }

  private string(): JsonNode {
    this.ws();
    const start = this.i;
    if (this.text[this.i] !== '"') throw new Error(`expected a string at offset ${this.i}`);
    for (this.i++; this.i < this.text.length && this.text[this.i] !== '"'; this.i++) if (this.text[this.i] === '\\') this.i++;
    if (this.i >= this.text.length) throw new Error('unterminated string');
    this.i++;
    return { start, end: this.i, kind: 'string' };
  }
}

/** Offset in the raw JSON text of the `decoded`-th character of the string token starting at `token.start`. */
function rawOffset(text: string, token: JsonNode, decoded: number): number {
  let raw = token.start + 1;
  for (let d = 0; d < decoded; d++) raw += text[raw] !== '\\' ? 1 : text[raw + 1] === 'u' ? 6 : 2;
  return raw;
}

export type NotebookEdit = { ok: true; text: string } | { ok: false; reason: string };

/** The strings of a cell's `source` (a list of lines, or one string) and where each starts in the cell's text. */
function sourceTokens(json: string, cellNumber: number): { token: JsonNode; from: number; length: number }[] | string {
  let root: JsonNode;
  try {
    root = new JsonSpans(json).parse();
  } catch (e) {
    return `the notebook's JSON cannot be read: ${(e as Error).message}`;
  }
  const cell = root.entries?.get('cells')?.items?.[cellNumber - 1];
  const source = cell?.entries?.get('source');
  const tokens = source?.kind === 'string' ? [source] : source?.items;
  if (!tokens || tokens.some((t) => t.kind !== 'string')) return `cell ${cellNumber} has no source text to edit`;
  let from = 0;
  return tokens.map((token) => {
    const length = (JSON.parse(json.slice(token.start, token.end)) as string).length;
    const out = { token, from, length };
    from += length;
    return out;
  });
}

/** `json` with `edits` (ranges in cell `cellNumber`'s text, 1-based over every cell) applied to that cell's source. */
export function editNotebookCell(json: string, cellNumber: number, edits: readonly TextEdit[]): NotebookEdit {
  const tokens = sourceTokens(json, cellNumber);
  if (typeof tokens === 'string') return { ok: false, reason: tokens };
  const cellText = tokens.map((t) => JSON.parse(json.slice(t.token.start, t.token.end)) as string).join('');
  const text = new SourceText(cellText);
  const spans = edits.map((e) => ({ from: text.start(e.range), to: text.end(e.range), newText: e.newText })).sort((a, b) => b.from - a.from);
  let out = json;
  for (const s of spans) {
    const line = tokens.find((t) => s.from >= t.from && s.to <= t.from + t.length);
    if (!line) return { ok: false, reason: `an edit in cell ${cellNumber} spans two lines of its source` };
    const rawFrom = rawOffset(json, line.token, s.from - line.from);
    const rawTo = rawOffset(json, line.token, s.to - line.from);
    out = out.slice(0, rawFrom) + JSON.stringify(s.newText).slice(1, -1) + out.slice(rawTo);
  }
  return { ok: true, text: out };
}
