// A numeric table read from a file (named columns, rows) and the column selection that turns it into a dataset.
import { type Dataset, DatasetError } from './dataset';
import { quote, quoteList } from './quote';

export interface Table {
  file: string;
  columns: string[];
  /** rows × columns, row-major. */
  values: Float64Array;
  rows: number;
}

export type ColumnRef = string | number;

/** Picks features and targets by name or index; by default the last column is the target and the rest are features. */
export function tableToDataset(table: Table, featureColumns: ColumnRef[] | undefined, targetColumns: ColumnRef[] | undefined, kind: string): Dataset {
  const n = table.columns.length;
  if (n < 2 && !(featureColumns && targetColumns)) {
    throw new DatasetError(`${table.file}: needs at least two columns (features and a target), found ${n}`, table.file);
  }
  const targets = (targetColumns ?? (featureColumns ? rest(n, resolve(table, featureColumns)) : [n - 1].map((i) => table.columns[i]!))).map(
    (c) => c,
  );
  const targetIdx = resolve(table, targets);
  const featureIdx = featureColumns ? resolve(table, featureColumns) : rest(n, targetIdx);
  if (featureIdx.length === 0) throw new DatasetError(`${table.file}: no feature columns left after taking the targets`, table.file);
  if (targetIdx.length === 0) throw new DatasetError(`${table.file}: no target column selected`, table.file);
  const x = new Float32Array(table.rows * featureIdx.length);
  const y = new Float32Array(table.rows * targetIdx.length);
  for (let r = 0; r < table.rows; r++) {
    featureIdx.forEach((c, j) => {
      x[r * featureIdx.length + j] = table.values[r * n + c]!;
    });
    targetIdx.forEach((c, j) => {
      y[r * targetIdx.length + j] = table.values[r * n + c]!;
    });
  }
  const names = (idx: number[]) => idx.map((i) => table.columns[i]).join(', ');
  return {
    x,
    y,
    samples: table.rows,
    features: featureIdx.length,
    targets: targetIdx.length,
    outputs: targetIdx.length,
    description: `${kind} ${table.file}: ${table.rows} rows; features ${names(featureIdx)}; targets ${names(targetIdx)}`,
    file: table.file,
  };
}

function resolve(table: Table, refs: ColumnRef[]): number[] {
  return refs.map((ref) => {
    if (typeof ref === 'number') {
      if (ref < 0 || ref >= table.columns.length || !Number.isInteger(ref)) {
        throw new DatasetError(`${table.file}: column index ${ref} is out of range (the file has ${table.columns.length} columns, 0–${table.columns.length - 1})`, table.file);
      }
      return ref;
    }
    const i = table.columns.indexOf(ref);
    if (i < 0) {
      const asIndex = /^\d+$/.test(ref) ? Number(ref) : undefined;
      if (asIndex !== undefined && asIndex < table.columns.length) return asIndex;
      throw new DatasetError(`${table.file}: no column named '${quote(ref, 40)}' (columns: ${quoteList(table.columns)})`, table.file, undefined, ref);
    }
    return i;
  });
}

function rest(n: number, taken: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!taken.includes(i)) out.push(i);
  return out;
}
