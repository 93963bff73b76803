// A penalty over the model's parameters filtered by their names (`sum(p.abs().sum() for n, p in
// model.named_parameters() if 'adapter' in n)`, `if n.startswith('encoder')`) runs on the trial model's parameters,
// which are named as nn.Sequential names them (`0.weight`, `0.bias`, `1.weight`, …: evaluate.ts evalOverWeights).
// A filter that keeps none of those names would sum nothing and train a zero penalty: the trial then names a group of
// its parameters after the filter's own words, one layer's weight per such filter (the first layer's for the first
// filter, the second's for the next), so that the filter keeps it (`lora_A.weight` for `"lora_A" in name`,
// `encoder.weight` for `name.startswith("encoder")`, `0.kernel` for `name.endswith("kernel")`), said in the header.
// A filter no name made of its words meets is refused, naming the filter and what the trial's parameters are called.
// A filter Loss Lab cannot read statically is left to run (`'weight' in n` keeps the weights, as in the user's model).
import type { Expr, LossModel, SourceRange } from '../../analysis/ir';
import { childrenOf } from '../../analysis/terms/expr';
import { weightsLoopMethod } from './evaluate';

/** The names the trial model's parameters go by, for a few layers (each layer's weight, then its bias). */
const TRIAL_NAMES = ['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias', '3.weight', '3.bias'];

type S = string | number | boolean | string[];

const stringMethods: Readonly<Record<string, (self: S, args: S[]) => S | undefined>> = {
  __contains__: (self, [item]) => (typeof item !== 'string' ? undefined : Array.isArray(self) ? self.includes(item) : typeof self === 'string' ? self.includes(item) : undefined),
  startswith: (self, [p]) => (typeof self !== 'string' ? undefined : typeof p === 'string' ? self.startsWith(p) : Array.isArray(p) ? p.some((x) => self.startsWith(x)) : undefined),
  endswith: (self, [p]) => (typeof self !== 'string' ? undefined : typeof p === 'string' ? self.endsWith(p) : Array.isArray(p) ? p.some((x) => self.endsWith(x)) : undefined),
  lower: (self) => (typeof self === 'string' ? self.toLowerCase() : undefined),
};

/** The value of a name filter for one parameter name, or undefined when Loss Lab cannot read it statically. */
function nameTest(e: Expr, variable: string, name: string): S | undefined {
  switch (e.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return e.value;
    case 'name':
      return e.name === variable ? name : undefined;
    case 'tuple': {
      const items = e.items.map((it) => nameTest(it, variable, name));
      return items.every((v) => typeof v === 'string') ? (items as string[]) : undefined;
    }
    case 'unary': {
      const v = e.op === 'not' ? nameTest(e.operand, variable, name) : undefined;
      return v === undefined ? undefined : !v;
    }
    case 'binary': {
      const l = nameTest(e.left, variable, name);
      const r = nameTest(e.right, variable, name);
      // `'fc2' in n and p.requires_grad`: one side known false decides an `and` (one true side an `or`)
      if (e.op === 'and') return l === false || r === false ? false : l === undefined || r === undefined ? undefined : Boolean(l) && Boolean(r);
      if (e.op === 'or') return l === true || r === true ? true : l === undefined || r === undefined ? undefined : Boolean(l) || Boolean(r);
      if (l === undefined || r === undefined) return undefined;
      if (e.op === '==' || e.op === '!=') return (l === r) === (e.op === '==');
      return undefined;
    }
    case 'method': {
      const self = nameTest(e.object, variable, name);
      const args = e.args.map((a) => nameTest(a, variable, name));
      const method = Object.hasOwn(stringMethods, e.method) ? stringMethods[e.method] : undefined;
      return method !== undefined && self !== undefined && args.every((a) => a !== undefined) ? method(self, args as S[]) : undefined;
    }
    default:
      return undefined;
  }
}

const readsVariable = (e: Expr, variable: string): boolean => (e.kind === 'name' && e.name === variable) || childrenOf(e).some((c) => readsVariable(c, variable));

/** The name filters of a sum or loop over named parameters: the tests in its body that read the name variable. */
function nameFilters(e: Expr): { variable: string; tests: Expr[] } | undefined {
  const variable = e.kind === 'overWeights' ? e.nameVariable : e.kind === 'loop' && weightsLoopMethod(e.iterable) === 'named_parameters' ? e.variables[0] : undefined;
  if (!variable || (e.kind !== 'overWeights' && e.kind !== 'loop')) return undefined;
  const tests: Expr[] = e.kind === 'loop' && e.filter && readsVariable(e.filter, variable) ? [e.filter] : [];
  const visit = (x: Expr): void => {
    if (x.kind === 'conditional' && readsVariable(x.test, variable)) tests.push(x.test);
    for (const c of childrenOf(x)) visit(c);
  };
  visit(e.body);
  return { variable, tests };
}

export interface EmptyNameFilter {
  range: SourceRange;
  message: string;
}

/** A parameter of the trial named after a filter's words so that the filter keeps it (see the header). */
export interface NamedGroup {
  /** Index in the run's parameters (each layer's weight, then its bias). */
  index: number;
  name: string;
  /** The filter as written, and its line (1-based), for the header. */
  filter: string;
  line: number;
}

const stringsOf = (e: Expr): string[] => (e.kind === 'string' ? [e.value] : childrenOf(e).flatMap(stringsOf));

/** A name made of the filter's words that it keeps (or may keep, when another part is read at run time). */
function keptName(test: Expr, variable: string): string | undefined {
  for (const word of stringsOf(test)) {
    for (const name of [`${word.replace(/\.$/, '')}.weight`, `0.${word}`, word]) if (nameTest(test, variable, name) !== false) return name;
  }
  return undefined;
}

/** Each name filter over the model's parameters that keeps none of the trial's names, with the group it could name. */
function unmetFilters(model: LossModel, roots: readonly Expr[]): { test: Expr; kept?: string }[] {
  const out: { test: Expr; kept?: string }[] = [];
  const visit = (e: Expr): void => {
    const filters = nameFilters(e);
    for (const test of filters?.tests ?? []) {
      const values = TRIAL_NAMES.map((n) => nameTest(test, filters!.variable, n));
      if (values.some((v) => v === undefined || v)) continue;
      const kept = keptName(test, filters!.variable);
      out.push({ test, ...(kept ? { kept } : {}) });
    }
    for (const c of childrenOf(e)) visit(c);
  };
  if (model.framework === 'pytorch') for (const r of roots) visit(r);
  return out;
}

/** The trial's parameters named after the filters that would keep none of them: one layer's weight per filter. */
export function namedGroups(model: LossModel, roots: readonly Expr[]): NamedGroup[] {
  const named = unmetFilters(model, roots).filter((f) => f.kept !== undefined);
  return named.map((f, layer) => ({ index: 2 * layer, name: f.kept!, filter: f.test.text, line: f.test.range.startLine + 1 }));
}

/** The names the trial's parameters go by for this loss, by index (nn.Sequential's, where no group is named). */
export function trialParameterNames(groups: readonly NamedGroup[]): (i: number) => string {
  const byIndex = new Map(groups.map((g) => [g.index, g.name]));
  return (i) => byIndex.get(i) ?? `${Math.floor(i / 2)}.${i % 2 === 0 ? 'weight' : 'bias'}`;
}

/** Each name filter over the model's parameters that keeps none of the trial model's parameters, whatever they are named. */
export function emptyNameFilters(model: LossModel, roots: readonly Expr[]): EmptyNameFilter[] {
  return unmetFilters(model, roots)
    .filter((f) => f.kept === undefined)
    .map(({ test }) => ({
      range: test.range,
      message: `the filter \`${test.text}\` on the model's parameter names keeps none of the trial model's parameters (named as nn.Sequential names them: ${TRIAL_NAMES.slice(0, 4).join(', ')}, …, or after the filter's own words), so its penalty would be zero in the trial; to try the penalty here, filter on 'weight' or 'bias' (names every PyTorch model has)`,
    }));
}
