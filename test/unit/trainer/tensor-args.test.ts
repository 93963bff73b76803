// Extra tensor arguments are mapped to the trial model by the table (src/trainer/tensorArgs.ts); the ones it cannot
// provide are refused by name, each once, with its lines and what it would take; the same unsupported op on several
// lines is one refusal, not one per line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconstructionPair } from '../../../src/trainer/data';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { hiddenArgs, mappedTensorArgs, reconstructionTarget, refusedTensorArgs } from '../../../src/trainer/tensorArgs';
import { attr, bin, call, lossModel, name, yp, yt } from '../interpreter/ir';

describe('extra tensor arguments', () => {
  it('a mean without a log-variance is refused by name, once, with the lines it is read on and what to do', () => {
    const mu = (line: number) => name('mu', 'param', line);
    const model = lossModel('pytorch', [{ expr: call('F.mse_loss', [yp, yt]) }, { expr: call('torch.sum', [bin('+', call('torch.square', [mu(4)]), mu(5))]) }], [
      { name: 'mu', role: 'tensor' },
    ]);
    const refused = findUnsupported(model);
    assert.deepEqual(refused.map((r) => r.op), ['mu']);
    assert.deepEqual(refused[0]!.lines, [5, 6]);
    assert.match(refused[0]!.message, /`mu` is a VAE head's output, but the loss does not take its log-variance \(`logvar`\) beside it/);
    assert.match(refused[0]!.message, /pass `mu` as a dataset column/);
  });

  it('a VAE loss: mu and logvar are provided (the VAE head), not refused', () => {
    const kld = bin('-', call('torch.exp', [name('logvar', 'param', 4)]), bin('+', call('torch.square', [name('mu', 'param', 4)]), name('logvar', 'param', 5)));
    const model = lossModel('pytorch', [{ expr: call('F.mse_loss', [yp, yt]) }, { expr: call('torch.sum', [kld]) }], [
      { name: 'mu', role: 'tensor' },
      { name: 'logvar', role: 'tensor' },
    ]);
    assert.deepEqual(findUnsupported(model), []);
    assert.deepEqual(hiddenArgs(model), ['mu', 'logvar']);
  });

  it('a model object\'s attributes (`vae.mean`, `vae.logvar`) map by the attribute\'s name to the VAE head', () => {
    const vae = name('vae', 'global');
    const kld = bin('-', call('tf.exp', [attr(vae, 'logvar')]), call('tf.square', [attr(vae, 'mean')]));
    const model = lossModel('keras', [{ expr: call('tf.keras.losses.MSE', [yt, yp]) }, { expr: call('tf.reduce_mean', [kld]) }], [
      { name: 'vae.mean', role: 'tensor' },
      { name: 'vae.logvar', role: 'tensor' },
    ]);
    assert.deepEqual(refusedTensorArgs(model), []);
    assert.deepEqual(findUnsupported(model), []);
    assert.deepEqual(hiddenArgs(model), ['vae.mean', 'vae.logvar']);
  });

  it('names map to what they are by the table; what it cannot map says what it would take', () => {
    const names = ['encoded', 'group', 'recon_target', 'kernel', 'params', 'x'];
    const model = lossModel('pytorch', [{ expr: yp }], names.map((n) => ({ name: n, role: 'tensor' as const })));
    const byName = Object.fromEntries(refusedTensorArgs(model).map((r) => [r.name, r]));
    assert.deepEqual(Object.keys(byName).sort(), ['params', 'recon_target'], 'hidden activations, a kernel, a group column and the model input are provided');
    assert.deepEqual(hiddenArgs(model), ['encoded']);
    assert.equal(byName['params']!.kind, 'weight-list');
    assert.match(byName['params']!.message, /model\.parameters\(\)/);
    assert.deepEqual(mappedTensorArgs(model).find((a) => a.name === 'x'), { name: 'x', kind: 'model-input' });
    assert.equal(byName['recon_target']!.kind, 'unknown');
    assert.match(byName['recon_target']!.message, /`recon_target` is a tensor argument the trainer cannot provide.*pass it as a dataset column/);
  });

  it('the protected attribute under the names fairness code gives it is the trial\'s group column', () => {
    const names = ['s_attr', 'sens', 'sensitive_attrs', 'protected_attributes', 'x_control', 'gender'];
    for (const n of names) {
      const model = lossModel('pytorch', [{ expr: yp }], [{ name: n, role: 'tensor' as const }]);
      assert.deepEqual(refusedTensorArgs(model), [], n);
      assert.deepEqual(mappedTensorArgs(model), [{ name: n, kind: 'sensitive' }], n);
    }
  });

  it('a loss with no target that compares the prediction with the model input reconstructs it: the input is the target, not refused', () => {
    const x = name('x', 'param', 3);
    const terms = [{ expr: call('tf.reduce_mean', [call('tf.square', [bin('-', x, yp)])]) }, { expr: call('tf.reduce_mean', [call('tf.square', [yp])]) }];
    const noTarget = lossModel('keras', terms, [{ name: 'x', role: 'tensor' }], { yTrue: '' });
    noTarget.params = noTarget.params.filter((p) => p.role !== 'yTrue');
    assert.equal(reconstructionTarget(noTarget), 'x');
    assert.deepEqual(refusedTensorArgs(noTarget), []);
    assert.deepEqual(mappedTensorArgs(noTarget), [{ name: 'x', kind: 'reconstruction-input' }]);
    assert.deepEqual(reconstructionPair(noTarget), { yPred: 'y_pred', yTrue: 'x' });
    // beside a target of its own, the input is the batch the model ran on, not the target
    const withTarget = lossModel('keras', terms, [{ name: 'x', role: 'tensor' }]);
    assert.equal(reconstructionTarget(withTarget), undefined);
    assert.deepEqual(refusedTensorArgs(withTarget), []);
    assert.deepEqual(mappedTensorArgs(withTarget), [{ name: 'x', kind: 'model-input' }]);
  });

  it('the input a loss with no target reconstructs stays the target where the analysis saw it come out of a layer call (`x = self.flatten(data)`)', () => {
    const x = name('x', 'param', 3);
    const terms = [{ expr: call('ops.sum', [bin('**', bin('-', x, yp), { kind: 'number', value: 2, range: yp.range, text: '2' })]) }];
    const fromLayer = lossModel('keras', terms, [{ name: 'x', role: 'tensor' }], { yTrue: '' });
    fromLayer.params = fromLayer.params.filter((p) => p.role !== 'yTrue').map((p) => (p.name === 'x' ? { ...p, modelOutput: 0 } : p));
    assert.equal(reconstructionTarget(fromLayer), 'x');
    assert.deepEqual(mappedTensorArgs(fromLayer), [{ name: 'x', kind: 'reconstruction-input' }]);
  });

  it('an argument the analysis could not place (`other`) is mapped when the table knows its name; the model object is refused with the rewrite', () => {
    const trans = name('trans', 'param', 2);
    const net = name('net', 'param', 3);
    const model = lossModel('pytorch', [{ expr: call('F.mse_loss', [yp, yt]) }, { expr: call('torch.sum', [bin('*', trans, net)]) }], [
      { name: 'trans', role: 'other' },
      { name: 'net', role: 'other' },
    ]);
    const refused = findUnsupported(model);
    assert.deepEqual(refused.map((r) => r.op), ['net']);
    assert.match(refused[0]!.message, /`net` is the model itself, used in a way the trainer cannot follow: it gives a model argument its trial model's weights where the loss reads them \(`net\.parameters\(\)`, `net\.fc1\.weight`/);
    assert.deepEqual(hiddenArgs(model), ['trans']);
  });

  it('the same unsupported op on three lines is listed once with its lines', () => {
    const op = (line: number) => call('torch.special.erfcx', [yp], {}, line);
    const model = lossModel('pytorch', [{ expr: call('F.mse_loss', [yp, yt]) }, { expr: bin('+', op(2), bin('+', op(3), op(7))) }]);
    const refused = findUnsupported(model);
    assert.equal(refused.length, 1);
    assert.deepEqual(refused[0]!.lines, [3, 4, 8]);
  });
});
