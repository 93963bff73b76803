// A penalty that lives in a Keras `add_loss`, a `Regularizer` (`kernel_regularizer=`, `activity_regularizer=`) or a
// TF.js regularizer class is added by the framework to the loss the model compiles: `model.compile(loss='mse')`
// trains mse + λ·penalty. That compiled loss is the base term of such a model, read from the file's last
// `compile` (the one that configures training), so the rules and the trainer see base and penalty as for a loss
// function: the trainer trains the sum with the base's own curve.
import type { Expr, Framework, LossModel, SourceRange, Term } from './ir';

export interface CompiledBase {
  /** The loss as written: `mse`, `binary_crossentropy`, `MeanSquaredError`, `meanSquaredError` (the term's label). */
  name: string;
  /** A loss object built in the call (`keras.losses.Huber(delta=2.0)`): its literal keywords. */
  ctorKwargs?: Record<string, number | string | boolean>;
  /** Where the compiled loss is written. */
  range: SourceRange;
}

/** Python: `.compile(…, loss="mse")`, `loss=keras.losses.mse`, `loss=tf.keras.losses.Huber(delta=2.0)` (no nested parentheses before it). */
const pythonCompile = /\.compile\((?:[^()]|\([^()]*\))*?\bloss\s*=\s*(?:["']([A-Za-z_]\w*)["']|((?:tf\.)?(?:keras\.)?losses\.([A-Za-z_]\w*))(\([^()]*\))?)/g;
/** TF.js: `.compile({ …, loss: 'meanSquaredError' })` / `loss: tf.losses.meanSquaredError`. */
const tsCompile = /\.compile\(\s*\{[^}]*?\bloss\s*:\s*(?:(['"`])([A-Za-z_$][\w$]*)\1|tf\.(?:losses|metrics)\.([A-Za-z_$][\w$]*))/g;

/** Literal keywords of a constructor's argument text `(delta=2.0, from_logits=True)`; undefined if any is not a literal. */
function literalKwargs(args: string): Record<string, number | string | boolean> | undefined {
  const out: Record<string, number | string | boolean> = {};
  const inner = args.slice(1, -1).trim();
  if (!inner) return out;
  for (const part of inner.split(',')) {
    const m = /^\s*(\w+)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m?.[1] || m[2] === undefined) return undefined;
    const v = m[2];
    if (v === 'True' || v === 'False') out[m[1]] = v === 'True';
    else if (/^["'][^"']*["']$/.test(v)) out[m[1]] = v.slice(1, -1);
    else if (Number.isFinite(Number(v))) out[m[1]] = Number(v);
    else return undefined;
  }
  return out;
}

function rangeAt(source: string, start: number, end: number): SourceRange {
  const pos = (offset: number) => {
    const before = source.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, col: offset - (before.lastIndexOf('\n') + 1) };
  };
  const a = pos(start);
  const b = pos(end);
  return { startLine: a.line, startCol: a.col, endLine: b.line, endCol: b.col };
}

/** The loss the file's last `compile` names, when it is a framework loss (a string, `losses.X`, `losses.X(…)`). */
export function readCompiledBase(source: string, language: 'python' | 'ts'): CompiledBase | undefined {
  if (!source.includes('.compile(')) return undefined;
  let last: RegExpMatchArray | undefined;
  for (const m of source.matchAll(language === 'python' ? pythonCompile : tsCompile)) last = m;
  if (last?.index === undefined) return undefined;
  const name = language === 'python' ? (last[1] ?? last[3]) : (last[2] ?? last[3]);
  if (!name) return undefined;
  const written = language === 'python' ? (last[1] !== undefined ? `'${name}'` : `${last[2]}${last[4] ?? ''}`) : (last[3] ?? name);
  const at = last.index + last[0].lastIndexOf(written.startsWith("'") ? name : written);
  const out: CompiledBase = { name, range: rangeAt(source, at, at + (written.startsWith("'") ? name.length : written.length)) };
  const kwargs = last[4] ? literalKwargs(last[4]) : undefined;
  if (kwargs) out.ctorKwargs = kwargs;
  return out;
}

/** The compiled loss on the model's targets and outputs, reduced as the framework reduces it (a mean over the batch). */
function baseExpr(base: CompiledBase, framework: Framework, yTrue: string, yPred: string): Expr {
  const at = { range: base.range, text: base.name };
  const args: Expr[] = [
    { kind: 'name', name: yTrue, ref: 'yTrue', ...at, text: yTrue },
    { kind: 'name', name: yPred, ref: 'yPred', ...at, text: yPred },
  ];
  const kwargs: Record<string, Expr> = {};
  for (const [k, v] of Object.entries(base.ctorKwargs ?? {})) {
    kwargs[k] = typeof v === 'number' ? { kind: 'number', value: v, ...at } : typeof v === 'boolean' ? { kind: 'bool', value: v, ...at } : { kind: 'string', value: v, ...at };
  }
  const perSample: Expr = { kind: 'call', callee: framework === 'tfjs' ? `tf.metrics.${base.name}` : `tf.keras.losses.${base.name}`, args, kwargs, ...at };
  return { kind: 'call', callee: framework === 'tfjs' ? 'tf.mean' : 'tf.reduce_mean', args: [perSample], kwargs: {}, ...at };
}

/** Kinds whose terms add to the compiled loss (they hold penalties only). */
const addsToCompiled = new Set<LossModel['kind']>(['add-loss', 'regularizer']);

/**
 * `model` with the compiled loss as its base term, when it is an add_loss / regularizer of a Keras or TF.js model
 * whose file compiles a framework loss; else `model` unchanged.
 */
export function withCompiledBase(model: LossModel, base: CompiledBase | undefined): LossModel {
  if (!base || !addsToCompiled.has(model.kind) || model.framework === 'pytorch') return model;
  if (model.terms.some((t) => t.role === 'base')) return model;
  const yTrue = model.yTrue || (model.framework === 'tfjs' ? 'yTrue' : 'y_true');
  const term: Term = { id: `t${model.terms.length}`, role: 'base', sign: 1, expr: baseExpr(base, model.framework, yTrue, model.yPred), label: base.name, range: base.range };
  return { ...model, terms: [...model.terms, term] };
}
