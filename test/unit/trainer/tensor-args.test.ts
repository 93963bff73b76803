// Extra tensor arguments the trainer cannot provide yet are refused by name, each once, with its lines and what it
// would take; the same unsupported op on several lines is one refusal, not one per line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { hiddenArgs, refusedTensorArgs } from '../../../src/trainer/tensorArgs';
import { bin, call, lossModel, name, yp, yt } from '../interpreter/ir';

describe('extra tensor arguments', () => {
  it('a VAE loss: mu and logvar are refused by name, once each, with the lines they are read on and what to do', () => {
    const mu = (line: number) => name('mu', 'param', line);
    const logvar = (line: number) => name('logvar', 'param', line);
    const kld = bin('-', call('torch.exp', [logvar(4)]), bin('+', call('torch.square', [mu(4)]), logvar(5)));
    const model = lossModel('pytorch', [{ expr: call('F.mse_loss', [yp, yt]) }, { expr: call('torch.sum', [kld]) }], [
      { name: 'mu', role: 'tensor' },
      { name: 'logvar', role: 'tensor' },
    ]);
    const refused = findUnsupported(model);
    assert.deepEqual(refused.map((r) => r.op), ['logvar', 'mu']);
    const lv = refused[0]!;
    assert.deepEqual(lv.lines, [5, 6]);
    assert.match(lv.message, /`logvar` is a VAE head's output/);
    assert.match(lv.message, /pass `logvar` as a dataset column/);
    assert.equal(refused[1]!.lines, undefined, 'mu is read on one line only');
  });

  it('names map to what they are by the table; an unknown name says what it would take', () => {
    const model = lossModel('pytorch', [{ expr: yp }], ['encoded', 'group', 'recon_target', 'kernel'].map((n) => ({ name: n, role: 'tensor' as const })));
    const byName = Object.fromEntries(refusedTensorArgs(model).map((r) => [r.name, r]));
    assert.equal(byName['encoded'], undefined, 'a hidden layer\'s activations are provided, not refused');
    assert.deepEqual(hiddenArgs(model), ['encoded']);
    assert.equal(byName['group']!.kind, 'sensitive');
    assert.match(byName['group']!.message, /pass it as a dataset column/);
    assert.equal(byName['kernel']!.kind, 'weights');
    assert.match(byName['kernel']!.message, /model\.parameters\(\)/);
    assert.equal(byName['recon_target']!.kind, 'unknown');
    assert.match(byName['recon_target']!.message, /`recon_target` is a tensor argument the trainer cannot provide.*pass it as a dataset column/);
  });

  it('the same unsupported op on three lines is listed once with its lines', () => {
    const op = (line: number) => call('torch.special.erfcx', [yp], {}, line);
    const model = lossModel('pytorch', [{ expr: call('F.mse_loss', [yp, yt]) }, { expr: bin('+', op(2), bin('+', op(3), op(7))) }]);
    const refused = findUnsupported(model);
    assert.equal(refused.length, 1);
    assert.deepEqual(refused[0]!.lines, [3, 4, 8]);
  });
});
