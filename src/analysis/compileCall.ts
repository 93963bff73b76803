// The loss a file's last `compile` call names, read from the syntax tree (one reader for every use: the base of an
// add_loss or a regularizer, compiledBase.ts; what `self.compiled_loss` computes in a Keras train_step,
// python/expr.ts). Python `model.compile(optimizer=Adam(learning_rate=1e-3), loss="mse")`, `loss=keras.losses.mse`,
// `loss=tf.keras.losses.Huber(delta=2.0)`; TF.js `model.compile({ optimizer: tf.train.adam(1e-3), loss:
// 'meanSquaredError' })`, `loss: tf.losses.meanSquaredError`. Whatever the other arguments hold (nested calls,
// several lines), the `loss` argument is found by its name.
import type { Node } from 'web-tree-sitter';
import type { SourceRange } from './ir';
import { rangeOf } from './parsing/range';
import { callsNamed, type TextMemo } from './parsing/textSegments';

export interface CompiledBase {
  /** The loss as written: `mse`, `binary_crossentropy`, `MeanSquaredError`, `meanSquaredError` (the term's label). */
  name: string;
  /** How: a name in a string, a framework loss function (`losses.mse`), or a loss object built in the call. */
  form: 'name' | 'function' | 'object';
  /** A loss object built in the call (`keras.losses.Huber(delta=2.0)`): its literal keywords. */
  ctorKwargs?: Record<string, number | string | boolean>;
  /** Where the compiled loss is written. */
  range: SourceRange;
}

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');

/** A string literal's text and where it is written inside its quotes. */
function stringAt(node: Node): { text: string; range: SourceRange } | undefined {
  const content = named(node).filter((c) => c.type === 'string_content' || c.type === 'string_fragment');
  if (content.length !== 1) return undefined;
  return { text: content[0]!.text, range: rangeOf(content[0]!) };
}

/** `keras.losses.mse`, `tf.keras.losses.Huber`, `tf.losses.meanSquaredError`, `tf.metrics.x`: the loss's name. */
function frameworkLossName(node: Node): string | undefined {
  const m = /^(?:tf\.)?(?:keras\.)?(?:losses|metrics)\.([A-Za-z_$][\w$]*)$/.exec(node.text.replace(/\s+/g, ''));
  return node.type === 'attribute' || node.type === 'member_expression' ? m?.[1] : undefined;
}

/** Literal keywords of a Python call (`Huber(delta=2.0, reduction="sum")`); undefined when one is not a literal. */
function literalKwargs(call: Node): Record<string, number | string | boolean> | undefined {
  const out: Record<string, number | string | boolean> = {};
  for (const arg of named(call.childForFieldName('arguments'))) {
    const key = arg.type === 'keyword_argument' ? arg.childForFieldName('name')?.text : undefined;
    const value = arg.childForFieldName('value');
    if (!key || !value) return undefined;
    const text = value.text;
    if (value.type === 'true' || value.type === 'false') out[key] = value.type === 'true';
    else if (value.type === 'string') {
      const s = stringAt(value);
      if (!s) return undefined;
      out[key] = s.text;
    } else if (Number.isFinite(Number(text))) out[key] = Number(text);
    else return undefined;
  }
  return out;
}

/** What a `loss` argument's value says, when it is a framework loss. */
function lossOf(value: Node): CompiledBase | undefined {
  if (value.type === 'string') {
    const s = stringAt(value);
    return s && /^[A-Za-z_$][\w$]*$/.test(s.text) ? { name: s.text, form: 'name', range: s.range } : undefined;
  }
  const fnName = frameworkLossName(value);
  // TF.js `tf.losses.meanSquaredError`: the name is what the base term is labelled and where it is written
  if (fnName) return { name: fnName, form: 'function', range: rangeOf(value.type === 'member_expression' ? (value.childForFieldName('property') ?? value) : value) };
  const ctor = value.type === 'call' ? value.childForFieldName('function') : null;
  const ctorName = ctor ? frameworkLossName(ctor) : undefined;
  if (!ctorName) return undefined;
  const out: CompiledBase = { name: ctorName, form: 'object', range: rangeOf(value) };
  const kwargs = literalKwargs(value);
  if (kwargs) out.ctorKwargs = kwargs;
  return out;
}

/** The value of a call's `loss` argument: Python's `loss=…` keyword, TF.js's `{ loss: … }` property. */
function lossArgument(call: Node, language: 'python' | 'ts'): Node | undefined {
  const args = named(call.childForFieldName('arguments'));
  if (language === 'python') return args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'loss')?.childForFieldName('value') ?? undefined;
  const config = args[0]?.type === 'object' ? args[0] : undefined;
  const pair = named(config).find((p) => p.type === 'pair' && /^['"`]?loss['"`]?$/.test(p.childForFieldName('key')?.text ?? ''));
  return pair?.childForFieldName('value') ?? undefined;
}

/** The `X.compile(…)` call whose `compile` is written at `index`, if that is what is there. */
function compileCallAt(root: Node, index: number, language: 'python' | 'ts'): Node | undefined {
  const id = root.descendantForIndex(index);
  const member = id?.parent;
  const memberType = language === 'python' ? 'attribute' : 'member_expression';
  if (id?.text !== 'compile' || member?.type !== memberType) return undefined;
  const call = member.parent;
  const callType = language === 'python' ? 'call' : 'call_expression';
  return call?.type === callType && call.childForFieldName('function')?.startIndex === member.startIndex ? call : undefined;
}

/**
 * The loss the last `X.compile(…)` under `root` names, when it is a framework loss (a name, `losses.fn`,
 * `losses.Cls(…)`). The calls are found in the text first (parsing/callNames.ts): walking every call node of a
 * 5,000-line file took a third of each edit's analysis.
 */
export function readCompiledBase(root: Node, source: string, language: 'python' | 'ts', memo?: TextMemo): CompiledBase | undefined {
  // Only the last compile call counts: the candidates are read from the tree from the end, and the first that is one is it
  // (a file compiling a model per loss would otherwise look up every one of them on every edit).
  const candidates = callsNamed(source, memo, 'compile');
  let last: Node | undefined;
  for (let i = candidates.length - 1; i >= 0 && !last; i--) last = compileCallAt(root, candidates[i]!, language);
  const value = last ? lossArgument(last, language) : undefined;
  if (value) return lossOf(value);
  // TF.js `model.compile(this.args.compileArgs)`: the options were built elsewhere, as an object with the optimizer and the loss
  const passed = last && language === 'ts' ? named(last.childForFieldName('arguments'))[0] : undefined;
  const built = passed && passed.type !== 'object' ? compileOptionsLoss(root, source) : undefined;
  return built ? lossOf(built) : undefined;
}

/** The `loss` of the last object literal in the file that holds an `optimizer` and a `loss` (compile's options). */
function compileOptionsLoss(root: Node, source: string): Node | undefined {
  let found: Node | undefined;
  for (const m of source.matchAll(/\bloss\s*:/g)) {
    const pair = root.descendantForIndex(m.index ?? 0)?.parent;
    const keys = pair?.type === 'pair' && pair.parent?.type === 'object' ? named(pair.parent).map((p) => p.childForFieldName('key')?.text.replace(/['"`]/g, '')) : [];
    if (keys.includes('optimizer')) found = pair?.childForFieldName('value') ?? found;
  }
  return found;
}
