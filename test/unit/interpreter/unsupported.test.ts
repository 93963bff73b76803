// Unsupported ops are found before training (name + line) and, if evaluated anyway, throw UnsupportedOpError
// with the op and its source range. The op names are importable without loading tfjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Expr } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported, refusalMessage, supportedCallees, supportedMethods, UnsupportedOpError } from '../../../src/trainer/interpreter';
import { NOT_IN_TABLE_HINT } from '../../../src/trainer/interpreter/unsupported';
import { at, attr, bin, call, lossModel, method, name, num, yp, yt } from './ir';
import { cpu, run, tf } from './tf';

const lambdaNode = { kind: 'unsupported' as const, what: 'lambda', range: at(7, 4), text: 'lambda v: v * 2' };

const broken = lossModel('keras', [
  { expr: call('tf.keras.losses.categorical_crossentropy', [yt, yp], {}, 3) },
  { expr: call('tf.reduce_mean', [call('tf.frobnicate', [yp], {}, 5)]), weight: name('lam') },
  { expr: method(yp, 'magic', [], {}, 6) },
  { expr: bin('*', lambdaNode, num(1)) },
  { expr: bin('*', name('SCALE', 'global', 8), call('tf.reduce_mean', [yp])) },
], [{ name: 'lam', default: 1 }]);

describe('unsupported ops', () => {
  before(cpu);

  it('findUnsupported lists every unsupported op with its name and line, without evaluating', () => {
    const found = findUnsupported(broken);
    assert.deepEqual(found.map((f) => [f.op, f.range.startLine + 1]), [['tf.frobnicate', 6], ['.magic', 7], ['lambda', 8], ['SCALE', 9]]);
    assert.match(found[0].message, /^`tf\.frobnicate` is not supported by the Loss Lab trainer/);
    assert.match(found[2].message, /^lambda cannot be interpreted.*lambda v: v \* 2/);
  });

  it('the refusal names each construct once with its line, then says what to do once (issue 10 §3)', () => {
    const message = refusalMessage('broken', findUnsupported(broken));
    assert.match(message, /^broken cannot be trained: line 6: `tf\.frobnicate` is not supported .*; line 7: `\.magic` is not supported .*; line 8: lambda cannot be interpreted/);
    assert.equal(message.split(NOT_IN_TABLE_HINT).length - 1, 1, `the advice on the two ops outside the tables, once: ${message}`);
    assert.ok(message.endsWith(`. To train it: ${NOT_IN_TABLE_HINT}`), message);
    const plain = lossModel('keras', [{ expr: bin('*', name('SCALE', 'global', 8), call('tf.reduce_mean', [yp])) }]);
    assert.ok(!refusalMessage('plain', findUnsupported(plain)).includes('To train it'), 'a refusal that says what to do itself gets nothing more');
  });

  it("a new variable made from a setting (`K.variable(offset_init)` in a layer) is a trainable weight of the loss's own, starting at that value", () => {
    const offset = call('K.variable', [name('offset_init', 'captured')], {}, 4);
    const made = lossModel('keras', [
      { expr: call('K.mean', [call('K.square', [bin('-', yt, yp)])]) },
      { expr: bin('**', offset, num(2)), weight: name('lam') },
    ], [{ name: 'lam', default: 0.1 }, { name: 'offset_init', default: 0.5 }]);
    assert.deepEqual(findUnsupported(made), []);
    const loss = compileLoss(tf, made, {});
    const out = loss(tf.zeros([2, 1]), tf.zeros([2, 1]));
    const penalty = made.terms[1]!.id;
    assert.equal(out.terms[penalty]!.raw.dataSync()[0], 0.25);
    assert.deepEqual(loss.layerWeights().map((w) => [w.shape, w.dataSync()[0]]), [[[], 0.5]]);
    // `trainable=False` (a schedule's weight): its value, no weight to train
    const fixed = lossModel('keras', [{ expr: bin('**', call('tf.Variable', [num(0.5)], { trainable: { kind: 'bool', value: false, text: 'False', range: at(4, 30) } as Expr }, 4), num(2)) }]);
    const fixedLoss = compileLoss(tf, fixed, {});
    assert.equal(fixedLoss(tf.zeros([2, 1]), tf.zeros([2, 1])).total.dataSync()[0], 0.25);
    assert.deepEqual(fixedLoss.layerWeights(), []);
    // a copy of a tensor the loss has (a frozen kernel) is the interpreter's stop-gradient copy, not refused
    const copy = lossModel('keras', [{ expr: call('K.mean', [call('K.variable', [yp])]) }]);
    assert.deepEqual(findUnsupported(copy), []);
  });

  it('evaluating an unsupported op throws UnsupportedOpError naming the op and where it is', () => {
    const model = lossModel('keras', [{ expr: call('tf.reduce_mean', [call('tf.frobnicate', [yp], {}, 5)]) }]);
    const f = compileLoss(tf, model, {});
    assert.throws(() => f(tf.tensor([[1]]), tf.tensor([[1]])), (e: unknown) => {
      assert.ok(e instanceof UnsupportedOpError);
      assert.equal(e.op, 'tf.frobnicate');
      assert.equal(e.range.startLine, 5);
      assert.match(e.message, /line 6/);
      return true;
    });
  });

  it('an op of another framework is unsupported (torch in a Keras loss), methods too', () => {
    const model = lossModel('keras', [{ expr: call('torch.sum', [yp], {}, 2) }, { expr: method(yp, 'sum', [], {}, 3) }]);
    assert.deepEqual(findUnsupported(model).map((f) => f.op), ['torch.sum', '.sum']);
    assert.throws(() => run(model, [0], [1]), (e: unknown) => e instanceof UnsupportedOpError && e.op === 'torch.sum');
  });

  it('attributes of namespaces that are not constants are reported (tf.some_attr), constants are not (tf.float32)', () => {
    const model = lossModel('keras', [{ expr: call('tf.cast', [yp, attr(name('tf', 'global'), 'float32')]) }, { expr: attr(name('tf', 'global'), 'mystery') }]);
    assert.deepEqual(findUnsupported(model).map((f) => f.op), ['tf.mystery']);
  });

  it('supported callees per framework come from the op tables', () => {
    const keras = supportedCallees('keras');
    for (const op of ['tf.reduce_sum', 'tf.math.reduce_mean', 'tf.keras.losses.categorical_crossentropy', 'K.epsilon', 'tf.nn.softmax', 'tf.clip_by_value']) assert.ok(keras.has(op), op);
    assert.ok(!keras.has('F.cross_entropy'));
    const torch = supportedCallees('pytorch');
    for (const op of ['F.cross_entropy', 'torch.nn.functional.mse_loss', 'torch.clamp', 'F.binary_cross_entropy_with_logits']) assert.ok(torch.has(op), op);
    const tfjs = supportedCallees('tfjs');
    for (const op of ['tf.losses.meanSquaredError', 'tf.losses.softmaxCrossEntropy', 'tf.sum', 'tf.clipByValue']) assert.ok(tfjs.has(op), op);
    assert.ok(supportedMethods('pytorch').has('clamp') && supportedMethods('tfjs').has('square'));
  });

  it('the op names load without tfjs (the analysis imports them)', () => {
    const root = join(__dirname, '../../..');
    const code = "const m = require('./src/trainer/interpreter/index.ts'); const n = m.supportedCallees('pytorch').size; " +
      "const tfjs = Object.keys(require.cache).filter((k) => k.includes('@tensorflow')); console.log(JSON.stringify({ n, tfjs }));";
    const out = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: root, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const { n, tfjs } = JSON.parse(out.stdout.trim());
    assert.ok(n > 50);
    assert.deepEqual(tfjs, []);
  });

  it('an IR node of an unknown kind (newer analysis, malformed JSON) is reported, not crashed on', () => {
    const odd = { kind: 'lambda_v2', range: at(3), text: 'x' } as unknown as Expr;
    const model = lossModel('keras', [{ expr: call('tf.reduce_mean', [odd]) }]);
    assert.throws(() => run(model, [0], [1]), (e: unknown) => e instanceof UnsupportedOpError && e.op === 'lambda_v2' && e.range.startLine === 3);
    assert.deepEqual(findUnsupported(model).map((f) => [f.op, f.range.startLine]), [['lambda_v2', 3]]);
  });

  it('a parameter that is not a number the trainer cannot pass (a whole batch) is reported; the model input is passed', () => {
    const reading = (n: string) => {
      const model = lossModel('pytorch', [{ expr: method(yp, 'mean') }, { expr: bin('*', name(n, 'param', 4), method(yp, 'mean')) }]);
      model.params.push({ name: n, role: 'other', range: at(0) });
      return model;
    };
    assert.deepEqual(findUnsupported(reading('batch')).map((f) => [f.op, f.range.startLine + 1]), [['batch', 5]]);
    assert.match(findUnsupported(reading('batch'))[0].message, /unpack it \(`x, y = batch`\)/);
    assert.deepEqual(findUnsupported(reading('inputs')), []);
  });
});

