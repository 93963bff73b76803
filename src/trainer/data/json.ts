// JSON datasets: an array of objects with numeric fields (`[{"x1": 0.1, "x2": 3, "y": 1}, …]`, columns are the keys
// of the first object), or `{"x": [[…], …], "y": [[…], …]}` (1-D arrays are one column; columns named x0…, y0…).
import { DatasetError } from './dataset';
import { quote, quoteValue } from './quote';
import type { Table } from './table';

export interface JsonTables {
  /** One table with every column (array of objects), or x and y apart ({x, y}). */
  table?: Table;
  x?: Table;
  y?: Table;
}

export function parseJson(text: string, file: string): JsonTables {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${file}: not valid JSON (${(e as Error).message})`, file);
  }
  if (Array.isArray(data)) return { table: objectsToTable(data, file) };
  if (data && typeof data === 'object' && 'x' in data && 'y' in data) {
    const { x, y } = data as { x: unknown; y: unknown };
    const tx = matrixToTable(x, 'x', file);
    const ty = matrixToTable(y, 'y', file);
    if (tx.rows !== ty.rows) throw new DatasetError(`${file}: x has ${tx.rows} rows but y has ${ty.rows}`, file);
    return { x: tx, y: ty };
  }
  throw new DatasetError(`${file}: expected an array of objects or an object with "x" and "y" arrays`, file);
}

function objectsToTable(rows: unknown[], file: string): Table {
  if (rows.length === 0) throw new DatasetError(`${file}: the array is empty`, file);
  const first = rows[0];
  if (!first || typeof first !== 'object' || Array.isArray(first)) {
    throw new DatasetError(`${file}: row 1 is not an object with named numeric fields`, file, 1);
  }
  const columns = Object.keys(first);
  const values = new Float64Array(rows.length * columns.length);
  rows.forEach((row, r) => {
    if (!row || typeof row !== 'object' || Array.isArray(row)) throw new DatasetError(`${file}: row ${r + 1} is not an object`, file, r + 1);
    columns.forEach((c, j) => {
      const v = (row as Record<string, unknown>)[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new DatasetError(`${file}: row ${r + 1}, column '${quote(c, 40)}': ${v === undefined ? 'missing' : `${quoteValue(v)} is not a number`}`, file, r + 1, c);
      }
      values[r * columns.length + j] = v;
    });
  });
  return { file, columns, values, rows: rows.length };
}

function matrixToTable(m: unknown, name: string, file: string): Table {
  if (!Array.isArray(m) || m.length === 0) throw new DatasetError(`${file}: "${name}" must be a non-empty array`, file);
  const width = Array.isArray(m[0]) ? (m[0] as unknown[]).length : 1;
  const columns = Array.from({ length: width }, (_, i) => `${name}${i}`);
  const values = new Float64Array(m.length * width);
  m.forEach((row, r) => {
    const cells = Array.isArray(row) ? row : [row];
    if (cells.length !== width) {
      throw new DatasetError(`${file}: "${name}" row ${r + 1} has ${cells.length} values, row 1 has ${width} (wrong shape)`, file, r + 1);
    }
    cells.forEach((v, c) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new DatasetError(`${file}: "${quote(name, 40)}" row ${r + 1}, column ${c}: ${quoteValue(v)} is not a number`, file, r + 1, String(c));
      }
      values[r * width + c] = v;
    });
  });
  return { file, columns, values, rows: m.length };
}
