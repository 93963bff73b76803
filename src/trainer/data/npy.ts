// NumPy .npy files (format versions 1–3): the header gives dtype, byte order, Fortran order and shape. 1-D arrays
// are one column, 2-D arrays are rows × columns; floats (f2 excluded), signed/unsigned integers and booleans.
import { DatasetError } from './dataset';
import { quote } from './quote';
import type { Table } from './table';

type Reader = (view: DataView, offset: number, little: boolean) => number;

const readers: Record<string, { size: number; read: Reader }> = {
  f4: { size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  f8: { size: 8, read: (v, o, le) => v.getFloat64(o, le) },
  i1: { size: 1, read: (v, o) => v.getInt8(o) },
  u1: { size: 1, read: (v, o) => v.getUint8(o) },
  b1: { size: 1, read: (v, o) => v.getUint8(o) },
  i2: { size: 2, read: (v, o, le) => v.getInt16(o, le) },
  u2: { size: 2, read: (v, o, le) => v.getUint16(o, le) },
  i4: { size: 4, read: (v, o, le) => v.getInt32(o, le) },
  u4: { size: 4, read: (v, o, le) => v.getUint32(o, le) },
  i8: { size: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  u8: { size: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
};

/** The header fields of a .npy file, each checked: a wrong one is a DatasetError naming the file and the field. */
interface NpyHeader {
  reader: { size: number; read: Reader };
  little: boolean;
  fortran: boolean;
  rows: number;
  cols: number;
  dataStart: number;
}

function readHeader(bytes: Uint8Array, file: string): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new DatasetError(`${file}: not a .npy file (bad magic bytes)`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new DatasetError(`${file}: .npy format version ${major}.${bytes[7]} is not supported (1, 2 or 3)`, file);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) throw new DatasetError(`${file}: the .npy header is cut short`, file);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerStart + headerLen > bytes.length) {
    throw new DatasetError(`${file}: the .npy header says it is ${headerLen} bytes long, but the file ends before (${bytes.length} bytes)`, file);
  }
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const quoted = quote(header.trim());
  const descr = /'descr'\s*:\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)\b/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr) throw new DatasetError(`${file}: the .npy header has no readable 'descr' (dtype): ${quoted}`, file);
  if (!fortran) throw new DatasetError(`${file}: the .npy header has no 'fortran_order' True or False: ${quoted}`, file);
  if (!shapeMatch) throw new DatasetError(`${file}: the .npy header has no 'shape' tuple: ${quoted}`, file);
  const reader = readers[descr[2]!];
  if (!reader) throw new DatasetError(`${file}: dtype '${descr[1]}${descr[2]}' is not supported (use float32, float64 or an integer type)`, file);
  const written = shapeMatch[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = written.find((s) => !/^\d{1,15}$/.test(s));
  if (bad !== undefined) {
    throw new DatasetError(`${file}: wrong shape (${written.join(', ')}): '${bad.slice(0, 20)}' is not a whole number of rows or columns`, file);
  }
  const shape = written.map(Number);
  if (shape.length === 0 || shape.length > 2) {
    throw new DatasetError(`${file}: wrong shape (${shape.join(', ')}): expected a 1-D or 2-D array`, file);
  }
  const rows = shape[0]!;
  const cols = shape[1] ?? 1;
  if (rows === 0 || cols === 0) throw new DatasetError(`${file}: wrong shape (${shape.join(', ')}): the array is empty`, file);
  const dataStart = headerStart + headerLen;
  const needed = rows * cols * reader.size;
  if (bytes.length - dataStart < needed) {
    throw new DatasetError(
      `${file}: the file is shorter than its header's shape (${shape.join(', ')}) says: ${bytes.length - dataStart} bytes of data for ${rows * cols} values of ${reader.size} bytes`,
      file,
    );
  }
  return { reader, little: descr[1] !== '>', fortran: fortran[1] === 'True', rows, cols, dataStart };
}

export function parseNpy(bytes: Uint8Array, file: string): Table {
  const { reader, little, fortran, rows, cols, dataStart } = readHeader(bytes, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) {
    const v = reader.read(view, dataStart + i * reader.size, little);
    // Fortran order stores columns one after the other.
    const target = fortran && cols > 1 ? (i % rows) * cols + Math.floor(i / rows) : i;
    if (!Number.isFinite(v)) {
      const r = Math.floor(target / cols);
      throw new DatasetError(`${file}: row ${r + 1}, column ${target % cols}: ${v} is not a finite number`, file, r + 1, String(target % cols));
    }
    values[target] = v;
  }
  return { file, columns: Array.from({ length: cols }, (_, i) => String(i)), values, rows };
}

/** Writes a float32 2-D .npy (used by tests and by people preparing data from Node). */
export function encodeNpy(values: ArrayLike<number>, shape: [number, number] | [number]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad === 64 ? 0 : pad) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const data = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < values.length; i++) data.setFloat32(i * 4, values[i]!, true);
  return out;
}
