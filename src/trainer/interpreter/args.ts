// Binds a call's positional and keyword arguments to an op's parameter names (Python-style) and converts them.
import type { SourceRange } from '../../analysis/ir';
import { LossEvaluationError } from './errors';
import { unhonouredKeyword } from './ops/lossClasses';
import type { DeferReduction, OpArgs, OpSpec, Tf, Value } from './types';
import { asTensor, describe, isTensor, scalarNumber } from './values';

export function bindArgs(
  tf: Tf,
  spec: OpSpec,
  op: string,
  range: SourceRange,
  args: Value[],
  kwargs: Record<string, Value>,
  deferReduction?: DeferReduction,
  nextSeed?: () => number,
): OpArgs {
  const names = spec.params.map((p) => p.split('|'));
  const bound = new Map<string, Value>();
  for (const [i, aliases] of names.slice(0, args.length).entries()) bound.set(aliases[0], args[i]);
  const rest = args.slice(names.length);
  for (const [key, v] of Object.entries(kwargs)) {
    // a criterion class honours only its table's keywords (ops/lossClasses.ts): never drops one that may change the value
    if (spec.keywords && !spec.keywords.has(key) && v !== null) throw new LossEvaluationError(op, range, unhonouredKeyword(op, key, spec.keywords));
    const aliases = names.find((a) => a.includes(key));
    // Unknown keywords (`name=`, `dtype=` on ops that ignore it) do not change the value computed.
    if (aliases) bound.set(aliases[0], v);
  }
  const canonical = (name: string) => name.split('|')[0];
  const fail = (name: string, what: string): never => {
    throw new LossEvaluationError(op, range, `argument \`${canonical(name)}\` ${what}`);
  };
  const get = (name: string) => bound.get(canonical(name));

  const a: OpArgs = {
    tf,
    op,
    range,
    rest,
    ...(deferReduction ? { deferReduction } : {}),
    ...(nextSeed ? { nextSeed } : {}),
    has: (name) => get(name) !== undefined && get(name) !== null,
    value: (name) => get(name),
    tensor(name) {
      const v = get(name);
      if (v === undefined) return fail(name, 'is missing');
      const t = asTensor(tf, v);
      return t ?? fail(name, `must be a tensor or a number, not ${describe(v)}`);
    },
    optTensor: (name) => (a.has(name) ? a.tensor(name) : undefined),
    number(name, fallback) {
      const v = get(name);
      if (v === undefined || v === null) return fallback ?? fail(name, 'is missing');
      if (typeof v === 'number') return v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (isTensor(v)) return scalarNumber(v) ?? fail(name, `must be a single number, not ${describe(v)}`);
      return fail(name, `must be a number, not ${describe(v)}`);
    },
    optNumber: (name) => (a.has(name) ? a.number(name) : undefined),
    bool(name, fallback) {
      const v = get(name);
      if (v === undefined || v === null) return fallback;
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      return fail(name, `must be True or False, not ${describe(v)}`);
    },
    string(name, fallback) {
      const v = get(name);
      if (v === undefined || v === null) return fallback;
      return typeof v === 'string' ? v : fail(name, `must be a string, not ${describe(v)}`);
    },
    axis(name) {
      const v = get(name);
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'number') return v;
      if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
      if (isTensor(v)) {
        const data = Array.from(v.dataSync() as Float32Array | Int32Array);
        return v.rank === 0 ? data[0] : data;
      }
      return fail(name, `must be an axis (a number or a tuple of numbers), not ${describe(v)}`);
    },
  };
  return a;
}

/** Builds an op spec from its parameter list and implementation (keeps the tables one line per op). */
export function op(params: readonly string[], fn: (a: OpArgs) => Value): OpSpec {
  return { params, fn };
}

