// A loss object built inside a module-level function from that function's parameter
// (`def get_loss(kind, penalty_weight=0.5): … return PenaltyLoss(penalty_weight=penalty_weight)`), which the file
// calls as `get_loss("directional", penalty_weight=0.3)`: the construction binds what the calls pass (0.3), the
// function's default when no call passes it, and nothing when the calls disagree.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { analyze, model, ready } from './helpers';

const FILE = (calls: string) => `import torch
import torch.nn as nn


class PenaltyLoss(nn.Module):
    def __init__(self, penalty_weight=0.5):
        super().__init__()
        self.penalty_weight = penalty_weight

    def forward(self, pred, target):
        return nn.functional.mse_loss(pred, target) + self.penalty_weight * torch.relu(-pred).mean()


def get_loss(kind="mse", penalty_weight=0.25):
    if kind == "mse":
        return nn.MSELoss()
    return PenaltyLoss(penalty_weight=penalty_weight)


${calls}
net = nn.Linear(4, 1)
x, y = torch.randn(8, 4), torch.randn(8, 1)
loss = criterion(net(x), y)
loss.backward()
`;

const lambda = (calls: string) => staticNumber(model(analyze(FILE(calls)), 'PenaltyLoss'), 'self.penalty_weight');

describe("a construction reading the enclosing function's parameter", () => {
  before(() => ready);

  it('every call passes 0.3: λ = 0.3', () => {
    assert.equal(lambda('criterion = get_loss("penalty", penalty_weight=0.3)'), 0.3);
    assert.equal(lambda('criterion = get_loss("penalty", 0.3)'), 0.3);
  });

  it("a call that passes nothing: the function's default, 0.25", () => {
    assert.equal(lambda('criterion = get_loss("penalty")'), 0.25);
  });

  it("calls that disagree bind nothing: the class's own default stands", () => {
    assert.equal(lambda('other = get_loss("penalty", penalty_weight=0.1)\ncriterion = get_loss("penalty", penalty_weight=0.3)'), 0.5);
  });

  it("through a constructor: Penalised(16, smoothness=0.002) builds Smooth(smoothness) in its __init__: λ = 0.002", () => {
    const src = `from keras import backend as K
from keras.layers import Dense, Input, Layer
from keras.models import Model
from keras.regularizers import Regularizer


class Smooth(Regularizer):
    def __init__(self, smoothness):
        self.smoothness = float(smoothness)

    def __call__(self, x):
        return K.mean(K.abs(x[:, 1:] - x[:, :-1])) * self.smoothness


class Penalised(Layer):
    def __init__(self, units, smoothness=0.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.reg = Smooth(smoothness) if smoothness > 0 else None

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(self.units, input_shape[-1]), regularizer=self.reg)

    def call(self, x):
        return K.dot(x, K.transpose(self.w))


inputs = Input(shape=(8,))
outputs = Dense(1, activation="sigmoid")(Penalised(16, smoothness=0.002)(inputs))
model = Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
`;
    assert.equal(staticNumber(model(analyze(src), 'Smooth'), 'self.smoothness'), 0.002);
    const extended = src.replace('inputs = Input', 'class Wider(Penalised):\n    pass\n\n\ninputs = Input');
    assert.equal(staticNumber(model(analyze(extended), 'Smooth'), 'self.smoothness'), undefined, 'a subclass may build it otherwise');
  });
});
