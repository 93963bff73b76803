// Dicts as values (issue 9 §2–3, issue 10 §1): a dict of penalty terms and a dict of λs, read entry by entry:
// `d[k]`, `d.get(k, default)`, a generator or a statement loop over `.items()`/`.keys()`/`.values()`, `a or {}`,
// `if not d:`. Each entry becomes its own term, named by its key, its λ the looked-up value; the trainer sees
// plain ops (nothing of the dict is left for it).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { analyze, model, ready, termSummary } from './helpers';

const HEAD = `import torch
import torch.nn.functional as F

LAMS = {"box": 0.3, "sum": 2.0}


def box(p):
    return F.relu(p - 1).mean()


def rowsum(p):
    return ((p.sum(dim=1) - 1) ** 2).mean()
`;

const penalties = (src: string, name: string) => {
  const m = model(analyze(HEAD + src), name);
  return { terms: m.terms.map(termSummary), unsupported: findUnsupported(m) };
};

describe('dicts as values', () => {
  before(() => ready);

  it('a generator over .items() in a helper, weighted by .get on the module dict passed to it, splits into one term per key', () => {
    const got = penalties(`
def add_terms(base, terms=None, lams=None):
    lmb = lams or {}
    return base + sum(lmb.get(k, 0.0) * v for k, v in terms.items())


def combined(pred, target):
    return add_terms(F.mse_loss(pred, target), {"box": box(pred), "sum": rowsum(pred)}, LAMS)
`, 'combined');
    assert.deepEqual(got.terms, ["base:+:mse_loss", "penalty:+:box*LAMS['box']", "penalty:+:sum*LAMS['sum']"]);
    assert.deepEqual(got.unsupported, []);
  });

  it('a key missing from the λ dict takes the .get default; d[k] reads the entry', () => {
    const got = penalties(`
def combined(pred, target):
    terms = dict(box=box(pred), extra=rowsum(pred))
    return F.mse_loss(pred, target) + sum(LAMS.get(k, 0.5) * terms[k] for k in terms)
`, 'combined');
    assert.deepEqual(got.terms, ["base:+:mse_loss", "penalty:+:box*LAMS['box']", 'penalty:+:extra*0.5']);
  });

  it('a statement loop over .items() is read pass by pass, and `if not d:` is decided by the dict', () => {
    const got = penalties(`
def combined(pred, target):
    terms = {"box": box(pred), "sum": rowsum(pred)}
    loss = F.mse_loss(pred, target)
    if not terms:
        return loss
    for name, term in terms.items():
        loss = loss + LAMS[name] * term
    return loss
`, 'combined');
    assert.deepEqual(got.terms, ["base:+:mse_loss", "penalty:+:box*LAMS['box']", "penalty:+:sum*LAMS['sum']"]);
    assert.deepEqual(got.unsupported, []);
  });

  it('a dict whose keys are not known stays unsupported, named (no silent guess)', () => {
    const got = penalties(`
def combined(pred, target, terms):
    return F.mse_loss(pred, target) + sum(LAMS[k] * v for k, v in terms.items())
`, 'combined');
    assert.ok(got.unsupported.length > 0);
  });
});
