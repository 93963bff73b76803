// The built `loss-lab` command: bundles src/cli/main.ts with esbuild into a temporary dist/ (with the grammar .wasm
// files in dist/wasm, as the real build lays them out) and runs bin/loss-lab.js against it as a user would.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';

const root = join(__dirname, '..', '..', '..');
const seed = 'test/fixtures/seed';
const expected = JSON.parse(readFileSync(join(root, seed, 'expected.json'), 'utf8')) as Record<string, { code: string; line: number }[] | string>;
let tmp = '';
let bin = '';

const grammars: [string, string][] = [
  ['node_modules/web-tree-sitter/tree-sitter.wasm', 'tree-sitter.wasm'],
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-python.wasm'],
  ['node_modules/tree-sitter-typescript/tree-sitter-typescript.wasm', 'tree-sitter-typescript.wasm'],
  ['node_modules/tree-sitter-typescript/tree-sitter-tsx.wasm', 'tree-sitter-tsx.wasm'],
  ['node_modules/tree-sitter-javascript/tree-sitter-javascript.wasm', 'tree-sitter-javascript.wasm'],
];

function run(args: string[], cwd = root): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim().length > 0);

describe('loss-lab check (built CLI)', () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'loss-lab-cli-'));
    mkdirSync(join(tmp, 'dist', 'wasm'), { recursive: true });
    mkdirSync(join(tmp, 'bin'));
    // The trainer's command is bundled when its source exists; without it `train` must say so, not break `check`.
    const train = existsSync(join(root, 'src/cli/train.ts'));
    await build({
      absWorkingDir: root,
      entryPoints: ['src/cli/main.ts'],
      outfile: join(tmp, 'dist', 'cli.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
      external: ['@tensorflow/tfjs-node', ...(train ? [] : ['./train'])],
      // As scripts/build.mjs: web-tree-sitter is ESM and needs import.meta.url inside the CJS bundle.
      define: { 'import.meta.url': '__importMetaUrl' },
      banner: { js: 'var __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
    });
    for (const [from, to] of grammars) copyFileSync(join(root, from), join(tmp, 'dist', 'wasm', to));
    bin = join(tmp, 'bin', 'loss-lab.js');
    copyFileSync(join(root, 'bin', 'loss-lab.js'), bin);
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('prints file:line:col code message for the seed examples and exits 1', () => {
    const r = run(['check', seed]);
    assert.equal(r.status, 1, r.stderr);
    const got = lines(r.stdout).map((l) => {
      const m = /^(.+?):(\d+):(\d+) (LL\d{3}) (.+)$/.exec(l);
      assert.ok(m, `not file:line:col code message: ${l}`);
      return `${m[1].split(/[\\/]/).pop()}:${m[2]} ${m[4]}`;
    });
    const want = Object.entries(expected).flatMap(([file, list]) => (typeof list === 'string' ? [] : list.map((w) => `${file}:${w.line} ${w.code}`)));
    assert.deepEqual(got.sort(), want.sort());
    assert.match(r.stdout, new RegExp(`^${seed}/example1_sum_to_one.py:19:1 LL102 \`lambda_param\` can never change`, 'm'));
    assert.match(r.stderr, /3 files checked: 5 findings, 4 warnings or errors/);
  });

  it('reports JSON with --json', () => {
    const r = run(['check', '--json', `${seed}/example3_sparsity.py`]);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as {
      files: { file: string; findings: { code: string; line: number; column: number; severity: string; doc: string; fixes: string[] }[] }[];
      summary: { files: number; blocking: number };
    };
    assert.equal(report.files.length, 1);
    assert.equal(report.files[0].file, `${seed}/example3_sparsity.py`);
    assert.deepEqual(report.files[0].findings.map((f) => `${f.code}@${f.line}`).sort(), ['LL102@8', 'LL110@5']);
    const ll102 = report.files[0].findings.find((f) => f.code === 'LL102');
    assert.equal(ll102?.doc, 'docs/rules/LL102.md');
    assert.ok(ll102?.fixes.some((t) => /factory/.test(t)));
    assert.deepEqual(report.summary, { files: 1, findings: 2, blocking: 2, syntaxErrors: 0 });
  });

  it('prints GitHub Actions annotations with --github', () => {
    const r = run(['check', '--github', `${seed}/example1_sum_to_one.py`]);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(lines(r.stdout).map((l) => l.slice(0, l.indexOf('::', 2))), [
      `::notice file=${seed}/example1_sum_to_one.py,line=16,col=32,endLine=16,endColumn=76,title=LL107 Absolute value of a residual`,
      `::warning file=${seed}/example1_sum_to_one.py,line=19,col=1,endLine=19,endColumn=55,title=LL102 λ can never change (loss passed bare to model.compile)`,
    ]);
    assert.match(r.stdout, /title=LL102 [^:]*::`lambda_param` can never change/);
  });

  it('checks Jupyter notebooks cell by cell: file:cell N:line:col, in text, JSON and GitHub annotations', () => {
    const dir = mkdtempSync(join(tmp, 'nb-'));
    const loss = readFileSync(join(root, seed, 'example1_sum_to_one.py'), 'utf8').replace('import tensorflow as tf\n', '');
    const cell = (cell_type: string, text: string) => ({ cell_type, metadata: {}, source: text.split(/(?<=\n)/), ...(cell_type === 'code' ? { outputs: [], execution_count: null } : {}) });
    const notebook = (language: string) =>
      JSON.stringify({
        cells: [cell('markdown', '# Sum to one\n'), cell('code', 'import tensorflow as tf\n'), cell('code', loss)],
        metadata: { language_info: { name: language } },
        nbformat: 4,
        nbformat_minor: 5,
      });
    mkdirSync(join(dir, 'notebooks'));
    writeFileSync(join(dir, 'notebooks', 'constrained.ipynb'), notebook('python'));
    // The lines the same loss has in its .py file, less the import line the cell does not have.
    const inFile = lines(run(['check', `${seed}/example1_sum_to_one.py`]).stdout).map((l) => /:(\d+):(\d+) (LL\d+)/.exec(l)!);
    const want = inFile.map(([, line, col, code]) => `notebooks/constrained.ipynb:cell 3:${Number(line) - 1}:${col} ${code}`);

    const r = run(['check', '.'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(lines(r.stdout).map((l) => l.split(' ').slice(0, 3).join(' ')), want);
    assert.match(r.stderr, /^1 file checked: 2 findings, 1 warning or error$/m);

    const json = JSON.parse(run(['check', '--json', 'notebooks/constrained.ipynb'], dir).stdout) as {
      files: { file: string; cell: number; findings: { code: string; line: number }[] }[];
      summary: { files: number };
    };
    assert.deepEqual(json.files.map((f) => [f.file, f.cell, f.findings.map((x) => x.code).sort()]), [['notebooks/constrained.ipynb', 3, ['LL102', 'LL107']]]);
    assert.equal(json.summary.files, 1);

    // The cell's lines are not lines of the JSON file: the annotation names the file and says cell and line.
    const gh = lines(run(['check', '--github', 'notebooks/constrained.ipynb'], dir).stdout);
    assert.ok(gh.some((l) => /^::warning file=notebooks\/constrained\.ipynb,title=LL102 [^:]*::cell 3, line 18: `lambda_param` can never change/.test(l)), gh.join('\n'));
    assert.ok(gh.every((l) => !l.includes('line=')), gh.join('\n'));

    // Another kernel is skipped with a notice; a notebook that is not JSON was not checked, and fails the run.
    writeFileSync(join(dir, 'notebooks', 'r.ipynb'), notebook('R'));
    writeFileSync(join(dir, 'notebooks', 'broken.ipynb'), '{"cells": [');
    const mixed = run(['check', 'notebooks/r.ipynb', 'notebooks/broken.ipynb'], dir);
    assert.equal(mixed.status, 1, mixed.stderr);
    assert.match(mixed.stderr, /^notebooks\/r\.ipynb: skipped \(a notebook whose kernel is not Python, TypeScript or JavaScript\)$/m);
    assert.match(mixed.stderr, /^notebooks\/broken\.ipynb:1:1: error: not a notebook: .* \(nothing in it was checked\)$/m);
  });

  it('exits 0 on a clean file and when only information is found', () => {
    const clean = run(['check', 'test/fixtures/rules/LL107/silent/keras_square_residual.py']);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.equal(clean.stdout, '');
    const info = run(['check', 'test/fixtures/rules/LL107/fires/keras_abs_residual.py']);
    assert.equal(info.status, 0, info.stdout + info.stderr);
    assert.match(info.stdout, /^test\/fixtures\/rules\/LL107\/fires\/keras_abs_residual\.py:5:34 LL107 Penalty `sum_penalty` takes the absolute value/);
  });

  it('checks folders recursively, skipping node_modules, .git, symlink loops and dangling links', () => {
    const dir = mkdtempSync(join(tmp, 'proj-'));
    mkdirSync(join(dir, 'src', 'nested'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    const bad = readFileSync(join(root, seed, 'example2_bounded_output.py'), 'utf8');
    writeFileSync(join(dir, 'src', 'nested', 'loss.py'), bad);
    writeFileSync(join(dir, 'node_modules', 'pkg', 'loss.py'), bad);
    writeFileSync(join(dir, '.git', 'loss.py'), bad);
    writeFileSync(join(dir, 'notes.txt'), 'not code');
    symlinkSync(dir, join(dir, 'src', 'loop'));
    symlinkSync(join(dir, 'missing.py'), join(dir, 'src', 'dangling.py'));
    const r = run(['check', '.'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(lines(r.stdout).map((l) => l.split(' ')[0]), ['src/nested/loss.py:9:1']);
    assert.match(r.stderr, /^1 file checked/m);
  });

  it('keeps the diagnostics of valid functions in a file with a syntax error', () => {
    const dir = mkdtempSync(join(tmp, 'broken-'));
    const good = readFileSync(join(root, seed, 'example3_sparsity.py'), 'utf8');
    writeFileSync(join(dir, 'half_typed.py'), `${good}\n\ndef unfinished(y_true, y_pred, lam=\n    return tf.reduce_mean(\n`);
    const r = run(['check', 'half_typed.py'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /half_typed\.py:5:\d+ LL110 /);
    assert.match(r.stderr, /half_typed\.py:\d+:\d+: error: /);
    assert.match(r.stderr, /, 1 syntax error$/m);
  });

  it('exits 1 on a syntax error alone: a file that does not parse was not fully checked', () => {
    const dir = mkdtempSync(join(tmp, 'syntax-'));
    writeFileSync(join(dir, 'clean.py'), 'import tensorflow as tf\n\ndef loss(y_true, y_pred):\n    return tf.reduce_mean(tf.square(y_true - y_pred))\n');
    assert.equal(run(['check', 'clean.py'], dir).status, 0);
    writeFileSync(join(dir, 'broken.py'), 'import tensorflow as tf\n\ndef loss(y_true, y_pred:\n    return tf.reduce_mean(\n');
    const r = run(['check', 'broken.py'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^broken\.py:3:\d+: error: /m);
    const json = JSON.parse(run(['check', '--json', 'broken.py'], dir).stdout) as { summary: { syntaxErrors: number } };
    assert.ok(json.summary.syntaxErrors >= 1);
    assert.match(run(['check', '--github', 'broken.py'], dir).stdout, /^::error file=broken\.py,line=3,col=\d+,title=Syntax error::/m);
  });

  it('exits 2 on usage errors with a message saying what is wrong', () => {
    const cases: [string[], RegExp][] = [
      [['check'], /no files or folders to check/],
      [['check', '--fix', seed], /unknown option --fix/],
      [['check', 'no/such/file.py'], /no\/such\/file\.py does not exist/],
      [['check', 'package.json'], /not a Python, TypeScript or JavaScript file/],
      [['check', '--max-size', 'lots', seed], /--max-size needs a non-negative number/],
      [[], /Usage: loss-lab <command>/],
      [['lint'], /unknown command 'lint'/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });

  it('applies --severity overrides like the editor setting', () => {
    const off = run(['check', '--severity', 'LL102=off', '--severity=LL110=information', '--json', `${seed}/example3_sparsity.py`]);
    assert.equal(off.status, 0, off.stderr);
    const report = JSON.parse(off.stdout) as { files: { findings: { code: string; severity: string }[] }[] };
    assert.deepEqual(report.files[0].findings.map((f) => `${f.code}:${f.severity}`), ['LL110:information']);
    const stricter = run(['check', '--severity', 'LL107=error', 'test/fixtures/rules/LL107/fires/keras_abs_residual.py']);
    assert.equal(stricter.status, 1);
    for (const [arg, message] of [
      ['LL999=off', /unknown rule code LL999/],
      ['LL107=loud', /level must be one of error, warning, information, hint, off/],
    ] as const) {
      const r = run(['check', '--severity', arg, seed]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
    }
  });

  it('skips files over --max-size with a notice', () => {
    const r = run(['check', '--max-size', '100', `${seed}/example1_sum_to_one.py`]);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /example1_sum_to_one\.py: skipped \(\d+ characters, over the limit of 100\)/);
  });

  it('dispatches train to the trainer command without loading it for check', () => {
    const r = run(['train', '--help']);
    if (existsSync(join(root, 'src/cli/train.ts'))) {
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Usage: loss-lab train/);
    } else {
      assert.equal(r.status, 2);
      assert.match(r.stderr, /the 'train' command is not available in this build/);
    }
  });

  it('prints help for check and for the command', () => {
    const r = run(['check', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: loss-lab check <files or folders…> \[--json\]/);
    const top = run(['--help']);
    assert.equal(top.status, 0);
    assert.match(top.stdout, /check +check loss functions/);
    assert.match(top.stdout, /train +trial-train/);
  });

  it('returns within 2 s on inputs the TypeScript grammar never finishes, one line per file', () => {
    const dir = mkdtempSync(join(tmp, 'hang-'));
    writeFileSync(join(dir, 'hang.tsx'), '<a {{b:>c:d(e f)\n');
    // an MPEG transport stream is a .ts file too: sync bytes every 188 bytes, the rest binary
    writeFileSync(join(dir, 'video.ts'), Buffer.from(Array.from({ length: 188 * 20 }, (_, i) => (i % 188 === 0 ? 0x47 : (i * 131 + 7) % 256))));
    writeFileSync(join(dir, 'clean.py'), 'import tensorflow as tf\n\ndef loss(y_true, y_pred):\n    return tf.reduce_mean(tf.square(y_true - y_pred))\n');
    const t0 = performance.now();
    const baseline = run(['check', join(dir, 'clean.py')]);
    const startup = performance.now() - t0;
    assert.equal(baseline.status, 0, baseline.stderr);
    const t1 = performance.now();
    const r = run(['check', join(dir, 'hang.tsx'), join(dir, 'video.ts')], dir);
    const took = performance.now() - t1;
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^hang\.tsx: not analysed: the parser gave up after \d+ ms$/m);
    assert.match(r.stderr, /^video\.ts: not analysed: it is not text \((NUL bytes|\d+ invalid UTF-8 sequences)\)$/m);
    assert.match(r.stderr, /2 files checked: 0 findings/);
    assert.ok(took - startup < 2000, `took ${took.toFixed(0)} ms (a plain run takes ${startup.toFixed(0)} ms)`);
    const json = JSON.parse(run(['check', '--json', join(dir, 'hang.tsx')], dir).stdout) as { files: { notAnalysed?: string }[] };
    assert.match(json.files[0].notAnalysed ?? '', /the parser gave up after/);
    // train says the same, not "no loss function found"
    const train = run(['train', join(dir, 'hang.tsx')], dir);
    assert.equal(train.status, 2);
    assert.match(train.stderr, /hang\.tsx: not analysed: the parser gave up after \d+ ms/);
  });

  it('keeps going past a crafted notebook: the other files are checked', () => {
    const dir = mkdtempSync(join(tmp, 'crafted-'));
    const crafted = { cells: [{ cell_type: 'code', source: [{ toString: 1 }, 'x = 1\n'] }, { cell_type: 'code', source: { toString: 1 } }], metadata: { language_info: { name: { toString: 1 } } } };
    writeFileSync(join(dir, 'a_crafted.ipynb'), JSON.stringify(crafted));
    copyFileSync(join(root, seed, 'example3_sparsity.py'), join(dir, 'b_loss.py'));
    const r = run(['check', '.'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^b_loss\.py:\d+:\d+ LL\d{3} /m);
    assert.match(r.stderr, /2 files checked/);
    // the crafted fields are read as empty text, not as a reason to give up on the notebook
    assert.doesNotMatch(r.stderr, /could not check/);
  });

  it('escapes control characters in file names and quoted code: no forged workflow command', () => {
    const dir = mkdtempSync(join(tmp, 'forge-'));
    const name = 'x.py\n::error file=ci.yml,line=1::forged\n\u001b[2Ky.py';
    const loss = readFileSync(join(root, seed, 'example3_sparsity.py'), 'utf8');
    writeFileSync(join(dir, name), loss);
    const r = run(['check', '.'], dir);
    assert.equal(r.status, 1, r.stderr);
    for (const line of [...lines(r.stdout), ...lines(r.stderr)]) {
      assert.doesNotMatch(line, /^::/, `a line starts a workflow command: ${line}`);
      assert.ok(!line.includes('\u001b'), `a raw escape character: ${JSON.stringify(line)}`);
    }
    assert.ok(lines(r.stdout).some((l) => l.startsWith('x.py\\n::error file=ci.yml,line=1::forged\\n\\x1b[2Ky.py:')), r.stdout);
    const gh = run(['check', '--github', '.'], dir);
    assert.ok(lines(gh.stdout).every((l) => /^::(warning|error|notice) file=x\.py%0A%3A%3Aerror/.test(l)), gh.stdout);
  });
});
