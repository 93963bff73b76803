// Settings a script derives from its data (issue 10 §2): a constructor argument written `x_train.shape[1]`, a name
// set to `float(np.var(slices + 0.5))` and passed where the loss is built, a factory's `input_shape` that the code
// gives to `Input(shape=input_shape)`. The analysis cannot know their values (the data is not in the file), but it
// can say what they ARE, so the trainer derives the same thing from its own data and says so in the header
// (src/trainer/dataSettings.ts), instead of refusing a name it has no value for. Read from the syntax tree only.
import type { Node } from 'web-tree-sitter';
import { valueLookup } from '../bound';
import type { DataSetting, LossModel, LossParam, SourceRange } from '../ir';
import { literalOf } from './params';
import { argsOf } from './usages';

/** Statistics over all of an array's values, by the name a call or a method gives them. */
const STATS: Readonly<Record<string, NonNullable<DataSetting['stat']>>> = { var: 'var', std: 'std', mean: 'mean', max: 'max', amax: 'max', min: 'min', amin: 'min' };
/** Library prefixes of the statistic functions (`np.var(x)`, `torch.std(x)`): NumPy's var/std have ddof 0, torch's 1. */
const STAT_LIBRARIES: Readonly<Record<string, 0 | 1>> = { np: 0, numpy: 0, torch: 1, tf: 0, 'tf.math': 0 };
/** Wrappers that keep the value (`float(np.var(x))`, `int(x.shape[1])`). */
const KEEPS_VALUE: ReadonlySet<string> = new Set(['float', 'int', 'np.float32', 'np.float64']);
/** Names followed through `a = b` assignments before giving up. */
const MAX_FOLLOW = 4;

const line = (n: Node): number => n.startPosition.row + 1;

/** The identifier of `node` after `float(…)`/`int(…)` wrappers and parentheses. */
function unwrapped(node: Node): Node {
  let cur = node;
  for (;;) {
    if (cur.type === 'parenthesized_expression' && cur.namedChild(0)) cur = cur.namedChild(0)!;
    else if (cur.type === 'call' && KEEPS_VALUE.has(cur.childForFieldName('function')?.text ?? '') && argsOf(cur).positional.length === 1) cur = argsOf(cur).positional[0]!;
    else return cur;
  }
}

/** The last `name = …` before `at` in the scope (function or module) that holds `at`. */
function assignedBefore(name: string, at: Node): Node | undefined {
  let scope: Node | null = at.parent;
  while (scope && scope.type !== 'function_definition' && scope.type !== 'module') scope = scope.parent;
  let last: Node | undefined;
  for (const a of scope?.descendantsOfType('assignment') ?? []) {
    const left = a?.childForFieldName('left');
    if (a && left?.type === 'identifier' && left.text === name && a.startIndex < at.startIndex) last = a.childForFieldName('right') ?? undefined;
  }
  return last;
}

/** `slices`, or `slices + 0.5` / `slices - 1`: the data's name and the number added. */
function dataTerm(node: Node): { of: string; shift: number } | undefined {
  const n = unwrapped(node);
  if (n.type === 'identifier') return { of: n.text, shift: 0 };
  if (n.type !== 'binary_operator') return undefined;
  const op = n.childForFieldName('operator')?.text;
  const left = n.childForFieldName('left');
  const value = literalOf(n.childForFieldName('right')!);
  if (left?.type !== 'identifier' || typeof value !== 'number' || (op !== '+' && op !== '-')) return undefined;
  return { of: left.text, shift: op === '+' ? value : -value };
}

/** `x.shape[1]`, `x.shape[-1]`: the data and the axis. */
function dimension(n: Node): Pick<DataSetting, 'of' | 'axis'> | undefined {
  const value = n.type === 'subscript' ? n.childForFieldName('value') : null;
  const object = value?.type === 'attribute' && value.childForFieldName('attribute')?.text === 'shape' ? value.childForFieldName('object') : null;
  const axis = literalOf(n.childForFieldName('subscript') ?? n);
  return object?.type === 'identifier' && typeof axis === 'number' && Number.isInteger(axis) ? { of: object.text, axis } : undefined;
}

/** `np.var(x)`, `torch.std(x)`, `x.mean()`: the statistic, its ddof and the data it reads. */
function statistic(n: Node, framework: LossModel['framework']): Pick<DataSetting, 'stat' | 'ddof' | 'of' | 'shift'> | undefined {
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  const { positional, keyword } = argsOf(n);
  if (keyword.size > 0 || fn?.type !== 'attribute') return undefined;
  const stat = STATS[fn.childForFieldName('attribute')?.text ?? ''];
  const owner = fn.childForFieldName('object');
  if (!stat || !owner) return undefined;
  const library = STAT_LIBRARIES[owner.text];
  // `x.var()`: a tensor's method in a PyTorch file (ddof 1), an array's elsewhere (ddof 0)
  const term = library !== undefined ? (positional.length === 1 ? dataTerm(positional[0]!) : undefined) : positional.length === 0 ? dataTerm(owner) : undefined;
  if (!term) return undefined;
  const ddof = library ?? (framework === 'pytorch' ? 1 : 0);
  return { stat, of: term.of, shift: term.shift, ...(stat === 'var' || stat === 'std' ? { ddof } : {}) };
}

/** What the argument `node` of a call is, when the script derives it from its data; names followed back. */
export function dataOrigin(node: Node, framework: LossModel['framework'], depth = 0): DataSetting | undefined {
  const n = unwrapped(node);
  if (n.type === 'identifier' && depth < MAX_FOLLOW) {
    const right = assignedBefore(n.text, n);
    return right ? dataOrigin(right, framework, depth + 1) : undefined;
  }
  const dim = dimension(n);
  if (dim) return { what: 'dim', ...dim, text: n.text, line: line(n) };
  const stat = statistic(n, framework);
  return stat ? { what: 'stat', ...stat, text: n.text, line: line(n) } : undefined;
}

/** The class `name` of the file, and its `__init__` (its own, else a base class's of the file). */
function initOf(root: Node, name: string, depth = 0): Node | undefined {
  const cls = root.descendantsOfType('class_definition').find((c) => c?.childForFieldName('name')?.text === name);
  const body = cls?.childForFieldName('body');
  const own = body?.namedChildren.map((d) => (d?.type === 'decorated_definition' ? d.childForFieldName('definition') : d)).find((d) => d?.type === 'function_definition' && d.childForFieldName('name')?.text === '__init__');
  if (own) return own;
  const base = cls?.childForFieldName('superclasses')?.namedChildren.find((b) => b?.type === 'identifier');
  return base && depth < MAX_FOLLOW ? initOf(root, base.text, depth + 1) : undefined;
}

/** The call written at `range` (a usage's). */
function callAt(root: Node, range: SourceRange): Node | undefined {
  let n: Node | null = root.descendantForPosition({ row: range.startLine, column: range.startCol }, { row: range.endLine, column: Math.max(0, range.endCol - 1) });
  while (n && !(n.type === 'call' && n.startPosition.row === range.startLine && n.startPosition.column === range.startCol)) n = n.parent;
  return n ?? undefined;
}

/** The argument a constructor call passes for `param` of its class's `__init__` (by keyword, else by position). */
function argumentFor(root: Node, call: Node, param: string): Node | undefined {
  const { positional, keyword } = argsOf(call);
  if (keyword.has(param)) return keyword.get(param);
  const callee = call.childForFieldName('function')?.text.split('.').at(-1) ?? '';
  const init = initOf(root, callee);
  const names = (init?.childForFieldName('parameters')?.namedChildren ?? []).map((p) => (p?.type === 'identifier' ? p.text : (p?.childForFieldName('name')?.text ?? p?.namedChild(0)?.text))).filter((x) => x !== 'self');
  const i = names.indexOf(param);
  return i >= 0 ? positional[i] : undefined;
}

/** `self.data_dim` set from `data_dim`, which the building call passes as `x_train.shape[1]`. */
function fromBuildingCall(root: Node, model: LossModel, p: LossParam): DataSetting | undefined {
  const from = p.initArgument;
  if (!from) return undefined;
  for (const u of model.usages) {
    if (u.cell !== undefined || !u.unreadArgs?.includes(from)) continue;
    const call = callAt(root, u.range);
    const arg = call ? argumentFor(root, call, from) : undefined;
    const origin = arg ? dataOrigin(arg, model.framework) : undefined;
    if (origin) return origin;
  }
  return undefined;
}

/** A name of the definitions around the loss given to `Input(shape=name)`: the shape of one input sample. */
function fromInputShape(root: Node, model: LossModel, p: LossParam): DataSetting | undefined {
  if (p.origin !== 'factory' && p.origin !== 'constructor') return undefined;
  const at = root.descendantForPosition({ row: model.range.startLine, column: model.range.startCol });
  for (let scope: Node | null = at; scope; scope = scope.parent) {
    if (scope.type !== 'function_definition') continue;
    for (const call of scope.descendantsOfType('call')) {
      if (!call || !/(^|\.)Input$/.test(call.childForFieldName('function')?.text ?? '')) continue;
      const { positional, keyword } = argsOf(call);
      const shape = keyword.get('shape') ?? positional[0];
      if (shape?.type === 'identifier' && shape.text === p.name) return { what: 'input-shape', text: call.text, line: line(call) };
    }
  }
  return undefined;
}

/** Marks each setting of each loss that has no value and that the script derives from its data (LossParam.fromData). */
export function bindDataSettings(root: Node, models: LossModel[]): void {
  for (const m of models) {
    const known = valueLookup(m);
    let changed = false;
    const params = m.params.map((p) => {
      if (p.fromData || p.role === 'yTrue' || p.role === 'yPred' || p.role === 'tensor' || known(p.name) !== undefined) return p;
      const fromData = fromBuildingCall(root, m, p) ?? fromInputShape(root, m, p);
      if (!fromData) return p;
      changed = true;
      return { ...p, fromData };
    });
    if (changed) m.params = params;
  }
}
