// A tensor beside the prediction that the trial cannot make up (a teacher's logits in a distillation loss) is refused
// before anything trains, by name, on the line that reads it, in one sentence that says what it would take.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const source = `import torch.nn.functional as F


def distill_loss(student_logits, labels, teacher_scores, temperature=2.0, mix=0.5):
    ce = F.cross_entropy(student_logits, labels)
    match = F.kl_div(F.log_softmax(student_logits / temperature, dim=1), F.softmax(teacher_scores / temperature, dim=1), reduction="batchmean")
    return ce + mix * match
`;

test("a teacher's logits are refused by name, with its line and what it would take", async () => {
  await initParsers();
  const loss = analyzeSource(source, 'python', 'distill.py').models[0]!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 5, sourceFile: 'distill.py' }), { send: (m) => messages.push(m), shouldStop: () => false });
  const errors = messages.filter((m) => m.type === 'error');
  assert.equal(errors.length, 1);
  const [error] = errors;
  assert.ok(error?.type === 'error');
  assert.equal(error.kind, 'unsupported-op');
  assert.equal(error.location?.line, 6);
  assert.match(error.message, /^distill_loss cannot be trained: `teacher_scores` is a tensor argument the trainer cannot provide \(.*\), and its values would have to come from your data: pass it as a dataset column/);
  assert.equal(error.message.split('. ').length, 1, 'one sentence');
  // it lists what the trainer does pass, the model's input and a mask included, so a rename is an informed one
  assert.match(error.message, /it passes the targets, the predictions, the model's input, and tensors it recognises by name: .*a mask/);
  assert.ok(!messages.some((m) => m.type === 'started'), 'nothing trains');
});

test('a module built with positional arguments the trainer cannot name is refused with the rewrite', async () => {
  await initParsers();
  const loss = analyzeSource(`import torch
import torch.nn as nn


class MarginLoss(nn.Module):
    def __init__(self, lam=0.1):
        super().__init__()
        self.lam = lam
        self.hinge = nn.HingeEmbeddingLoss(0.5)

    def forward(self, pred, target):
        return torch.mean((pred - target) ** 2) + self.lam * self.hinge(pred, target)
`, 'python', 'margin.py').models[0]!;
  const refusals = findUnsupported(loss);
  assert.equal(refusals.length, 1);
  assert.match(refusals[0]!.message, /^`nn\.HingeEmbeddingLoss\(…\)` is built with positional arguments the Loss Lab trainer cannot name: write them by keyword/);
});
