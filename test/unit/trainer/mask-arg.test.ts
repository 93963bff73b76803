// A mask the loss takes beside the prediction (`mask`, `valid_mask`, `xCoordMask`: which elements count, from the data
// loader) is a fixed synthetic 0/1 mask of the prediction's shape, said in the header as such; a mask the loss tiles
// along the last axis (`mask.repeat(1, 4)`) has that axis 1. It was refused: "`mask` is a tensor argument the trainer
// cannot provide".
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { mappedLosses } from '../../../src/trainer/mappedLoss';
import { maskLastAxis } from '../../../src/trainer/maskShape';
import type { LossFn } from '../../../src/trainer/runLoss';
import { syntheticMask } from '../../../src/trainer/syntheticArgs';
import { mappedTensorArgs } from '../../../src/trainer/tensorArgs';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { specFor } from './helpers';

const masked = (maskName: string, weighted: string) => `import torch


def masked_smooth_loss(pred, target, ${maskName}, lam=0.1):
    fit = (((pred - target) ** 2) * ${weighted}).sum() / ${maskName}.sum().clamp(min=1.0)
    smooth = (pred[:, 1:] - pred[:, :-1]).abs().mean()
    return fit + lam * smooth
`;

const lossOf = (source: string): LossModel => analyzeSource(source, 'python', 'masked.py').models[0]!;

describe('a mask argument', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it('is mapped by its name, whatever its prefix', () => {
    for (const name of ['mask', 'valid_mask', 'mask_t', 'padMask']) {
      const loss = lossOf(masked(name, name));
      assert.deepEqual(findUnsupported(loss), [], name);
      assert.deepEqual(mappedTensorArgs(loss), [{ name, kind: 'mask' }], name);
    }
  });

  it('is a fixed 0/1 tensor of the prediction shape, most elements kept', () => {
    const m = syntheticMask(tf, [64, 5]);
    assert.deepEqual(m.shape, [64, 5]);
    const values = [...m.dataSync()];
    assert.ok(values.every((v) => v === 0 || v === 1));
    const kept = values.filter((v) => v === 1).length / values.length;
    assert.ok(kept > 0.6 && kept < 0.95, `kept ${kept}`);
    assert.deepEqual([...syntheticMask(tf, [64, 5]).dataSync()], values, 'the same mask at every step');
  });

  it('tiled along the last axis by the loss, has that axis 1', () => {
    const loss = lossOf(masked('mask', 'mask.repeat(1, 4)'));
    assert.equal(maskLastAxis(loss, 'mask', 4), 1);
    assert.equal(maskLastAxis(lossOf(masked('mask', 'mask')), 'mask', 4), undefined);
  });

  it("has an image prediction's shape where the loop hands the prediction flat, one channel where the loss tiles it", () => {
    const loss = lossOf(masked('mask', 'mask.repeat(1, 1, 1, 3)'));
    let given: number[] | undefined;
    const spy: LossFn = (_y, _p, extras) => {
      given = extras?.tensors?.['mask']?.shape;
      return { total: tf.scalar(0), terms: {} } as unknown as ReturnType<LossFn>;
    };
    const [run] = mappedLosses(tf, loss, [spy], { framework: 'pytorch', units: 8, weightIndex: 0, sampleShape: [4, 4, 3] });
    run!(tf.zeros([2, 48]), tf.zeros([2, 48]));
    assert.deepEqual(given, [2, 4, 4, 1]);
  });

  it('trains with its penalty, and the header says the mask is synthetic', async () => {
    const loss = lossOf(masked('mask', 'mask'));
    const messages: TrainerToHost[] = [];
    await runTrial(specFor(loss, { steps: 5, model: { hidden: [16], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
    assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
    const started = messages.find((m) => m.type === 'started');
    assert.ok(started?.type === 'started');
    assert.match(started.trial!.model, /`mask` = a fixed synthetic 0\/1 mask of the prediction's shape \(about 80% ones, the same at every step\), because of its name/);
    const done = messages.find((m) => m.type === 'done');
    assert.ok(done?.type === 'done');
    const smooth = loss.terms.find((t) => t.role === 'penalty')!;
    for (const s of done.summaries) assert.ok(Number.isFinite(s.final?.terms[smooth.id]?.raw), `run λ = ${s.lambda}: the penalty's value is reported`);
  });
});
