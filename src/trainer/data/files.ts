// Reads a user dataset from a CSV, JSON or .npy file, with a clear error for a missing file, a wrong shape or a
// non-numeric cell (file, row, column).
import { readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { DatasetSpec } from '../../protocol/trainer';
import { datasetRealPath } from '../trust';
import { parseCsv } from './csv';
import { type Dataset, DatasetError } from './dataset';
import { parseJson } from './json';
import { parseNpy } from './npy';
import { type ColumnRef, type Table, tableToDataset } from './table';

type FileSpec = Extract<DatasetSpec, { kind: 'file' }>;

/** Workspace trust for a dataset path (../trust.ts): untrusted, the file's real path must lie in `workspaceDir`. */
export interface DatasetAccess {
  trusted: boolean;
  workspaceDir?: string;
}

export function loadDatasetFile(spec: FileSpec, baseDir = process.cwd(), access?: DatasetAccess): Dataset {
  const path = locate(spec.path, baseDir, access);
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    return tableToDataset(parseCsv(readFileSync(path, 'utf8'), path), spec.featureColumns, spec.targetColumns, 'CSV');
  }
  if (ext === '.json') {
    const parsed = parseJson(readFileSync(path, 'utf8'), path);
    if (parsed.table) return tableToDataset(parsed.table, spec.featureColumns, spec.targetColumns, 'JSON');
    return pairToDataset(parsed.x!, parsed.y!, spec.featureColumns, spec.targetColumns, 'JSON');
  }
  if (ext === '.npy') {
    const x = parseNpy(readFileSync(path), path);
    if (!spec.targetPath) return tableToDataset(x, spec.featureColumns, spec.targetColumns, '.npy');
    const yPath = locate(spec.targetPath, baseDir, access);
    const y = parseNpy(readFileSync(yPath), yPath);
    if (x.rows !== y.rows) {
      throw new DatasetError(`wrong shapes: ${path} has ${x.rows} rows but ${yPath} has ${y.rows}`, path);
    }
    return pairToDataset(x, y, spec.featureColumns, spec.targetColumns, '.npy');
  }
  throw new DatasetError(`${path}: unsupported file type '${ext || '(none)'}' (use .csv, .json or .npy)`, path);
}

function locate(path: string, baseDir: string, access?: DatasetAccess): string {
  const full = isAbsolute(path) ? path : resolve(baseDir, path);
  let isFile = false;
  try {
    isFile = statSync(full).isFile();
  } catch {
    throw new DatasetError(`dataset file not found: ${full}${isAbsolute(path) ? '' : ` ('${path}' relative to ${baseDir})`}`, full);
  }
  if (!isFile) throw new DatasetError(`dataset path is not a file: ${full}`, full);
  if (!access) return full;
  try {
    return datasetRealPath(full, access);
  } catch (e) {
    throw new DatasetError((e as Error).message, full);
  }
}

/** Features from one table, targets from another (JSON {x, y}, or two .npy files). */
function pairToDataset(x: Table, y: Table, featureColumns: ColumnRef[] | undefined, targetColumns: ColumnRef[] | undefined, kind: string): Dataset {
  const join: Table = { file: x.file, columns: [...x.columns, ...y.columns.map((c) => `y:${c}`)], rows: x.rows, values: new Float64Array(x.rows * (x.columns.length + y.columns.length)) };
  const width = join.columns.length;
  for (let r = 0; r < x.rows; r++) {
    join.values.set(x.values.subarray(r * x.columns.length, (r + 1) * x.columns.length), r * width);
    join.values.set(y.values.subarray(r * y.columns.length, (r + 1) * y.columns.length), r * width + x.columns.length);
  }
  // Column references count within their own table.
  const features = (featureColumns ?? x.columns.map((_, i) => i)).map((c) => (typeof c === 'number' ? c : x.columns.indexOf(c) >= 0 ? x.columns.indexOf(c) : c));
  const targets = (targetColumns ?? y.columns.map((_, i) => i)).map((c) => (typeof c === 'number' ? c + x.columns.length : `y:${c}`));
  for (const t of targetColumns ?? []) {
    if (typeof t === 'number' && (t < 0 || t >= y.columns.length)) {
      throw new DatasetError(`${y.file}: target column index ${t} is out of range (${y.columns.length} columns)`, y.file);
    }
  }
  const data = tableToDataset(join, features, targets, kind);
  return { ...data, description: `${kind} ${x.file}${y.file !== x.file ? ` + ${y.file}` : ''}: ${x.rows} rows, ${data.features} features, ${data.targets} targets` };
}
