// Issue 9 §3-§4: which term is the base. Not the first one written: the term that compares the prediction with the
// target, a loss (framework, the file's own, or a cross-entropy written by hand), added without a hyper-parameter
// weight; and a difference the code names as one objective stays one term.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready, termSummary } from './helpers';

before(async () => {
  await ready;
});

const torch = (body: string): string => `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n${body}`;

describe('the base is the term that compares the prediction with the target', () => {
  it('knowledge distillation: the labels\' cross-entropy is the base though written second; alpha weights the teacher term', () => {
    const m = model(
      analyze(torch(`def distillation_loss(student_logits, labels, teacher_logits, T=3.0, alpha=0.7):
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=1), F.softmax(teacher_logits / T, dim=1), reduction="batchmean") * (T * T)
    hard = F.cross_entropy(student_logits, labels)
    return alpha * soft + hard
`)),
      'distillation_loss',
    );
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:soft*alpha', 'base:+:hard']);
    // T² belongs to `soft` (its own definition); the weight where it is added is alpha, the λ a sweep binds
    assert.equal(m.terms[0]!.weightParam, 'alpha');
  });

  it('a weighted term is not the base when an unweighted one stands beside it', () => {
    const m = model(
      analyze(torch(`def weighted_first(pred, target, lam=0.1):
    return lam * torch.mean(torch.relu(-pred)) + torch.mean((pred - target) ** 2)
`)),
      'weighted_first',
    );
    assert.deepEqual(m.terms.map((t) => t.role), ['penalty', 'base']);
  });

  it('the first term stays the base when every term ranks the same', () => {
    const m = model(
      analyze(torch(`def two_losses(pred, target):
    return F.mse_loss(pred, target) + F.l1_loss(pred, target)
`)),
      'two_losses',
    );
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty']);
  });
});

describe('a cross-entropy written by hand is one positive base term', () => {
  const source = torch(`class SmoothCE(nn.Module):
    def __init__(self, beta=0.01):
        super().__init__()
        self.beta = beta

    def forward(self, logits, labels):
        log_probs = F.log_softmax(logits, dim=-1)
        with torch.no_grad():
            soft = torch.full_like(log_probs, 0.05)
            soft.scatter_(1, labels.unsqueeze(1), 0.9)
        smoothed_ce = -torch.mean(torch.sum(soft * log_probs, dim=-1))
        spread = torch.mean(logits ** 2)
        return smoothed_ce + self.beta * spread
`);

  it('-mean(sum(target * log_probs)) is the base, named by its variable, not a subtracted penalty', () => {
    const m = model(analyze(source), 'SmoothCE');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:smoothed_ce', 'penalty:+:spread*self.beta']);
  });

  it('so check raises no missing-λ (LL101) or subtracted-penalty (LL104) alarm on it', () => {
    const codes = runRules(analyze(source), source).map((f) => f.code);
    assert.ok(!codes.includes('LL101') && !codes.includes('LL104'), codes.join(', '));
  });
});

describe('a difference the code names is one term', () => {
  const loop = torch(`LAMBDA_GP = 10

for real, _ in loader:
    fake = generator(torch.zeros(4, 8))
    critic_real = critic(real).reshape(-1)
    critic_fake = critic(fake).reshape(-1)
    gp = torch.mean((critic_fake - 1) ** 2)
    wasserstein = torch.mean(critic_fake) - torch.mean(critic_real)
    loss_critic = wasserstein + LAMBDA_GP * gp
    loss_critic.backward()
`);

  it('wasserstein = mean(fake) - mean(real) is the base, gp the penalty', () => {
    const m = model(analyze(loop), 'loss_critic');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:wasserstein', 'penalty:+:gp*LAMBDA_GP']);
  });

  it('a subtracted violation is still split off (and reported)', () => {
    const m = model(
      analyze(torch(`def bad(pred, target):
    fit = torch.mean((pred - target) ** 2) - torch.mean(torch.relu(pred - 1))
    return fit + 0.1 * torch.mean(pred ** 2)
`)),
      'bad',
    );
    assert.equal(m.terms.length, 3);
    assert.deepEqual(m.terms.map((t) => t.sign), [1, -1, 1]);
  });
});
