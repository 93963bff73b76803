// A module's text as its top-level pieces, and a memo of what whole-file text scans find in each piece, so an edit
// inside one definition re-scans only the piece it changed (the others are looked up by their text).
//
// A segment starts at a line written at column 0 (`def`, `class`, `model.compile(`, a comment) once the text before
// it closes every bracket and string and does not end with a backslash continuation; a decorator stays with what it
// decorates. So a statement is never cut in two: a scan that matches within one statement (a call, an assignment,
// a `def` header) finds the same in the segments, one after another, as in the whole text. Splitting too little is
// always safe (an unclosed bracket while typing makes one long segment: slower, not different).
import { callNames } from './callNames';

export interface TextSegment {
  readonly text: string;
  /** Index of the segment's first character in the whole text. */
  readonly start: number;
  /** Row (0-based line) of that character. */
  readonly row: number;
}

/** What a piece leaves open at its end, read from a closed start. */
interface PieceEnd {
  open: boolean;
  /** Line breaks in the piece. */
  lines: number;
}

/** Brackets and strings still open after some text. */
interface ScanState {
  depth: number;
  quote: string;
}

const closedState: ScanState = { depth: 0, quote: '' };

/** What the memo keeps for one piece or segment text: how the piece ends, and each scan's result. */
interface Slot {
  end: PieceEnd;
  /** The generation (text) that last used it. */
  used: number;
  scans: Map<string, unknown>;
}

/** A segment with its slot: a scan finds its memo without looking the text up again. */
interface MemoSegment extends TextSegment {
  readonly slot: Slot;
}

/**
 * Per-document memo: the last text's segments, and per segment text each scan's result (by scan id). Owned by a
 * DocumentAnalyzer so it lives as long as the document. Each text is looked up once per change of the document;
 * when the text changes, slots not used with the previous text are dropped (marked by generation, so pruning
 * hashes no text).
 */
export class TextMemo {
  private source?: string;
  private current: readonly TextSegment[] = [];
  private generation = 0;
  private readonly slots = new Map<string, Slot>();
  /** Segment scans answered from the memo / computed, since the memo was made (tests read them). */
  hits = 0;
  misses = 0;

  /** The segments of `source` (the same array while the text is the same). */
  segments(source: string): readonly TextSegment[] {
    if (source === this.source) return this.current;
    const last = this.generation++;
    for (const [key, slot] of this.slots) if (slot.used < last) this.slots.delete(key);
    const slotOf = (text: string, end?: PieceEnd): Slot => {
      let slot = this.slots.get(text);
      if (!slot) {
        slot = { end: end ?? pieceEnd(text), used: 0, scans: new Map() };
        this.slots.set(detached(text), slot);
      }
      slot.used = this.generation;
      return slot;
    };
    const pieces: Slot[] = [];
    this.current = split(
      source,
      (piece) => {
        const slot = slotOf(piece);
        pieces.push(slot);
        return slot.end;
      },
      (text, start, row, onePiece): MemoSegment => ({ text, start, row, slot: onePiece ? (pieces[pieces.length - 1] as Slot) : slotOf(text) }),
    );
    this.source = source;
    return this.current;
  }

  /** `read(segment.text)`, remembered by the segment's text for the scan `id`. */
  scan<T>(id: string, segment: TextSegment, read: (text: string) => T): T {
    const slot = (segment as Partial<MemoSegment>).slot;
    if (!slot) return read(segment.text);
    if (slot.scans.has(id)) {
      this.hits++;
      return slot.scans.get(id) as T;
    }
    this.misses++;
    const value = read(segment.text);
    slot.scans.set(id, value);
    return value;
  }
}

/**
 * A copy of a slice that does not keep the whole text it was cut from alive (V8 slices share their parent's
 * characters; a memo key outliving many edits would hold every version of the document).
 */
const detached = (s: string): string => ` ${s}`.slice(1);

/** The segments of a text, without a memo (each piece is read; the result is the same as with one). */
export function textSegments(source: string, memo?: TextMemo): readonly TextSegment[] {
  return memo ? memo.segments(source) : split(source, pieceEnd);
}

/** One scan over every segment of `source`, in order; remembered per segment when there is a memo. */
export function scanSegments<T>(source: string, memo: TextMemo | undefined, id: string, read: (text: string) => T): { segment: TextSegment; value: T }[] {
  return textSegments(source, memo).map((segment) => ({ segment, value: memo ? memo.scan(id, segment, read) : read(segment.text) }));
}

/** Each segment's calls by name: `callNames` indexed once per segment text. */
function callIndex(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { name, index } of callNames(text)) {
    const at = out.get(name);
    if (at) at.push(index);
    else out.set(name, [index]);
  }
  return out;
}

/**
 * Where the calls of one name are (the index of the name before each `(`, as `callNames` gives them), in order:
 * looked up by name in each segment's index rather than scanning every call of the file.
 */
export function callsNamed(source: string, memo: TextMemo | undefined, name: string): number[] {
  const out: number[] = [];
  for (const { segment, value } of scanSegments(source, memo, 'callIndex', callIndex)) for (const i of value.get(name) ?? []) out.push(segment.start + i);
  return out;
}

const isIndent = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

function split(source: string, endOf: (piece: string) => PieceEnd, made: (text: string, start: number, row: number, onePiece: boolean) => TextSegment = (text, start, row) => ({ text, start, row })): TextSegment[] {
  const out: TextSegment[] = [];
  let segStart = 0;
  let segRow = 0;
  let row = 0;
  /** Open state carried into the next piece (a bracket or string spanning column-0 lines); undefined: closed. */
  let carried: ScanState | undefined;
  let pieceStart = 0;
  while (pieceStart < source.length) {
    let next = source.indexOf('\n', pieceStart);
    while (next >= 0 && next + 1 < source.length && isIndent(source.charCodeAt(next + 1))) next = source.indexOf('\n', next + 1);
    const pieceEndAt = next < 0 ? source.length : next + 1;
    const piece = source.slice(pieceStart, pieceEndAt);
    let open: boolean;
    if (carried) {
      // rare (a column-0 line inside brackets or a string): read on from the carried state, not remembered
      const state = scanState(piece, carried);
      open = isOpen(piece, state);
      carried = open ? state : undefined;
      row += countLines(piece);
    } else {
      const end = endOf(piece);
      open = end.open;
      row += end.lines;
      carried = open ? scanState(piece, closedState) : undefined;
    }
    // a decorator line stays with the definition it decorates
    if (!open && piece.charCodeAt(0) === 64 /* @ */) open = true;
    const onePiece = segStart === pieceStart;
    pieceStart = pieceEndAt;
    if (!open) {
      // a segment of one piece is that piece's string (looked up again by the scans: its hash is already known)
      out.push(made(onePiece ? piece : source.slice(segStart, pieceEndAt), segStart, segRow, onePiece));
      segStart = pieceEndAt;
      segRow = row;
    }
  }
  if (segStart < source.length) out.push(made(source.slice(segStart), segStart, segRow, false));
  return out;
}

function pieceEnd(piece: string): PieceEnd {
  const state = scanState(piece, closedState);
  return { open: isOpen(piece, state), lines: countLines(piece) };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Open after the piece: a bracket or a string not closed, or a last line ending with a backslash continuation. */
const isOpen = (piece: string, state: ScanState): boolean => state.depth > 0 || state.quote !== '' || /\\\r?\n[ \t\r\n]*$/.test(piece);

/** Brackets and strings after reading `text` from `from` (comments skipped; a one-quote string ends at its line). */
function scanState(text: string, from: ScanState): ScanState {
  let { depth, quote } = from;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92) i++; // a backslash escapes the next character, in raw strings too as far as ending goes
      else if (quote.length === 1 && c === 10) quote = '';
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = '';
      }
      continue;
    }
    if (c === 35) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (c === 34 || c === 39) {
      const q = text[i] as string;
      quote = text.startsWith(q + q + q, i) ? q + q + q : q;
      i += quote.length - 1;
    } else if (c === 40 || c === 91 || c === 123) depth++;
    else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  return { depth, quote };
}
