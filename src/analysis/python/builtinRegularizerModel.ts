// The loss a Keras model trains when its layers carry built-in regularizers (builtinRegularizers.ts): the loss it
// compiles plus one penalty per regularised layer and factor, as Keras adds them (model.losses):
//   kernel / bias  λ·Σ|W| (l1), λ·ΣW² (l2) over the layer's weights (no ½, tf.keras 2.x);
//   activity       λ·Σ|h| / batch size over the layer's outputs (Keras divides an activity penalty by the batch).
// The weights and activations are tensors the loss reads beside the prediction (`kernel`, `bias`, `activations`,
// role 'tensor'), which the trainer maps to its trial model's (src/trainer/tensorArgs.ts); λ is the factor, a
// parameter where the code names it (a builder's local, a module constant) so the rules and write-back see it.
import type { Expr, Framework, LossModel, LossParam, SourceLanguage, SourceRange, Term } from '../ir';
import { spanOf } from '../parsing/range';
import { lambdaParamOf } from '../terms/build';
import type { BuiltinUse, Factor } from './builtinRegularizers';

/** The tensor each kind of regularizer reads, by the name the trainer maps (tensorArgs.ts). */
const tensorOf = { kernel: 'kernel', bias: 'bias', activity: 'activations' } as const;

const at = (range: SourceRange, text: string) => ({ range, text });
const call = (callee: string, args: Expr[], range: SourceRange, kwargs: Record<string, Expr> = {}): Expr => ({ kind: 'call', callee, args, kwargs, ...at(range, `${callee}(…)`) });

/** Where the layers are written: Keras in Python (the default) or TF.js (tsjs/builtinRegularizers.ts). */
export interface RegularizedFile {
  framework: Framework;
  language: SourceLanguage;
}
const KERAS: RegularizedFile = { framework: 'keras', language: 'python' };

/** The framework's spelling of the ops a penalty uses, and how a reduction takes its axis (Keras `axis=`, TF.js positional). */
const spellings = {
  keras: { abs: 'tf.abs', square: 'tf.square', sum: 'tf.reduce_sum', mean: 'tf.reduce_mean', axisKeyword: true, yTrue: 'y_true', yPred: 'y_pred' },
  tfjs: { abs: 'tf.abs', square: 'tf.square', sum: 'tf.sum', mean: 'tf.mean', axisKeyword: false, yTrue: 'yTrue', yPred: 'yPred' },
} as const;
const spellingOf = (f: RegularizedFile) => (f.framework === 'tfjs' ? spellings.tfjs : spellings.keras);

/**
 * Σ|x| or Σx² of the layer's tensor; for its activity, a mean over the batch of each sample's sum. An
 * OrthogonalRegularizer is the framework's own op at factor 1 (its factor is the term's weight).
 */
/** An activity regularizer on the output layer acts on the predictions (the loss's own, under its name). */
const onPrediction = (use: BuiltinUse): boolean => use.regularizes.on === 'activity' && !!use.regularizes.output;

function penaltyExpr(use: BuiltinUse, key: Factor['key'], file: RegularizedFile, yPred: string): Expr {
  const ops = spellingOf(file);
  const r = use.range;
  const name = onPrediction(use) ? yPred : tensorOf[use.regularizes.on];
  const x: Expr = { kind: 'name', name, ref: onPrediction(use) ? 'yPred' : 'param', ...at(r, name) };
  if (key === 'factor') {
    const kwargs: Record<string, Expr> = { factor: { kind: 'number', value: 1, ...at(r, '1') } };
    for (const [k, v] of Object.entries(use.settings)) kwargs[k] = { kind: 'string', value: v, ...at(r, v) };
    return call('tf.keras.regularizers.OrthogonalRegularizer', [x], r, kwargs);
  }
  const elementwise = call(key === 'l1' ? ops.abs : ops.square, [x], r);
  if (use.regularizes.on !== 'activity') return call(ops.sum, [elementwise], r);
  const lastAxis: Expr = { kind: 'number', value: -1, ...at(r, '-1') };
  const perSample = ops.axisKeyword ? call(ops.sum, [elementwise], r, { axis: lastAxis }) : call(ops.sum, [elementwise, lastAxis], r);
  return call(ops.mean, [perSample], r);
}

/** The factor as the term's weight: its number, or the name that holds it (then a parameter of the loss). */
function weightOf(f: Factor, r: SourceRange): Expr {
  if (f.name) return { kind: 'name', name: f.name.text, ref: f.name.origin === 'closure' || f.name.origin === 'factory' ? 'captured' : 'global', ...at(f.name.range, f.name.text) };
  return { kind: 'number', value: f.value ?? 0, ...at(f.at ?? r, f.written ?? String(f.value ?? 0)) };
}

function factorParam(f: Factor): LossParam | undefined {
  if (!f.name) return undefined;
  const p: LossParam = { name: f.name.text, role: 'hyper', range: f.name.range };
  if (f.name.origin !== 'unknown') p.origin = f.name.origin;
  if (f.name.cell !== undefined) p.cell = f.name.cell;
  if (f.value !== undefined) p.default = f.value;
  if (f.at) p.defaultRange = f.at;
  return p;
}

/** A penalty's name: the regularizer as written (`L1L2`), or its factor (`l1`, `l2`) when it has two; unique. */
function labelOf(use: BuiltinUse, f: Factor, taken: Map<string, number>): string {
  const base = use.factors.length > 1 ? f.key : use.callee;
  const n = (taken.get(base) ?? 0) + 1;
  taken.set(base, n);
  return n === 1 ? base : `${base}_${n}`;
}

function penaltyTerms(uses: readonly BuiltinUse[], first: number, file: RegularizedFile, yPred: string): Term[] {
  const taken = new Map<string, number>();
  return uses.flatMap((use) =>
    use.factors.map((f): Term => {
      const weight = weightOf(f, use.range);
      const term: Term = { id: '', role: 'penalty', sign: 1, expr: penaltyExpr(use, f.key, file, yPred), weight, label: labelOf(use, f, taken), range: use.range, regularizes: use.regularizes };
      if (f.name) term.weightParam = f.name.text;
      return term;
    }),
  ).map((t, i) => ({ ...t, id: `t${first + i}` }));
}

function paramsOf(uses: readonly BuiltinUse[], given: readonly LossParam[]): LossParam[] {
  const out = new Map<string, LossParam>(given.map((p) => [p.name, p]));
  for (const use of uses) {
    const tensor = tensorOf[use.regularizes.on];
    if (!onPrediction(use) && !out.has(tensor)) out.set(tensor, { name: tensor, role: 'tensor', range: use.regularizes.range ?? use.range });
    for (const f of use.factors) {
      const p = factorParam(f);
      if (p && !out.has(p.name)) out.set(p.name, p);
    }
  }
  return [...out.values()];
}

const sumOf = (terms: readonly Term[]): Expr =>
  terms
    .map((t): Expr => (t.weight ? { kind: 'binary', op: '*', left: t.weight, right: t.expr, ...at(t.range, t.label) } : t.expr))
    .reduce((a, b) => ({ kind: 'binary', op: '+', left: a, right: b, ...at(spanOf(a.range, b.range), '…') }));

/**
 * The model of the loss a Keras model trains with its layers' built-in regularizers; named by the compiled loss
 * when the file says it (`binary_crossentropy`), else by the first regularizer. The compiled base is added by
 * withCompiledBase like any regularizer's.
 */
export function builtinRegularizerModel(uses: readonly BuiltinUse[], compiled?: { name: string; range: SourceRange }, file: RegularizedFile = KERAS): LossModel | undefined {
  if (uses.length === 0) return undefined;
  const first = uses[0]!;
  const range = uses.map((u) => u.regularizes.range ?? u.range).reduce(spanOf);
  const { yTrue, yPred } = spellingOf(file);
  const terms = penaltyTerms(uses, 0, file, yPred);
  const name = compiled?.name ?? first.callee;
  const model: LossModel = {
    id: `${name}:${(compiled?.range ?? first.range).startLine + 1}`,
    name,
    kind: 'regularizer',
    framework: file.framework,
    language: file.language,
    params: paramsOf(uses, [
      { name: yTrue, role: 'yTrue', range: compiled?.range ?? first.range },
      { name: yPred, role: 'yPred', range: compiled?.range ?? first.range },
    ]),
    yTrue,
    yPred,
    body: sumOf(terms),
    terms,
    range,
    nameRange: first.range,
    returnRange: first.range,
    usages: [],
    regularizes: first.regularizes,
  };
  const lambda = lambdaParamOf(terms);
  if (lambda) model.lambdaParam = lambda;
  return model;
}

/**
 * A loss function or object the model compiles (`compile(loss=constrained_mse)`), with its layers' built-in
 * regularizers added as further penalties: what Keras trains (the loss's own terms first, its λ kept).
 */
export function withLayerPenalties(model: LossModel, uses: readonly BuiltinUse[], file: RegularizedFile = KERAS): LossModel {
  if (uses.length === 0) return model;
  const terms = [...model.terms, ...penaltyTerms(uses, model.terms.length, file, model.yPred)];
  const out: LossModel = { ...model, terms, params: paramsOf(uses, model.params) };
  const lambda = model.lambdaParam ?? lambdaParamOf(terms);
  if (lambda) out.lambdaParam = lambda;
  return out;
}
