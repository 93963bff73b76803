import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetError, loadDatasetFile, splitDataset, synthesize } from '../../../src/trainer/data';
import { encodeNpy } from '../../../src/trainer/data/npy';

const dir = mkdtempSync(join(tmpdir(), 'll-data-'));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

/** A .npy of any dtype, written the way NumPy does (header padded to 64 bytes). */
function npy(descr: string, shape: number[], write: (view: DataView, i: number, v: number) => void, size: number, values: number[], fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => {
    write(view, i, v);
  });
  return out;
}

test('synthetic data is reproducible from the seed and differs across seeds', () => {
  const a = synthesize({ task: 'classification', samples: 100, features: 5, outputs: 3, seed: 1 });
  const b = synthesize({ task: 'classification', samples: 100, features: 5, outputs: 3, seed: 1 });
  const c = synthesize({ task: 'classification', samples: 100, features: 5, outputs: 3, seed: 2 });
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.y, b.y);
  assert.notDeepEqual(a.x, c.x);
  // one-hot rows
  for (let r = 0; r < 100; r++) assert.equal(a.y.subarray(r * 3, r * 3 + 3).reduce((s, v) => s + v, 0), 1);
  assert.match(a.description, /3 Gaussian blobs \(one-hot\).*seed 1/);
});

test('class-index targets for sparse losses, 0/1 for binary', () => {
  const idx = synthesize({ task: 'classification', samples: 200, features: 4, outputs: 5, seed: 3, encoding: 'index' });
  assert.equal(idx.targets, 1);
  assert.equal(idx.outputs, 5);
  assert.deepEqual([...new Set(idx.y)].sort(), [0, 1, 2, 3, 4]);
  const bin = synthesize({ task: 'binary', samples: 200, features: 4, outputs: 2, seed: 3 });
  assert.deepEqual([...new Set(bin.y)].sort(), [0, 1]);
});

test('bounded-regression targets leave the bounds on both sides', () => {
  const d = synthesize({ task: 'bounded-regression', samples: 1000, features: 6, outputs: 2, seed: 4, bounds: { lower: 0, upper: 1 } });
  const below = d.y.filter((v) => v < 0).length;
  const above = d.y.filter((v) => v > 1).length;
  assert.ok(below > 100 && above > 100, `below ${below}, above ${above}`);
  assert.ok(below + above < 1500, 'most targets stay inside');
});

test('non-negative-regression targets are never negative, and about half are 0 (what a non-negativity penalty fights)', () => {
  const d = synthesize({ task: 'non-negative-regression', samples: 1000, features: 6, outputs: 2, seed: 4 });
  assert.equal(d.y.filter((v) => v < 0).length, 0);
  const zeros = d.y.filter((v) => v === 0).length;
  assert.ok(zeros > 700 && zeros < 1300, `zeros ${zeros} of 2000`);
});

test('the split holds out the fraction asked for, reproducibly, without losing rows', () => {
  const d = synthesize({ task: 'regression', samples: 100, features: 3, outputs: 1, seed: 5 });
  const { train, val } = splitDataset(d, 0.2, 9);
  assert.equal(train.samples, 80);
  assert.equal(val?.samples, 20);
  const again = splitDataset(d, 0.2, 9);
  assert.deepEqual(train.x, again.train.x);
  const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum(train.y) + sum(val!.y) - sum(d.y)) < 1e-3);
  assert.equal(splitDataset(d, 0, 9).val, undefined);
});

test('CSV with a header: columns chosen by name or index, the last column is the default target', () => {
  const p = file('a.csv', 'a,b,"c, quoted",label\n1,2,3,0\n4,5,6,1\n\n7,8,9,0\n');
  const all = loadDatasetFile({ kind: 'file', path: p });
  assert.equal(all.samples, 3);
  assert.equal(all.features, 3);
  assert.deepEqual(Array.from(all.y), [0, 1, 0]);
  const picked = loadDatasetFile({ kind: 'file', path: p, featureColumns: ['a', 2], targetColumns: ['b'] });
  assert.deepEqual(Array.from(picked.x), [1, 3, 4, 6, 7, 9]);
  assert.deepEqual(Array.from(picked.y), [2, 5, 8]);
  // relative to a base folder
  assert.equal(loadDatasetFile({ kind: 'file', path: 'a.csv' }, dir).samples, 3);
});

test('a non-numeric CSV cell is named with file, row and column', () => {
  const p = file('bad.csv', 'x1,x2,y\n1,2,3\n4,oops,6\n');
  assert.throws(() => loadDatasetFile({ kind: 'file', path: p }), (e: unknown) => {
    assert.ok(e instanceof DatasetError);
    assert.match(e.message, /bad\.csv: row 3, column 'x2': 'oops' is not a number/);
    assert.equal(e.row, 3);
    assert.equal(e.column, 'x2');
    return true;
  });
});

test('a missing file, an unknown column and a ragged row are clear errors', () => {
  assert.throws(() => loadDatasetFile({ kind: 'file', path: join(dir, 'nope.csv') }), /dataset file not found: .*nope\.csv/);
  const p = file('b.csv', 'x,y\n1,2\n');
  assert.throws(() => loadDatasetFile({ kind: 'file', path: p, targetColumns: ['z'] }), /no column named 'z' \(columns: x, y\)/);
  assert.throws(() => loadDatasetFile({ kind: 'file', path: p, targetColumns: [5] }), /column index 5 is out of range/);
  const ragged = file('r.csv', 'x,y\n1,2\n3\n');
  assert.throws(() => loadDatasetFile({ kind: 'file', path: ragged }), /row 3 has 1 cells, the header has 2/);
});

test('JSON: an array of objects, or {x, y} arrays; wrong shapes and non-numbers are named', () => {
  const rows = file('rows.json', JSON.stringify([{ u: 1, v: 2, t: 0.5 }, { u: 3, v: 4, t: 1.5 }]));
  const d = loadDatasetFile({ kind: 'file', path: rows, targetColumns: ['t'] });
  assert.deepEqual(Array.from(d.x), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(d.y), [0.5, 1.5]);
  const xy = file('xy.json', JSON.stringify({ x: [[1, 2], [3, 4], [5, 6]], y: [0, 1, 1] }));
  const e = loadDatasetFile({ kind: 'file', path: xy });
  assert.equal(e.features, 2);
  assert.deepEqual(Array.from(e.y), [0, 1, 1]);
  const ragged = file('ragged.json', JSON.stringify({ x: [[1, 2], [3]], y: [0, 1] }));
  assert.throws(() => loadDatasetFile({ kind: 'file', path: ragged }), /"x" row 2 has 1 values, row 1 has 2 \(wrong shape\)/);
  const mismatch = file('mismatch.json', JSON.stringify({ x: [[1], [2]], y: [0] }));
  assert.throws(() => loadDatasetFile({ kind: 'file', path: mismatch }), /x has 2 rows but y has 1/);
  const text = file('text.json', JSON.stringify([{ a: 1, b: 2 }, { a: 'x', b: 3 }]));
  assert.throws(() => loadDatasetFile({ kind: 'file', path: text }), /text\.json: row 2, column 'a': "x" is not a number/);
});

test('.npy: float32, float64 and int64, C and Fortran order, a separate target file', () => {
  const f32 = file('x32.npy', encodeNpy([1, 2, 3, 4, 5, 6], [3, 2]));
  const d = loadDatasetFile({ kind: 'file', path: f32 });
  assert.deepEqual(Array.from(d.x), [1, 3, 5]);
  assert.deepEqual(Array.from(d.y), [2, 4, 6]);
  const f64 = file('x64.npy', npy('<f8', [2, 2], (v, i, x) => v.setFloat64(i * 8, x, true), 8, [0.5, 1.5, 2.5, 3.5]));
  assert.deepEqual(Array.from(loadDatasetFile({ kind: 'file', path: f64 }).x), [0.5, 2.5]);
  const fortran = file('f.npy', npy('<f8', [2, 2], (v, i, x) => v.setFloat64(i * 8, x, true), 8, [1, 3, 2, 4], true));
  assert.deepEqual(Array.from(loadDatasetFile({ kind: 'file', path: fortran }).x), [1, 3]);
  const labels = file('y.npy', npy('<i8', [3], (v, i, x) => v.setBigInt64(i * 8, BigInt(x), true), 8, [2, 0, 1]));
  const pair = loadDatasetFile({ kind: 'file', path: f32, targetPath: labels });
  assert.equal(pair.features, 2);
  assert.deepEqual(Array.from(pair.y), [2, 0, 1]);
});

test('.npy errors: 3-D shape, rows that do not match, unsupported dtype, not a .npy', () => {
  const cube = file('cube.npy', npy('<f4', [2, 2, 2], (v, i, x) => v.setFloat32(i * 4, x, true), 4, [1, 2, 3, 4, 5, 6, 7, 8]));
  assert.throws(() => loadDatasetFile({ kind: 'file', path: cube }), /wrong shape \(2, 2, 2\): expected a 1-D or 2-D array/);
  const x = file('x4.npy', encodeNpy([1, 2, 3, 4], [4]));
  const y = file('y3.npy', encodeNpy([1, 2, 3], [3]));
  assert.throws(() => loadDatasetFile({ kind: 'file', path: x, targetPath: y }), /wrong shapes: .*x4\.npy has 4 rows but .*y3\.npy has 3/);
  const c = file('c.npy', npy('<c8', [1], (v) => v.setFloat64(0, 0), 8, [0]));
  assert.throws(() => loadDatasetFile({ kind: 'file', path: c }), /dtype '<c8' is not supported/);
  assert.throws(() => loadDatasetFile({ kind: 'file', path: file('fake.npy', 'hello world') }), /not a \.npy file/);
});

test('what an error quotes from the file is cut to about 80 characters, with control characters escaped', () => {
  const message = (path: string, spec: Record<string, unknown> = {}): string => {
    try {
      loadDatasetFile({ kind: 'file', path, ...spec });
    } catch (e) {
      assert.ok(e instanceof DatasetError, String(e));
      return e.message;
    }
    assert.fail('no error');
  };
  const longCell = join(dir, 'long-cell.csv');
  writeFileSync(longCell, `${'h'.repeat(5000)},y\n${'\u001b[31m'}${'z'.repeat(10_000)},1\n`);
  const cellError = message(longCell);
  assert.ok(cellError.length < longCell.length + 200, `${cellError.length} characters: ${cellError.slice(0, 300)}`);
  assert.match(cellError, /row 2, column 'h{39}…': '\\u001b\[31mz+…' is not a number/);

  const wide = join(dir, 'wide.csv');
  writeFileSync(wide, `${Array.from({ length: 1000 }, (_, i) => `c${i}`).join(',')}\n${Array.from({ length: 1000 }, () => '1').join(',')}\n`);
  assert.match(message(wide, { targetColumns: ['nope'] }), /no column named 'nope' \(columns: c0, c1, c2, c3, c4, c5, c6, c7, … \(1000 columns\)\)$/);

  const nested = join(dir, 'nested.json');
  writeFileSync(nested, JSON.stringify([{ a: 1, t: 0 }, { a: { deep: 'v'.repeat(10_000) }, t: 1 }]));
  const jsonError = message(nested, { targetColumns: ['t'] });
  assert.match(jsonError, /row 2, column 'a': \{"deep":"v+… is not a number$/);
  assert.ok(jsonError.length < nested.length + 150, `${jsonError.length} characters`);
});
