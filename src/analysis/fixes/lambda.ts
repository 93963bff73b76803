// Fixes about λ: add one to an unweighted penalty, set a non-positive one to 1.0.
import type { LossModel, SourceRange, Term } from '../ir';
import type { RuleContext } from '../rules/types';
import { closureEdit, factoryEdits } from './compile';
import type { SourceText } from './text';
import type { Fix, TextEdit } from './types';
import { wrapTerm } from './wrap';

/** A name for a new λ parameter that the function does not use yet. */
export function freshLambdaName(model: LossModel): string {
  const taken = new Set(model.params.map((p) => p.name));
  for (const n of ['lam', 'lambda_param', 'penalty_weight']) if (!taken.has(n)) return n;
  return `lam${model.params.length}`;
}

/**
 * The edit that appends `lam=1.0` to the loss's parameter list: the one holding the prediction, or for a factory
 * the factory's own list (the inner function is called by the framework with two arguments only).
 */
export function addParamEdit(text: SourceText, model: LossModel, lam: string, value = '1.0'): TextEdit | undefined {
  const pred = model.params.find((p) => p.role === 'yPred') ?? model.params.find((p) => p.role === 'yTrue');
  if (!pred) return undefined;
  let close = text.enclosingClose(text.end(pred.defaultRange ?? pred.range));
  if (model.kind === 'factory') {
    const outer = model.params.filter((p) => !p.name.startsWith('self.') && text.start(p.range) < text.start(pred.range)).pop();
    const outerClose = outer
      ? text.enclosingClose(text.end(outer.defaultRange ?? outer.range))
      : text.matchingClose(text.start(model.range));
    if (outerClose !== undefined && outerClose < text.start(pred.range)) close = outerClose;
  }
  if (close === undefined) return undefined;
  const before = text.previousNonBlank(close);
  const open = text.text[before] === '(';
  const comma = text.text[before] === ',';
  const param = model.language === 'python' ? `${lam}=${value}` : `${lam} = ${value}`;
  return { range: text.range(before + 1, before + 1), newText: `${open ? '' : comma ? ' ' : ', '}${param}` };
}

/**
 * LL101's fix. With a λ already in the signature: wrap the term with it. Otherwise add a parameter `lam=1.0`;
 * when the loss is passed bare to model.compile a parameter would be stuck at its default, so the fix makes a
 * factory instead (the same rewrite as LL102's).
 */
export function addLambda(ctx: RuleContext, term: Term): Fix | undefined {
  const { model, text } = ctx;
  if (model.lambdaParam) {
    return { title: `Weight ${term.label} by ${model.lambdaParam}`, edits: [wrapTerm(text, term, model.lambdaParam, model)], isPreferred: true };
  }
  const lam = freshLambdaName(model);
  const bare = model.usages.find((u) => u.kind === 'compile' && u.passesBareFunction);
  if (bare && model.language === 'python' && model.kind === 'function') {
    const edits = factoryEdits(ctx, bare, { wrap: term, lam });
    if (edits) return { title: `Weight ${term.label} by a new λ '${lam}' bound through a factory`, edits, isPreferred: true };
  }
  const param = addParamEdit(text, model, lam);
  if (!param) return undefined;
  const edits = [wrapTerm(text, term, lam, model), param];
  // TS/JS passed bare to compile: the new parameter is passed explicitly there, or it would be stuck at 1.0.
  const closure = bare && model.language !== 'python' ? closureEdit(ctx, bare, ['1.0']) : undefined;
  if (closure) edits.push(closure);
  return { title: `Weight ${term.label} by a new parameter ${lam}=1.0`, edits, isPreferred: true };
}

/** Replace a number (a default or a literal weight) with 1.0. */
export function setNumber(range: SourceRange, title: string): Fix {
  return { title, edits: [{ range, newText: '1.0' }], isPreferred: true };
}
