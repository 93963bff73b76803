// Settings a loss class reads from a dict its constructor is given (issue 9 §2, issue 10 §1): `self.lam =
// cfg.get("lam", 1.0)` or `cfg["lam"]` in `__init__`, bound by the constructor call's dict (a literal, `dict(…)`, a
// module dict or one of its nested entries), else `.get`'s default, read by the analysis and the trainer alike.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready } from './helpers';

const LOSS = (init: string, build: string) => `import torch
import torch.nn as nn

CONFIG = {"loss": {"lam_sum": 2.0}, "train": {"lr": 1e-3}}
HPARAMS = {"decay": 0.05, "epochs": 3}


class SumLoss(nn.Module):
    def __init__(self, cfg, scale=1.0):
        super().__init__()
${init}

    def forward(self, pred, target):
        fit = ((pred - target) ** 2).mean()
        gap = ((pred.sum(dim=1) - 1) ** 2).mean()
        return fit + self.lam_sum * gap


${build}
`;

describe('a settings dict given to the constructor', () => {
  before(() => ready);

  it('cfg.get("k", d) reads the nested module dict the call passes (CONFIG["loss"]), as Python binds it', () => {
    const m = model(analyze(LOSS('        self.lam_sum = cfg.get("lam_sum", 1)', 'criterion = SumLoss(CONFIG["loss"])')), 'SumLoss');
    assert.equal(m.lambdaParam, 'self.lam_sum');
    assert.equal(codeLambda(m), 2.0);
    assert.equal(makeLookup(m, {})('self.lam_sum'), 2.0, 'the trainer reads the same value');
    assert.deepEqual(findUnsupported(m), [], '`.get` is read, not left for the trainer');
  });

  it('a key the passed dict lacks takes the .get default; a dict literal or dict(...) in the call is read too', () => {
    const missing = model(analyze(LOSS('        self.lam_sum = cfg.get("lam_sum", 0.5)', 'criterion = SumLoss(CONFIG["train"])')), 'SumLoss');
    assert.equal(codeLambda(missing), 0.5);
    const literal = model(analyze(LOSS('        self.lam_sum = cfg.get("lam_sum", 0.5)', 'criterion = SumLoss({"lam_sum": 4.0})')), 'SumLoss');
    assert.equal(codeLambda(literal), 4.0);
    const built = model(analyze(LOSS('        self.lam_sum = cfg["lam_sum"]', 'criterion = SumLoss(cfg=dict(lam_sum=3.0))')), 'SumLoss');
    assert.equal(codeLambda(built), 3.0);
  });

  it('a dict the analysis cannot read leaves cfg["k"] without a value (no default is made up)', () => {
    const m = model(analyze(LOSS('        self.lam_sum = cfg["lam_sum"]', 'criterion = SumLoss(load_config())')), 'SumLoss');
    assert.equal(makeLookup(m, {})('self.lam_sum'), undefined);
  });

  it('a constructor argument read from a module dict (HPARAMS["decay"]) binds that entry', () => {
    const m = model(analyze(LOSS('        self.lam_sum = scale', 'criterion = SumLoss({}, scale=HPARAMS["decay"])')), 'SumLoss');
    assert.equal(codeLambda(m), 0.05);
    const shadowed = LOSS('        self.lam_sum = scale', 'def build(HPARAMS):\n    return SumLoss({}, scale=HPARAMS["decay"])');
    assert.equal(codeLambda(model(analyze(shadowed), 'SumLoss')), 1.0, 'a parameter named like the module dict is not it');
  });

  it('kwargs.get("k", d) of **kwargs is bound by the keyword the call passes, else the default', () => {
    const src = (build: string) => LOSS('        self.lam_sum = kwargs.get("lam_sum", 0.5)', build).replace('def __init__(self, cfg, scale=1.0):', 'def __init__(self, **kwargs):');
    const m = model(analyze(src('criterion = SumLoss(lam_sum=0.02)')), 'SumLoss');
    assert.equal(codeLambda(m), 0.02);
    assert.equal(makeLookup(m, {})('self.lam_sum'), 0.02);
    assert.equal(codeLambda(model(analyze(src('criterion = SumLoss(other=3)')), 'SumLoss')), 0.5);
  });

  it('a local set from a flag (alpha = opts.lam_sum) and passed on binds the flag\'s default', () => {
    const build = `def fit(opts):
    lam = opts.lam_sum
    return SumLoss({}, scale=lam)


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--lam_sum", type=float, default=0.3)
    fit(parser.parse_args())`;
    const m = model(analyze(LOSS('        self.lam_sum = scale', build)), 'SumLoss');
    assert.equal(codeLambda(m), 0.3);
  });
});
