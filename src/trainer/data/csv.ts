// CSV: a header row of column names (a first row of numbers is data, columns are then named by index), comma
// separated (semicolon or tab when the header uses them), double quotes for fields with separators.
// Read line by line (CsvReader), so a large file is parsed in chunks between which the trainer sees stop, SIGTERM
// and a dead parent (files.ts), and no string the size of the whole file is ever built.
import { DatasetError } from './dataset';
import { quote } from './quote';
import type { Table } from './table';

/** Growable Float64 storage: a large CSV would otherwise go through a JS array of boxed numbers. */
class Values {
  private data = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  take(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Parses a CSV one line at a time (`line` takes 1-based line numbers); `table()` at the end. */
export class CsvReader {
  private columns: string[] | undefined;
  private sep = ',';
  private readonly values = new Values();
  private rows = 0;

  constructor(private readonly file: string) {}

  line(text: string, lineNumber: number): void {
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.trim() === '') return;
    if (!this.columns) {
      this.sep = [',', ';', '\t'].find((s) => line.includes(s)) ?? ',';
      const head = splitRow(line, this.sep);
      const hasHeader = head.some((cell) => cell.trim() !== '' && !Number.isFinite(Number(cell)));
      this.columns = hasHeader ? head.map((c, i) => c.trim() || String(i)) : head.map((_, i) => String(i));
      if (hasHeader) return;
    }
    const columns = this.columns;
    const cells = splitRow(line, this.sep);
    if (cells.length !== columns.length) {
      throw new DatasetError(`${this.file}: row ${lineNumber} has ${cells.length} cells, the header has ${columns.length}`, this.file, lineNumber);
    }
    cells.forEach((cell, c) => {
      const trimmed = cell.trim();
      const v = trimmed === '' ? Number.NaN : Number(trimmed);
      if (!Number.isFinite(v)) {
        throw new DatasetError(`${this.file}: row ${lineNumber}, column '${quote(columns[c] ?? '', 40)}': '${quote(trimmed)}' is not a number`, this.file, lineNumber, columns[c]);
      }
      this.values.push(v);
    });
    this.rows++;
  }

  table(): Table {
    if (!this.columns) throw new DatasetError(`${this.file}: the file is empty`, this.file);
    if (this.rows === 0) throw new DatasetError(`${this.file}: no data rows after the header`, this.file);
    return { file: this.file, columns: this.columns, values: this.values.take(), rows: this.rows };
  }
}

export function parseCsv(text: string, file: string): Table {
  const reader = new CsvReader(file);
  for (const [i, line] of text.split('\n').entries()) reader.line(line, i + 1);
  return reader.table();
}

function splitRow(line: string, sep: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
