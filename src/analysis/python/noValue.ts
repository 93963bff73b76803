// Definitions that read as a loss but hand nothing back (rule LL114): a function whose parameters are a loss's
// (target, prediction) pair and that never returns a value, and a factory that defines such a loss but never
// returns it. Keras and PyTorch would get None and fail far from the cause; the user is told here instead.
import type { Node } from 'web-tree-sitter';
import type { NoValueLoss } from '../ir';
import { rangeOf } from '../parsing/range';
import { looksLikeLossPair } from '../terms/roles';
import { bodyStatements } from './discover';
import { readParams } from './params';
import { isTrivia } from './trivia';

const positional = (fn: Node): string[] => readParams(fn.childForFieldName('parameters')).filter((p) => !p.variadic).map((p) => p.name);

/** `return <value>` anywhere in the function's own body (nested functions and classes excluded). */
function returnsValue(block: Node | null): boolean {
  for (const c of block?.namedChildren ?? []) {
    if (!c || c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'decorated_definition') continue;
    if (c.type === 'return_statement' && c.namedChildren.some((v) => v && !isTrivia(v))) return true;
    if (returnsValue(c)) return true;
  }
  return false;
}

/** A body that only says it is not there: a docstring, `pass`, `...`, `raise`. */
function isStub(fn: Node): boolean {
  const text = fn.childForFieldName('body')?.text ?? '';
  return /\braise\b/.test(text) || bodyStatements(fn).every((s) => s.type === 'pass_statement' || (s.type === 'expression_statement' && /^(["']|\.\.\.)/.test(s.text)));
}

/** A quick look at the text first: most functions return something, and those are not parsed further. */
const returnWithValue = /\breturn[ \t]+[^\s#;]/;

/** The LL114 finding for one top-level function definition, if it has one. */
export function noValueOf(fn: Node, text: string): NoValueLoss | undefined {
  const nameNode = fn.childForFieldName('name');
  if (!nameNode || isStub(fn)) return undefined;
  const base = { name: nameNode.text, range: rangeOf(fn), nameRange: rangeOf(nameNode) };
  const inner = bodyStatements(fn).find((s) => s.type === 'function_definition' && looksLikeLossPair(positional(s)));
  if (inner) {
    const innerName = inner.childForFieldName('name')?.text ?? '';
    const returned = bodyStatements(fn).some((s) => s.type === 'return_statement' && s.namedChild(0)?.text === innerName);
    return returned ? undefined : { ...base, what: 'factory-no-return', inner: innerName };
  }
  if (returnWithValue.test(text) && returnsValue(fn.childForFieldName('body'))) return undefined;
  return looksLikeLossPair(positional(fn)) ? { ...base, what: 'no-return' } : undefined;
}

/** The methods a module or loss class computes its loss in, first found first. */
const forwardNames = ['forward', 'call', '__call__'];
const LOSS_CLASS = /loss|criterion|penalty|objective|cost/i;

/**
 * The LL114 finding for a loss class (`class SpatialRelationLoss(nn.Module)`) whose forward takes a target and a
 * prediction (or, in a class named as a loss, two tensors) and ends without returning a value: the caller's
 * `loss = relation(out, y)` is None.
 */
export function moduleNoValueOf(cls: Node): NoValueLoss | undefined {
  const nameNode = cls.childForFieldName('name');
  const methods = bodyStatements(cls).filter((s) => s.type === 'function_definition');
  const fn = forwardNames.map((n) => methods.find((m) => m.childForFieldName('name')?.text === n)).find((m) => m !== undefined);
  if (!nameNode || !fn || isStub(fn) || returnsValue(fn.childForFieldName('body'))) return undefined;
  const params = positional(fn).slice(1);
  const takesLoss = looksLikeLossPair(params) || (LOSS_CLASS.test(nameNode.text) && params.length >= 2);
  const methodName = fn.childForFieldName('name');
  return takesLoss && methodName ? { name: `${nameNode.text}.${methodName.text}`, range: rangeOf(fn), nameRange: rangeOf(methodName), what: 'no-return' } : undefined;
}
