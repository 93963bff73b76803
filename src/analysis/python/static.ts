// Values known before training: literals, module constants and constructor attributes set to a literal
// (`self.reduction = 'mean'`). A branch on one (`if self.reduction == 'mean':`) is read as the branch taken.
import type { Expr } from '../ir';
import type { Scope } from './scope';
import { knownIsinstance } from './staticTypes';

type Known = number | string | boolean | null;

const scalar = (v: Known | unknown[] | undefined): Known | undefined => (Array.isArray(v) ? undefined : v);

/** Also reads the values a guard may be decided by (guardValues.ts): parameters' defaults, settled `self.x`. */
type Guards = ReadonlyMap<string, Known> | undefined;

function known(e: Expr, scope: Scope, guards?: Guards): Known | undefined {
  switch (e.kind) {
    case 'number':
    case 'string':
    case 'bool':
      return e.value;
    case 'none':
      return null;
    case 'name':
      if (e.ref === 'param' || e.ref === 'captured') return guards?.get(e.name);
      return e.ref === 'global' ? scalar(scope.module?.constants.get(e.name)?.value) : undefined;
    case 'attr': {
      // `self.x`, or a path under it (`self.hparams.order`: Lightning's saved constructor arguments)
      const path = selfPath(e);
      return path === undefined ? undefined : (scope.staticAttrs?.get(path) ?? guards?.get(`self.${path}`));
    }
    case 'unary': {
      const v = known(e.operand, scope, guards);
      if (v === undefined) return undefined;
      if (e.op === 'not') return !v;
      return typeof v === 'number' ? (e.op === '-' ? -v : v) : undefined;
    }
    case 'binary':
      return knownBinary(e.op, known(e.left, scope, guards), known(e.right, scope, guards));
    case 'call':
      return e.callee === 'isinstance' ? knownIsinstance(e.args, scope) : undefined;
    default:
      return undefined;
  }
}

/** `hparams.order` of `self.hparams.order`, `x` of `self.x`: the attribute path under `self`, else undefined. */
function selfPath(e: Expr): string | undefined {
  if (e.kind !== 'attr') return undefined;
  if (e.object.kind === 'name') return e.object.ref === 'module' ? e.name : undefined;
  const inner = selfPath(e.object);
  return inner === undefined ? undefined : `${inner}.${e.name}`;
}

function knownBinary(op: string, l: Known | undefined, r: Known | undefined): Known | undefined {
  if (l === undefined || r === undefined) return undefined;
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case 'and':
      return l ? r : l;
    case 'or':
      return l ? l : r;
  }
  if (typeof l !== 'number' || typeof r !== 'number') return undefined;
  switch (op) {
    case '<': return l < r;
    case '<=': return l <= r;
    case '>': return l > r;
    case '>=': return l >= r;
    default: return undefined;
  }
}

/**
 * The truth of a branch's test when it is known before training, else undefined; `settled` gives the values of
 * parameters and captured names that are fixed where the loss is built (a class's constructor arguments).
 */
export function staticTruth(test: Expr, scope: Scope, settled?: ReadonlyMap<string, Known>): boolean | undefined {
  const v = known(test, scope, settled);
  return v === undefined ? undefined : Boolean(v);
}

/**
 * The truth of a guard around added terms (`if lam_phys > 0: loss += …`) when the values the code fixes before
 * training decide it (guardValues.ts), else undefined.
 */
export function guardTruth(test: Expr, scope: Scope): boolean | undefined {
  const guards = scope.guardValues?.();
  if (!guards || guards.size === 0) return undefined;
  const v = known(test, scope, guards);
  return v === undefined ? undefined : Boolean(v);
}
