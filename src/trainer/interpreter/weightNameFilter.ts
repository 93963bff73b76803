// A penalty over the model's parameters filtered by their names (`sum(p.abs().sum() for n, p in
// model.named_parameters() if 'adapter' in n)`, `if n.startswith('encoder')`) runs on the trial model's parameters,
// which are named as nn.Sequential names them (`0.weight`, `0.bias`, `1.weight`, …: evaluate.ts evalOverWeights).
// A filter that keeps none of those names would sum nothing and train a zero penalty without a word: it is refused,
// naming the filter and what the trial's parameters are called. A filter Loss Lab cannot read statically is left
// to run (`'weight' in n` keeps the weights, as in the user's model).
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

/** Each name filter over the model's parameters that keeps none of the trial model's parameters (see the header). */
export function emptyNameFilters(model: LossModel, roots: readonly Expr[]): EmptyNameFilter[] {
  const out: EmptyNameFilter[] = [];
  const visit = (e: Expr): void => {
    const filters = nameFilters(e);
    for (const test of filters?.tests ?? []) {
      const values = TRIAL_NAMES.map((n) => nameTest(test, filters!.variable, n));
      if (values.some((v) => v === undefined || v)) continue;
      out.push({
        range: test.range,
        message: `the filter \`${test.text}\` on the model's parameter names keeps none of the trial model's parameters (named as nn.Sequential names them: ${TRIAL_NAMES.slice(0, 4).join(', ')}, …), so its penalty would be zero in the trial; to try the penalty here, filter on 'weight' or 'bias' (names every PyTorch model has)`,
      });
    }
    for (const c of childrenOf(e)) visit(c);
  };
  if (model.framework === 'pytorch') for (const r of roots) visit(r);
  return out;
}
