// Small hand-built LossModel IRs shaped like the seed article's three examples, for the panel's unit tests
// (they test the spec builder and the panel model, not the front ends).
import type { Expr, LossModel, LossParam, Term } from '../../../src/analysis/ir';

const r = { startLine: 0, startCol: 0, endLine: 0, endCol: 1 };
const name = (n: string, ref: 'yTrue' | 'yPred' | 'param' = 'param'): Expr => ({ kind: 'name', name: n, ref, range: r, text: n });
const call = (callee: string, ...args: Expr[]): Expr => ({ kind: 'call', callee, args, kwargs: {}, range: r, text: `${callee}(...)` });
const num = (value: number): Expr => ({ kind: 'number', value, range: r, text: String(value) });

function param(n: string, role: LossParam['role'], def?: number): LossParam {
  return { name: n, role, default: def, range: r };
}

function model(nameStr: string, base: string, penalties: Partial<Term>[], params: LossParam[], lambdaParam?: string): LossModel {
  const terms: Term[] = [
    { id: 't0', role: 'base', sign: 1, expr: call(base, name('y_true', 'yTrue'), name('y_pred', 'yPred')), label: base.split('.').pop()!, range: r },
    ...penalties.map((p, i) => ({ id: `t${i + 1}`, role: 'penalty' as const, sign: 1 as const, expr: call('tf.reduce_mean', name('y_pred', 'yPred')), label: `p${i + 1}`, range: r, ...p })),
  ];
  return {
    id: `${nameStr}:1`, name: nameStr, kind: 'function', framework: 'keras', language: 'python', params,
    yTrue: 'y_true', yPred: 'y_pred', body: terms[0].expr, terms, lambdaParam, range: r, nameRange: r, returnRange: r, usages: [],
  };
}

export const sumToOne = model(
  'constrained_loss', 'tf.keras.losses.categorical_crossentropy',
  [{ label: 'sum_penalty', weight: name('lambda_param'), weightParam: 'lambda_param', constraint: { kind: 'sum-to-one', params: { target: 1 } } }],
  [param('y_true', 'yTrue'), param('y_pred', 'yPred'), param('lambda_param', 'hyper', 1.0)], 'lambda_param',
);

export const bounded = model(
  'bounded_loss', 'tf.keras.losses.mean_squared_error',
  [{ label: 'lower_penalty + upper_penalty', weight: name('lambda_param'), weightParam: 'lambda_param', constraint: { kind: 'bounds', params: { lower: 0, upper: 1 } } }],
  [param('y_true', 'yTrue'), param('y_pred', 'yPred'), param('lower_bound', 'hyper', 0), param('upper_bound', 'hyper', 1), param('lambda_param', 'hyper', 10.0)], 'lambda_param',
);

export const sparse = model(
  'sparse_loss', 'tf.keras.losses.mean_squared_error',
  [{ label: 'l1_penalty', weight: name('lambda_param'), weightParam: 'lambda_param', constraint: { kind: 'output-sparsity', params: {} } }],
  [param('y_true', 'yTrue'), param('y_pred', 'yPred'), param('lambda_param', 'hyper', 0.01)], 'lambda_param',
);

export const noPenalty = model('plain', 'tf.keras.losses.mean_squared_error', [], [param('y_true', 'yTrue'), param('y_pred', 'yPred')]);

export const literalWeight = model('lit', 'tf.keras.losses.mean_squared_error', [{ weight: num(0.5) }], [param('y_true', 'yTrue'), param('y_pred', 'yPred')]);
