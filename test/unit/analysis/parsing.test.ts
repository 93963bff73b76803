// Where the grammars are loaded from, and what the API says before they are loaded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { locateGrammar } from '../../../src/analysis/parsing/wasmDir';

describe('grammar files', () => {
  it('takes them from the given folder (dist/wasm in the bundle), else from node_modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loss-lab-wasm-'));
    try {
      writeFileSync(join(dir, 'tree-sitter-python.wasm'), '');
      assert.equal(locateGrammar('python', dir), join(dir, 'tree-sitter-python.wasm'));
      assert.match(locateGrammar('tsx', dir), /node_modules[\\/]tree-sitter-typescript[\\/]tree-sitter-tsx\.wasm$/);
      assert.match(locateGrammar('runtime'), /node_modules[\\/]web-tree-sitter[\\/]tree-sitter\.wasm$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers with a clear problem, not an exception, when called before initParsers', () => {
    const index = resolve(__dirname, '../../../src/analysis/index.ts');
    const script = `const { analyzeSource, DocumentAnalyzer } = require(${JSON.stringify(index)});
const a = analyzeSource('def l(y_true, y_pred):\\n    return y_true', 'python');
const b = new DocumentAnalyzer('typescript').update('const x = 1;');
console.log(JSON.stringify([a.models.length, a.syntaxErrors[0].message, b.syntaxErrors[0].message]));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const [models, msgA, msgB] = JSON.parse(run.stdout.trim().split('\n').pop() ?? '[]');
    assert.equal(models, 0);
    assert.match(msgA, /could not parse this file: the parsers are not loaded yet/);
    assert.match(msgB, /not loaded yet/);
  });
});
