// Guarded terms (issue 9 §2): `if lam_x > 0: loss += lam_x * helper(q)` with the λ a keyword default of the function
// the loop is in (or a constructor setting) is decided by that value, as Python runs it: the terms that run are the
// penalties, a term whose guard is off by its 0.0 default is not part of the loss. A call of the function that passes
// the λ leaves its guard open (the loss is read with both branches, as before).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { some } from '../../../src/analysis/terms/expr';
import { analyze, ready, termSummary } from './helpers';

const LOOP = (call: string) => `import torch
import torch.nn.functional as F


def range_pen(q, limit):
    return torch.clamp(q.abs() - limit, min=0).mean()


def smooth_pen(q):
    return (q[:, 1:] - q[:, :-1]).pow(2).mean()


def imitation_pen(q):
    return q.pow(2).mean()


def fit(model, loader, lam_range=5, lam_imit=0.0, lam_smooth=0.5):
    opt = torch.optim.Adam(model.parameters())
    for x, y in loader:
        q = model(x)
        loss = F.mse_loss(q, y)
        if lam_range > 0:
            loss += lam_range * range_pen(q, 10.0)
        if lam_imit > 0:
            loss += lam_imit * imitation_pen(q)
        if lam_smooth > 0:
            loss += lam_smooth * smooth_pen(q)
        opt.zero_grad()
        loss.backward()
        opt.step()


${call}
`;

const inlineTerms = (src: string): string[] => {
  const m = analyze(src).models.find((x) => x.kind === 'inline');
  assert.ok(m, 'the loop loss is found');
  return m.terms.map(termSummary);
};

describe('guarded terms', () => {
  before(() => ready);

  it('guards decided by the defaults: the two terms that run are the penalties, the switched-off one is not', () => {
    assert.deepEqual(inlineTerms(LOOP('fit(net, data)')), ['base:+:mse_loss', 'penalty:+:range_pen*lam_range', 'penalty:+:smooth_pen*lam_smooth']);
  });

  it('a call passing the switched-off λ leaves its guard to run time: not dropped on its default', () => {
    const m = analyze(LOOP('fit(net, data, lam_imit=1.0)')).models.find((x) => x.kind === 'inline');
    assert.ok(m && some(m.body, (n) => n.kind === 'conditional' && n.test.text === 'lam_imit > 0'), 'the guard stays in the loss');
    const decided = analyze(LOOP('fit(net, data)')).models.find((x) => x.kind === 'inline');
    assert.ok(decided && !some(decided.body, (n) => n.kind === 'conditional'), 'decided guards leave no conditional');
  });
});
