// A branch the loss's own settings decide: `if for_cnn:` with for_cnn bound False by the factory call,
// `if self.mode == "covariance":` with the mode a constructor default. The interpreter evaluates only the branch
// taken (evaluate.ts), so what the other branch calls (`numpy.array(…)` for a CNN the trial is not) must not refuse
// the loss before it starts (findUnsupported) nor be reported as stopping a trial (LL113). A test that reads a
// term's λ is never static: a run of the sweep moves it.
import type { Expr, LossModel } from '../../analysis/ir';
import { childrenOf } from '../../analysis/terms/expr';
import { dottedName } from './evaluate';
import { makeLookup } from './scope';
import type { Value } from './types';

type Lookup = (name: string) => Value | undefined;
const NOT_STATIC: unique symbol = Symbol('not static');
type Static = number | string | boolean | null | typeof NOT_STATIC;

function staticValue(e: Expr, lookup: Lookup, lambdas: ReadonlySet<string>): Static {
  if (e.kind === 'number' || e.kind === 'string' || e.kind === 'bool') return e.value;
  if (e.kind === 'none') return null;
  if (e.kind === 'unary' && e.op === 'not') {
    const v = staticValue(e.operand, lookup, lambdas);
    return v === NOT_STATIC ? v : !v;
  }
  const name = dottedName(e);
  if (name === undefined || lambdas.has(name)) return NOT_STATIC;
  const v = lookup(name);
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null ? v : NOT_STATIC;
}

const comparisons: Readonly<Record<string, (a: Static, b: Static) => boolean>> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** The truth of a branch test the loss's settings decide, else undefined. */
function staticTruth(test: Expr, lookup: Lookup, lambdas: ReadonlySet<string>): boolean | undefined {
  const compare = test.kind === 'binary' ? comparisons[test.op] : undefined;
  if (test.kind === 'binary' && compare) {
    const a = staticValue(test.left, lookup, lambdas);
    const b = staticValue(test.right, lookup, lambdas);
    return a === NOT_STATIC || b === NOT_STATIC ? undefined : compare(a, b);
  }
  const v = staticValue(test, lookup, lambdas);
  return v === NOT_STATIC ? undefined : Boolean(v);
}

/** For a loss: the children of a node that a trial evaluates (a conditional's test and the branch its settings take). */
export function liveChildrenFor(model: LossModel): (e: Expr, children?: (e: Expr) => Expr[]) => Expr[] {
  const lookup = makeLookup(model, {});
  const lambdas = new Set(model.terms.flatMap((t) => (t.weightParam ? [t.weightParam] : [])));
  if (model.lambdaParam) lambdas.add(model.lambdaParam);
  return (e, children = childrenOf) => {
    if (e.kind !== 'conditional') return children(e);
    const truth = staticTruth(e.test, lookup, lambdas);
    return truth === undefined ? children(e) : [e.test, truth ? e.then : e.else];
  };
}
