// `cfg = {**DEFAULTS, **recipe}` (issue 10 §1: a dict of settings merged from defaults and what the caller passes):
// each key is the last part's that has it, as Python merges; a parameter's part is what the file's call passes. The
// trainer reads `cfg["w"]` as that entry instead of refusing the dictionary; a recipe nobody passes stays refused.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

const factory = (merge: string, call: string): string => `import torch
import torch.nn.functional as F

DEFAULTS = {"w": 0.1, "v": 2.0}


def make_loss(recipe):
    cfg = ${merge}

    def loss(pred, target):
        return F.mse_loss(pred, target) + cfg["w"] * pred.abs().mean() + cfg.get("v", 9.0) * pred.pow(2).mean()

    return loss


${call}
`;

const modelOf = (src: string) => analyzeSource(src, 'python', 'loss.py').models.find((m) => m.name === 'make_loss')!;
// ŷ = y = [1, -3]: mse 0, mean |ŷ| = 2, mean ŷ² = 5
const totalOf = (src: string): number => {
  const m = modelOf(src);
  assert.deepEqual(findUnsupported(m), []);
  return run(m, [[1, -3]], [[1, -3]]).total;
};

describe('a merged settings dict', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it("the caller's entry overrides the default; the others keep theirs", () => {
    close(totalOf(factory('{**DEFAULTS, **recipe}', 'criterion = make_loss({"w": 0.3})')), 0.3 * 2 + 2.0 * 5, 1e-5);
  });

  it('an empty recipe at every call leaves the defaults', () => {
    close(totalOf(factory('{**DEFAULTS, **recipe}', 'criterion = make_loss({})\nother = make_loss(dict())')), 0.1 * 2 + 2.0 * 5, 1e-5);
  });

  it('a literal entry after the defaults overrides them, in order', () => {
    close(totalOf(factory('{**DEFAULTS, "v": 0.5, **recipe}', 'criterion = make_loss({})')), 0.1 * 2 + 0.5 * 5, 1e-5);
    close(totalOf(factory('{"v": 0.5, **DEFAULTS}', 'criterion = make_loss({})')), 0.1 * 2 + 2.0 * 5, 1e-5);
  });

  it('a recipe the file never passes (or passes as a variable) may override anything: refused by name', () => {
    for (const call of ['', 'criterion = make_loss(load_recipe())']) {
      const unsupported = findUnsupported(modelOf(factory('{**DEFAULTS, **recipe}', call)));
      assert.ok(unsupported.some((u) => u.op === 'dictionary'), call);
    }
  });
});
