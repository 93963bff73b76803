// CSV: a header row of column names (a first row of numbers is data, columns are then named by index), comma
// separated (semicolon or tab when the header uses them), double quotes for fields with separators.
import { DatasetError } from './dataset';
import type { Table } from './table';

export function parseCsv(text: string, file: string): Table {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim().length > 0);
  if (first < 0) throw new DatasetError(`${file}: the file is empty`, file);
  const sep = [',', ';', '\t'].find((s) => lines[first]!.includes(s)) ?? ',';
  const head = splitRow(lines[first]!, sep);
  const hasHeader = head.some((cell) => cell.trim() !== '' && !Number.isFinite(Number(cell)));
  const columns = hasHeader ? head.map((c, i) => c.trim() || String(i)) : head.map((_, i) => String(i));
  const values: number[] = [];
  let rows = 0;
  for (let li = hasHeader ? first + 1 : first; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === '') continue;
    const cells = splitRow(line, sep);
    if (cells.length !== columns.length) {
      throw new DatasetError(`${file}: row ${li + 1} has ${cells.length} cells, the header has ${columns.length}`, file, li + 1);
    }
    cells.forEach((cell, c) => {
      const trimmed = cell.trim();
      const v = trimmed === '' ? Number.NaN : Number(trimmed);
      if (!Number.isFinite(v)) {
        throw new DatasetError(`${file}: row ${li + 1}, column '${columns[c]}': '${trimmed}' is not a number`, file, li + 1, columns[c]);
      }
      values.push(v);
    });
    rows++;
  }
  if (rows === 0) throw new DatasetError(`${file}: no data rows after the header`, file);
  return { file, columns, values: Float64Array.from(values), rows };
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
