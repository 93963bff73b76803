// A prediction the loss reads only by key (`out["pred"]`, `outputs["attn"]`: a model that returns a dict of its
// outputs) is a tuple of those entries, read as a tuple unpacking is (tensorArgs.ts predictionItems): `out["k"]`
// becomes the unpacked item `out[i]`, i in the order the keys are first read. The entry the loss compares with the
// target is then the trial model's output and the others its last hidden layer's activations (outputItemIndex),
// where the interpreter indexed one tensor by a string. Pure data over the IR.
import type { Expr, LossModel, Term } from '../analysis/ir';
import { childrenOf } from '../analysis/terms/expr';

const isPrediction = (e: Expr): boolean => e.kind === 'name' && e.ref === 'yPred';

/** `yPred["k"]`: k, else undefined. */
function keyOf(e: Expr): string | undefined {
  if (e.kind !== 'subscript' || !isPrediction(e.object) || e.index.length !== 1) return undefined;
  const it = e.index[0];
  return it?.kind === 'index' && it.value.kind === 'string' ? it.value.value : undefined;
}

const rootsOf = (loss: LossModel): Expr[] => [loss.body, ...loss.terms.flatMap((t) => (t.weight ? [t.expr, t.weight] : [t.expr]))];

/** The keys the loss reads its prediction by, in first-read order; empty unless every read of it is by a key. */
export function predictionKeys(loss: LossModel): string[] {
  const keys: string[] = [];
  let other = false;
  const visit = (e: Expr, keyed: boolean): void => {
    const key = keyOf(e);
    if (key !== undefined && !keys.includes(key)) keys.push(key);
    if (isPrediction(e) && !keyed) other = true;
    if (e.kind === 'subscript') {
      visit(e.object, key !== undefined);
      for (const it of e.index) for (const x of Object.values(it)) if (x && typeof x === 'object' && 'kind' in x) visit(x as Expr, false);
      return;
    }
    for (const c of childrenOf(e)) visit(c, false);
  };
  for (const root of rootsOf(loss)) visit(root, false);
  return other ? [] : keys;
}

function rewrite<T>(v: T, keys: readonly string[]): T {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, keys)) as T;
  if (!v || typeof v !== 'object') return v;
  const key = 'kind' in v ? keyOf(v as unknown as Expr) : undefined;
  if (key !== undefined) {
    const e = v as unknown as Extract<Expr, { kind: 'subscript' }>;
    const i = keys.indexOf(key);
    return { ...e, index: [{ kind: 'index', value: { kind: 'number', value: i, range: e.range, text: String(i) } }], unpacked: true } as T;
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'range' ? x : rewrite(x, keys)])) as T;
}

/** The loss with its keyed prediction read as a tuple (see the header); unchanged when it reads no keys. */
export function withKeyedPrediction(loss: LossModel): LossModel {
  const keys = predictionKeys(loss);
  if (keys.length === 0) return loss;
  return { ...loss, body: rewrite(loss.body, keys), terms: loss.terms.map((t): Term => rewrite(t, keys)) };
}
