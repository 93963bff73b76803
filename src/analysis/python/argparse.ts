// Hyper-parameters kept as command-line flags: `parser.add_argument('--r_so', type=float, default=0.05)` with
// `args = parser.parse_args()` makes `args.r_so` a setting whose value, when the script runs without the flag, is
// its default. A loss weighting a penalty by `args.r_so` (or `opt.r_so`, `FLAGS.r_so`, a `train(args)` parameter)
// has λ = 0.05, written at the default (λ write-back edits it there). Each flag's default becomes the module
// constant `<namespace>.<dest>`, read as a class's constant is (moduleScope.ts).
import type { Node } from 'web-tree-sitter';
import { rangeOf } from '../parsing/range';
import type { ModuleConstant, ModuleScope } from './moduleScope';
import { arithmeticOf, literalOf } from './params';
import { isTrivia } from './trivia';

/** Names a parsed-arguments namespace goes by when it is passed around (`def train(args)`, `main(opt)`). */
const namespaceNames = ['args', 'opt', 'opts', 'options', 'flags', 'FLAGS', 'hparams', 'hp', 'cfg', 'config'];

/** `args = parser.parse_args()`, `opt, _ = parser.parse_known_args()`: the name bound (one line). */
const parsedInto = /^[ \t]*([\p{L}_][\p{L}\p{N}_]*)[ \t]*(?:,[ \t]*[\p{L}_][\p{L}\p{N}_]*[ \t]*)?=[ \t]*[\p{L}_][\p{L}\p{N}_.]*\.parse_(?:known_)?args\(/gmu;

/** Quick test: could the file declare command-line flags? */
export const mayDeclareFlags = (source: string): boolean => source.includes('.add_argument(');

/** The flag's attribute name as argparse derives it: `dest=`, else the first long option, else the first short one. */
function destOf(call: Node): string | undefined {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((n): n is Node => !!n && !isTrivia(n)) ?? [];
  const dest = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'dest')?.childForFieldName('value');
  const explicit = dest ? literalOf(dest) : undefined;
  if (typeof explicit === 'string') return explicit;
  const options = args.filter((a) => a.type === 'string').map((a) => literalOf(a)).filter((s): s is string => typeof s === 'string');
  const long = options.find((o) => o.startsWith('--')) ?? options.find((o) => o.startsWith('-')) ?? options[0];
  return long?.replace(/^-+/, '').replace(/-/g, '_') || undefined;
}

/** The flag's default as a constant: a literal or arithmetic where it is written, or the module constant it names. */
function defaultOf(call: Node, constants: ReadonlyMap<string, ModuleConstant>): ModuleConstant | undefined {
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  const kw = args.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'default');
  const value = kw?.childForFieldName('value');
  if (!kw || !value) return switchDefault(args);
  if (value.type === 'identifier') return constants.get(value.text);
  const lit = literalOf(value) ?? arithmeticOf(value);
  if (lit === undefined) return undefined;
  return { value: lit, nameRange: rangeOf(kw), valueRange: rangeOf(value) };
}

/** `action='store_true'` with no default is False until the flag is given (`store_false`: True), as argparse has it. */
function switchDefault(args: readonly (Node | null)[]): ModuleConstant | undefined {
  const action = args.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'action');
  const kind = action ? literalOf(action.childForFieldName('value') as Node) : undefined;
  if (!action || (kind !== 'store_true' && kind !== 'store_false')) return undefined;
  return { value: kind === 'store_false', nameRange: rangeOf(action), valueRange: rangeOf(action) };
}

/** Every `….add_argument(…)` call of the file with a literal default: its dest and its default. */
function flagsOf(root: Node, constants: ReadonlyMap<string, ModuleConstant>): Map<string, ModuleConstant> {
  const flags = new Map<string, ModuleConstant>();
  for (const call of root.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    if (!call || fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'add_argument') continue;
    const dest = destOf(call);
    const value = dest ? defaultOf(call, constants) : undefined;
    if (dest && value) flags.set(dest, value);
  }
  return flags;
}

/**
 * Reads the file's command-line flags into `scope.constants` as `<namespace>.<dest>` for each name a parsed
 * namespace is bound to in the file (`args = parser.parse_args()`) and the names it goes by when passed around.
 */
export function readArgparseFlags(root: Node, source: string, scope: ModuleScope): void {
  if (!mayDeclareFlags(source)) return;
  const flags = flagsOf(root, scope.constants);
  if (flags.size === 0) return;
  const namespaces = new Set(namespaceNames);
  for (const m of source.matchAll(parsedInto)) if (m[1]) namespaces.add(m[1]);
  for (const ns of namespaces) {
    for (const [dest, c] of flags) if (!scope.constants.has(`${ns}.${dest}`)) scope.constants.set(`${ns}.${dest}`, { ...c, flag: true });
  }
}

/** `X = argparse.ArgumentParser(…)` / `X = parser.parse_args()`: script setup, not part of a loss. */
export const parsesFlags = (right: Node): boolean => /(?:^|\.)(?:ArgumentParser|parse_(?:known_)?args)\($/.test(right.text.slice(0, right.text.indexOf('(') + 1));
