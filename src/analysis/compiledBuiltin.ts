// A file whose only training is `model.compile(loss='mse')` (or `loss: tf.losses.meanSquaredError`, or a built-in
// loss object `keras.losses.Huber(delta=2.0)`): the loss training runs is the framework's own, with no penalty. It
// is a loss of the file like any other (issue 9 §1: "the loss that is used"), so a command reports it as used and
// penalty-free ("no loss the file optimises has a penalty") instead of "no loss found", and the trainer can run it.
import { baseExpr, type CompiledBase } from './compiledBase';
import type { Framework, LossModel, SourceLanguage } from './ir';

/** Whether the compiled loss is trained as compiled: no loss of the file is compiled, added to it, or run by its own step. */
function compiledAlone(models: readonly LossModel[]): boolean {
  return !models.some((m) => m.kind === 'add-loss' || m.kind === 'regularizer' || m.usages.some((u) => u.kind === 'compile' || u.kind === 'training-step' || u.kind === 'backward'));
}

/** The framework loss `compile` names as a model of its own (one base term, used by compile), when it is trained alone. */
export function compiledBuiltinModel(models: readonly LossModel[], base: CompiledBase | undefined, framework: Framework, language: SourceLanguage): LossModel | undefined {
  if (!base || framework === 'pytorch' || !compiledAlone(models)) return undefined;
  const [yTrue, yPred] = framework === 'tfjs' ? ['yTrue', 'yPred'] : ['y_true', 'y_pred'];
  const expr = baseExpr(base, framework, yTrue, yPred);
  return {
    id: `${base.name}:${base.range.startLine + 1}`,
    name: base.name,
    kind: 'function',
    framework,
    language,
    params: [
      { name: yTrue, role: 'yTrue', range: base.range },
      { name: yPred, role: 'yPred', range: base.range },
    ],
    yTrue,
    yPred,
    body: expr,
    terms: [{ id: 't0', role: 'base', sign: 1, expr, label: base.name, range: base.range }],
    range: base.range,
    nameRange: base.range,
    returnRange: base.range,
    usages: [{ kind: 'compile', range: base.range }],
  };
}
