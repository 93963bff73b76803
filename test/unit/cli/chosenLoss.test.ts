// The command line names the loss it chose (name, file, line, why) and lists the others: `check --json` per file,
// `train --json` in its first line (a trainer 'log' message carrying `chosen`), `train` on stderr when the file holds several losses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../../../src/cli/check';

const root = join(__dirname, '..', '..', '..');
const source = `import tensorflow as tf
def accuracy_like(y_true, y_pred):
    return tf.reduce_mean(tf.abs(y_true - y_pred)) + 0.5 * tf.reduce_mean(tf.abs(y_pred))
def make_bounded(lam=0.5):
    def bounded(y_true, y_pred):
        mse = tf.reduce_mean(tf.square(y_true - y_pred))
        return mse + lam * tf.reduce_mean(tf.nn.relu(y_pred - 1.0))
    return bounded
model.compile(optimizer="adam", loss=make_bounded(0.2), metrics=[accuracy_like])
`;

describe('the chosen loss on the command line', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'loss-lab-chosen-'));
    writeFileSync(join(dir, 'two.py'), source);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('check --json names the compiled loss, not the metric that comes first, and lists the metric as another', async () => {
    const out: string[] = [];
    await run(['--json', join(dir, 'two.py')], { out: (l) => out.push(l), err: () => {} });
    const report = JSON.parse(out.join('\n')) as { files: { file: string; chosen?: Record<string, unknown> }[] };
    const chosen = report.files[0].chosen;
    assert.ok(chosen, 'no chosen loss in the report');
    assert.equal(chosen.name, 'make_bounded');
    assert.equal(chosen.line, 4);
    assert.equal(chosen.why, 'compiled');
    assert.match(String(chosen.file), /two\.py$/);
    assert.deepEqual(chosen.others, [{ name: 'accuracy_like', line: 2 }]);
  });

  it('train --json says first which loss it trains and why; without --json the choice is said on stderr', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'train', join(dir, 'two.py'), '--steps', '2', '--lambda', '0', '--hidden', '4', '--backend', 'cpu', ...args], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      });
    const json = cli('--json');
    const line = JSON.parse(json.stdout.split('\n')[0]) as { type: string; message: string; chosen: Record<string, unknown> };
    assert.equal(line.type, 'log', 'a trainer message line, so JSON Lines readers of trainer messages read it');
    assert.equal(line.message, 'training make_bounded: make_bounded: it is passed to compile and it has a penalty');
    const first = line.chosen;
    assert.equal(first.name, 'make_bounded');
    assert.equal(first.why, 'compiled');
    assert.equal(first.line, 4);
    assert.match(String(first.file), /two\.py$/);
    assert.deepEqual(first.others, [{ name: 'accuracy_like', line: 2 }]);
    const plain = cli();
    assert.match(plain.stderr, /training make_bounded \(.*two\.py:4\): make_bounded: it is passed to compile and it has a penalty/);
    const named = cli('--function', 'accuracy_like', '--json');
    assert.equal((JSON.parse(named.stdout.split('\n')[0]) as { chosen: { why: string } }).chosen.why, 'named');
  });
});
