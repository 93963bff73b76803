// `loss-lab sweep --write` on a Jupyter notebook: the λ literals change inside the loss's cell and nothing else
// does (indentation, key order, escapes, the missing trailing newline, every other cell stay byte for byte); a λ
// set in another cell is written there (a cell above assigning it, a later cell passing it to the loss); one
// that is not a literal is refused with the reason, and the notebook is left as it was.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis';
import { editNotebookCell } from '../../../src/analysis/notebookEdit';
import { writeChoice } from '../../../src/analysis/writeBack';
import { findLosses, grammarsDir } from '../../../src/cli/train';

const path = join(__dirname, '../../fixtures/sweep2/two_penalties.ipynb');
const notebook = readFileSync(path, 'utf8');

before(() => initParsers(grammarsDir()));

/** `body` with `json` saved as a notebook file in a fresh folder (removed after). */
function withNotebook(json: string, body: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'nb-'));
  try {
    const file = join(dir, 'notebook.ipynb');
    writeFileSync(file, json);
    body(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The loss named `name` and its cell, as `loss-lab sweep` finds it in a notebook file. */
function lossIn(file: string, name: string) {
  const found = findLosses(file, 'python');
  assert.ok(typeof found !== 'string', String(found));
  return found.losses.find((l) => l.model.name === name)!;
}

describe('notebook write-back', () => {
  it('writes both λs into the loss cell\'s source line and changes no other byte', () => {
    const { model, cell } = lossIn(path, 'simplex_loss');
    assert.equal(cell, 3);
    const out = writeChoice(model, notebook, { lambda: 3.2, lambdas: [{ id: 'lam_sum', label: 'lam_sum', value: 3.2 }, { id: 'lam_neg', label: 'lam_neg', value: 0.05 }] }, cell);
    assert.ok(out.ok, !out.ok ? out.reason : '');
    const before = 'tag=\\"\\u00e9\\\\t\\", lam_sum=0.1, lam_neg=1.0):\\n",';
    const after = 'tag=\\"\\u00e9\\\\t\\", lam_sum=3.2, lam_neg=0.05):\\n",';
    assert.ok(notebook.includes(before));
    assert.equal(out.text, notebook.replace(before, after));
    assert.equal(out.where, 'the default of lam_sum (line 1) in cell 3, the default of lam_neg (line 1) in cell 3');
    assert.deepEqual(JSON.parse(out.text).cells[3], JSON.parse(notebook).cells[3], 'the other cells read the same');
  });

  it('one λ in a cell whose source is one string (not a list of lines)', () => {
    const json = '{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": "import torch\\nimport torch.nn.functional as F\\n\\ndef loss(pred, target, lam=0.5):\\n    p = torch.relu(-pred).mean()\\n    return F.mse_loss(pred, target) + lam * p\\n"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n';
    withNotebook(json, (file) => {
      const { model, cell } = lossIn(file, 'loss');
      const out = writeChoice(model, json, { lambda: 20 }, cell);
      assert.ok(out.ok, !out.ok ? out.reason : '');
      assert.equal(out.text, json.replace('lam=0.5', 'lam=20.0'));
    });
  });

  it('a λ assigned in a cell above is written in that cell', () => {
    const { model, cell } = lossIn(path, 'other_loss');
    const out = writeChoice(model, notebook, { lambda: 2 }, cell);
    assert.ok(out.ok, !out.ok ? out.reason : '');
    assert.equal(out.text, notebook.replace('"LAM_OTHER = 0.7"', '"LAM_OTHER = 2.0"'));
    assert.equal(out.where, 'LAM_OTHER in cell 2 (line 3)');
  });

  it('the sample notebook: the training cell passes lam=1.0, so that call is what changes', () => {
    const sample = join(__dirname, '../../../sample-workspace/non_negative_outputs.ipynb');
    const json = readFileSync(sample, 'utf8');
    const { model, cell } = lossIn(sample, 'non_negative_loss');
    const out = writeChoice(model, json, { lambda: 3.2 }, cell);
    assert.ok(out.ok, !out.ok ? out.reason : '');
    assert.equal(out.text, json.replace('non_negative_loss(model(x), y, lam=1.0)', 'non_negative_loss(model(x), y, lam=3.2)'));
    assert.match(out.where, /^the argument lam= of the call in cell 4, line \d+$/);
  });

  it('refuses a λ that a later cell passes as an expression, and changes nothing', () => {
    const cellSource = (lines: string[]) => JSON.stringify(lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)));
    const json = `{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ${cellSource(['import torch', 'def loss(pred, target, lam=0.5):', '    return ((pred - target) ** 2).mean() + lam * torch.relu(-pred).mean()'])}}, {"cell_type": "code", "metadata": {}, "outputs": [], "source": ${cellSource(['LAMS = [0.1, 1.0]', 'l = loss(model(x), y, lam=LAMS[0])'])}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`;
    withNotebook(json, (file) => {
      const { model, cell } = lossIn(file, 'loss');
      assert.deepEqual(writeChoice(model, json, { lambda: 2 }, cell), { ok: false, reason: 'cell 2 calls loss with lam= not a number literal (line 2): set it there' });
    });
  });

  it('refuses an edit it cannot place in the cell\'s JSON strings, and a notebook it cannot read', () => {
    const across = { range: { startLine: 0, startCol: 5, endLine: 1, endCol: 2 }, newText: 'x' };
    assert.deepEqual(editNotebookCell(notebook, 3, [across]), { ok: false, reason: 'an edit in cell 3 spans two lines of its source' });
    assert.deepEqual(editNotebookCell(notebook, 1 + 9, []), { ok: false, reason: 'cell 10 has no source text to edit' });
    assert.match((editNotebookCell('{"cells": [', 1, []) as { reason: string }).reason, /^the notebook's JSON cannot be read/);
  });
});
