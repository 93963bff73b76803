// Reads a user dataset from a CSV, JSON or .npy file, with a clear error for a missing file, a file over the size
// limit, a wrong shape or a non-numeric cell (file, row, column). `readDatasetFile` (the trainer's) reads in chunks
// (256 KB) and yields between them, so stop, SIGTERM and a dead parent are seen while a large file loads.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { DatasetSpec } from '../../protocol/trainer';
import { datasetRealPath } from '../trust';
import { CsvReader, parseCsv } from './csv';
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

/** The default of `lossLab.training.maxDatasetMB`. */
export const DEFAULT_MAX_DATASET_MB = 200;

/** Thrown when a stop (or SIGTERM, or the parent's exit) arrives while a dataset loads. */
export class DatasetLoadStopped extends Error {
  constructor() {
    super('stopped while the dataset was loading');
    this.name = 'DatasetLoadStopped';
  }
}

/** Bytes read between two yields to the event loop. */
const CHUNK_BYTES = 256 * 1024;

/** The size check, before a byte is read. */
function checkSize(path: string, spec: FileSpec): void {
  const limitMB = spec.maxMB ?? DEFAULT_MAX_DATASET_MB;
  const bytes = statSync(path).size;
  if (bytes > limitMB * 1024 * 1024) {
    throw new DatasetError(
      `${path}: ${(bytes / 1024 / 1024).toFixed(1)} MB, over the dataset limit of ${limitMB} MB (setting lossLab.training.maxDatasetMB)`,
      path,
    );
  }
}

/**
 * The trainer's reader: size checked first, CSV parsed a chunk at a time, every file read asynchronously; between
 * chunks `shouldStop` is asked, and a stop throws DatasetLoadStopped.
 */
export async function readDatasetFile(spec: FileSpec, baseDir: string, shouldStop: () => boolean, access?: DatasetAccess): Promise<Dataset> {
  const path = locate(spec.path, baseDir, access);
  checkSize(path, spec);
  const ext = extname(path).toLowerCase();
  const stopCheck = () => {
    if (shouldStop()) throw new DatasetLoadStopped();
  };
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    const table = await readCsvInChunks(path, stopCheck);
    return tableToDataset(table, spec.featureColumns, spec.targetColumns, 'CSV');
  }
  if (ext === '.json') {
    const text = await readFile(path, 'utf8');
    stopCheck();
    return fromJson(text, path, spec);
  }
  if (ext === '.npy') {
    const x = parseNpy(await readFile(path), path);
    stopCheck();
    if (!spec.targetPath) return tableToDataset(x, spec.featureColumns, spec.targetColumns, '.npy');
    const yPath = locate(spec.targetPath, baseDir, access);
    checkSize(yPath, spec);
    const y = parseNpy(await readFile(yPath), yPath);
    stopCheck();
    return npyPair(x, y, path, yPath, spec);
  }
  throw new DatasetError(`${path}: unsupported file type '${ext || '(none)'}' (use .csv, .json or .npy)`, path);
}

async function readCsvInChunks(path: string, stopCheck: () => void): Promise<Table> {
  const reader = new CsvReader(path);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNumber = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    stopCheck();
    const text = rest + decoder.write(chunk as Buffer);
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) reader.line(line, ++lineNumber);
    await new Promise<void>((resolve) => setImmediate(resolve)); // let messages and signals in
  }
  reader.line(rest + decoder.end(), ++lineNumber);
  stopCheck();
  return reader.table();
}

function fromJson(text: string, path: string, spec: FileSpec): Dataset {
  const parsed = parseJson(text, path);
  if (parsed.table) return tableToDataset(parsed.table, spec.featureColumns, spec.targetColumns, 'JSON');
  return pairToDataset(parsed.x!, parsed.y!, spec.featureColumns, spec.targetColumns, 'JSON');
}

function npyPair(x: Table, y: Table, path: string, yPath: string, spec: FileSpec): Dataset {
  if (x.rows !== y.rows) throw new DatasetError(`wrong shapes: ${path} has ${x.rows} rows but ${yPath} has ${y.rows}`, path);
  return pairToDataset(x, y, spec.featureColumns, spec.targetColumns, '.npy');
}

/** Synchronous reading of a whole file (tests, small files); the same checks as readDatasetFile. */
export function loadDatasetFile(spec: FileSpec, baseDir = process.cwd(), access?: DatasetAccess): Dataset {
  const path = locate(spec.path, baseDir, access);
  checkSize(path, spec);
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    return tableToDataset(parseCsv(readFileSync(path, 'utf8'), path), spec.featureColumns, spec.targetColumns, 'CSV');
  }
  if (ext === '.json') return fromJson(readFileSync(path, 'utf8'), path, spec);
  if (ext === '.npy') {
    const x = parseNpy(readFileSync(path), path);
    if (!spec.targetPath) return tableToDataset(x, spec.featureColumns, spec.targetColumns, '.npy');
    const yPath = locate(spec.targetPath, baseDir, access);
    checkSize(yPath, spec);
    return npyPair(x, parseNpy(readFileSync(yPath), yPath), path, yPath, spec);
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
