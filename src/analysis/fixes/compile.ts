// LL102's fixes (and LL101's when the loss is passed bare to compile): bind the hyper-parameters so they can change.
//   Python factory:  def make_f(lam=1.0): def f(y_true, y_pred): …; return f      + compile(loss=make_f(lam=1.0))
//   Python partial:  compile(loss=functools.partial(f, lam=1.0))                   + import functools
//   TS/JS closure:   compile({loss: (yTrue, yPred) => f(yTrue, yPred, 1.0)})
import type { LossModel, LossUsage, Term } from '../ir';
import type { RuleContext } from '../rules/types';
import type { SourceText } from './text';
import type { Fix, TextEdit } from './types';
import { wrapTerm } from './wrap';

/** Splits a parameter list's text at top-level commas. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

const paramName = (piece: string): string => /^[*]*\s*([A-Za-z_$][\w$]*)/.exec(piece)?.[1] ?? piece;
const paramValue = (piece: string): string | undefined => /=\s*(.+)$/s.exec(piece)?.[1]?.trim();

/** The offsets of the function's parameter list brackets, found from its name. */
function paramList(text: SourceText, model: LossModel): { open: number; close: number } | undefined {
  const from = text.end(model.nameRange);
  const close = text.matchingClose(from);
  const open = text.text.indexOf('(', from);
  return close === undefined || open < 0 ? undefined : { open, close };
}

/**
 * The edit that replaces the bare function name in the compile call: the name as a value, not the keyword
 * (`loss=loss`) or property key (`loss: loss`); a TS/JS shorthand property `{ loss }` keeps its key.
 */
function usageEdit(text: SourceText, model: LossModel, usage: LossUsage, replacement: string): TextEdit | undefined {
  const written = text.slice(usage.range);
  const name = model.name.replace(/\$/g, '\\$');
  const m = new RegExp(`(?<![\\w.$])${name}(?![\\w$]|\\s*\\(|\\s*=(?!=)|\\s*:)`).exec(written);
  if (!m) return undefined;
  const at = text.start(usage.range) + m.index;
  const before = written.slice(0, m.index).trimEnd().slice(-1);
  const after = written.slice(m.index + model.name.length).trimStart().slice(0, 1);
  const shorthand = model.language !== 'python' && (before === '{' || before === ',') && (after === '}' || after === ',');
  return { range: text.range(at, at + model.name.length), newText: shorthand ? `${model.name}: ${replacement}` : replacement };
}

interface FactoryOptions {
  /** Also weight this term by a new λ (LL101). */
  wrap?: Term;
  lam?: string;
}

/** Python: the edits that turn `def f(y_true, y_pred, lam=1.0)` into a factory `make_f(lam=1.0)` and use it in compile. */
export function factoryEdits(ctx: RuleContext, usage: LossUsage, opts: FactoryOptions = {}): TextEdit[] | undefined {
  const { model, text } = ctx;
  if (model.language !== 'python') return undefined;
  const list = paramList(text, model);
  if (!list) return undefined;
  const regionStart = text.offsetAt(model.range.startLine, 0);
  const regionEnd = text.offsetAt(model.range.endLine, text.lines[model.range.endLine]?.length ?? 0);
  if (text.start(usage.range) < regionEnd && text.end(usage.range) > regionStart) return undefined;

  const pieces = splitTopLevel(text.text.slice(list.open + 1, list.close));
  const keep = pieces.filter((p) => [model.yTrue, model.yPred, 'self'].includes(paramName(p)));
  const moved = pieces.filter((p) => !keep.includes(p));
  if (opts.lam) moved.push(`${opts.lam}=1.0`);
  if (moved.length === 0) return undefined;

  // Inner edits, relative to the region, applied back to front.
  const inner: { from: number; to: number; newText: string }[] = [
    { from: list.open + 1, to: list.close, newText: keep.join(', ') },
  ];
  if (opts.wrap && opts.lam) {
    const w = wrapTerm(text, opts.wrap, opts.lam, model);
    inner.push({ from: text.start(w.range), to: text.end(w.range), newText: w.newText });
  }
  let body = text.text.slice(regionStart, regionEnd);
  for (const e of inner.sort((a, b) => b.from - a.from)) {
    body = body.slice(0, e.from - regionStart) + e.newText + body.slice(e.to - regionStart);
  }
  const indent = text.indentOf(model.range.startLine);
  const unit = text.indentUnit();
  const factory = `make_${model.name}`;
  const indented = body
    .split('\n')
    .map((l) => (l.trim() ? unit + l : l))
    .join('\n');
  const newDef = `${indent}def ${factory}(${moved.join(', ')}):\n${indented}\n${indent}${unit}return ${model.name}`;
  // Keyword arguments for the call: markers (`*`, `/`) and `*args`/`**kwargs` take no value.
  const args = moved
    .filter((p) => !/^[*/]/.test(p))
    .map((p) => `${paramName(p)}=${paramValue(p) ?? '1.0'}`)
    .join(', ');
  const use = usageEdit(text, model, usage, `${factory}(${args})`);
  if (!use) return undefined;
  return [{ range: text.range(regionStart, regionEnd), newText: newDef }, use];
}

export function compileFactory(ctx: RuleContext, usage: LossUsage): Fix | undefined {
  const { model } = ctx;
  if (model.language === 'python') {
    const edits = factoryEdits(ctx, usage);
    return edits && { title: `Turn ${model.name} into a factory make_${model.name}(…) so λ can be set`, edits, isPreferred: true };
  }
  const edit = closureEdit(ctx, usage);
  return edit && { title: `Pass the hyper-parameters of ${model.name} explicitly through a closure`, edits: [edit], isPreferred: true };
}

/**
 * TS/JS: the compile argument as a closure that passes every hyper-parameter explicitly,
 * `(yTrue, yPred) => f(yTrue, yPred, 0.5)`; `extra` are values for parameters a fix is adding at the end.
 */
export function closureEdit(ctx: RuleContext, usage: LossUsage, extra: readonly string[] = []): TextEdit | undefined {
  const { model, text } = ctx;
  const list = paramList(text, model);
  if (!list) return undefined;
  const pieces = splitTopLevel(text.text.slice(list.open + 1, list.close));
  const names = pieces.map(paramName);
  const iTrue = names.indexOf(model.yTrue);
  const iPred = names.indexOf(model.yPred);
  if (iTrue < 0 || iPred < 0) return undefined;
  const args = [...pieces.map((p, i) => (i === iTrue ? 'yTrue' : i === iPred ? 'yPred' : (paramValue(p) ?? '1.0'))), ...extra];
  return usageEdit(text, model, usage, `(yTrue, yPred) => ${model.name}(${args.join(', ')})`);
}

export function compilePartial(ctx: RuleContext, usage: LossUsage): Fix | undefined {
  const { model, text } = ctx;
  if (model.language !== 'python') return undefined;
  const list = paramList(text, model);
  if (!list) return undefined;
  const pieces = splitTopLevel(text.text.slice(list.open + 1, list.close)).filter(
    (p) => ![model.yTrue, model.yPred, 'self'].includes(paramName(p)) && !p.startsWith('*'),
  );
  if (pieces.length === 0) return undefined;
  const bound = pieces.map((p) => `${paramName(p)}=${paramValue(p) ?? '1.0'}`).join(', ');
  const use = usageEdit(text, model, usage, `functools.partial(${model.name}, ${bound})`);
  if (!use) return undefined;
  const edits: TextEdit[] = [use];
  if (!text.once('importsFunctools', () => /^\s*import\s+functools\b/m.test(text.text))) {
    // After the last top-level import above the function (line 0 when there is none).
    const imports = text.once('importLines', () => text.lines.flatMap((l, i) => (/^(import|from)\s/.test(l) ? [i] : [])));
    const line = imports.filter((i) => i < model.range.startLine).reduce((_, i) => i + 1, 0);
    edits.unshift({ range: text.range(text.offsetAt(line, 0), text.offsetAt(line, 0)), newText: 'import functools\n' });
  }
  return { title: `Bind the hyper-parameters of ${model.name} with functools.partial`, edits };
}
