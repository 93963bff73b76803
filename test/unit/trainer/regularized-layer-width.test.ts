// A custom Keras Regularizer written as Keras writes its own (`self.l2 = K.cast_to_floatx(l2)`, `if self.l2: penalty
// += …`) on a `Dense(UNITS, kernel_regularizer=Ortho(UNITS, l2=5e-4))`: the guards are decided by what the layer's
// construction passes (l2 on, l1 off at its default 0), λ is that l2, and the trial's last hidden layer, which stands
// for the regularized layer, has its width, so a penalty sized to it (`K.eye(size)` against the kernel's Gram) fits.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { runRules } from '../../../src/analysis/rules';
import type { TrainerToHost } from '../../../src/protocol';
import { fittedHidden } from '../../../src/trainer/hiddenFit';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

before(() => initParsers());

const source = (units: string) => `from keras import backend as K
from keras.layers import Dense, Input
from keras.models import Model
from keras.regularizers import Regularizer

UNITS = 12


class GramIdentity(Regularizer):
    def __init__(self, size, l1=0., l2=0.):
        self.l1 = K.cast_to_floatx(l1)
        self.l2 = K.cast_to_floatx(l2)
        self.identity = K.eye(size)

    def __call__(self, w):
        penalty = 0.
        gap = K.dot(K.transpose(w), w) - self.identity
        if self.l1:
            penalty += K.sum(self.l1 * K.abs(gap))
        if self.l2:
            penalty += K.sum(self.l2 * K.square(gap))
        return penalty


inputs = Input(shape=(20,))
codes = Dense(${units}, activation="relu", kernel_regularizer=GramIdentity(${units}, l2=5e-4))(inputs)
outputs = Dense(3, activation="softmax")(codes)
model = Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy")
`;

const regularizer = (units: string) => analyzeSource(source(units), 'python', 'ortho.py').models.find((m) => m.kind === 'regularizer')!;

test("the guards are decided by the layer's construction: the l2 branch alone, its λ the l2 passed, nothing reported", () => {
  const analysis = analyzeSource(source('UNITS'), 'python', 'ortho.py');
  const loss = analysis.models.find((m) => m.kind === 'regularizer')!;
  const text = loss.body.text ?? '';
  assert.doesNotMatch(text, /abs/, 'the l1 branch (l1 = 0) is not taken');
  assert.match(text, /square/);
  assert.deepEqual(
    runRules(analysis, source('UNITS')).map((f) => f.code),
    [],
  );
});

test("the trial's last hidden layer has the regularized layer's width (a module constant or a literal), said in the header", async () => {
  assert.deepEqual(regularizer('UNITS').regularizes?.units, 12);
  const fitted = fittedHidden(regularizer('UNITS'), [64, 64]);
  assert.deepEqual(fitted.hidden, [64, 12]);
  assert.match(fitted.note ?? '', /the last hidden layer has 12 units because the layer your regularizer is on, `Dense\(12, …\)`, has 12/);
  // a layer too wide for a trial keeps the trial's width
  assert.deepEqual(fittedHidden(regularizer('1024'), [64, 64]).hidden, [64, 64]);
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(regularizer('UNITS'), { steps: 60 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, / → 12 → /);
});
