// The statistics a script computes on its data (`np.var(x + 0.5)`, `x.var()` in torch) computed by the trial on its
// own data (src/trainer/dataSettings.ts statisticOf), against NumPy and PyTorch (golden:
// scripts/golden/torch_data_settings.py → test/golden/torch-data-settings.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { statisticOf } from '../../../src/trainer/dataSettings';
import { root } from './helpers';

const golden = JSON.parse(readFileSync(join(root, 'test', 'golden', 'torch-data-settings.json'), 'utf8')) as {
  torch: string;
  data: number[];
  cases: { call: string; stat: 'var' | 'std' | 'mean' | 'max' | 'min'; shift: number; ddof: 0 | 1; value: number }[];
};

for (const c of golden.cases) {
  test(`${c.call} over the data, as torch ${golden.torch} / NumPy compute it`, () => {
    const got = statisticOf(Float32Array.from(golden.data), c.stat, c.shift, c.ddof);
    assert.ok(Math.abs(got - c.value) <= 1e-6 * Math.max(1, Math.abs(c.value)), `${got} against ${c.value}`);
  });
}
