// Term splitting and weight extraction (ir.ts `Term`): the returned expression is split at top-level `+`/`-`; in
// each piece the factors that are numbers or hyper-parameter references form the weight, the rest is the term.
import type { Expr } from '../ir';
import { binary } from './expr';

export interface Piece {
  sign: 1 | -1;
  /** The additive piece as written (its range is the term's range). */
  whole: Expr;
  expr: Expr;
  weight?: Expr;
}

/** `a + b - c` → [+a, +b, -c]; `-(x)` flips the sign; anything else is one piece. */
export function additivePieces(e: Expr, sign: 1 | -1 = 1): { sign: 1 | -1; expr: Expr }[] {
  if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) {
    const flip = (e.op === '-' ? -sign : sign) as 1 | -1;
    return [...additivePieces(e.left, sign), ...additivePieces(e.right, flip)];
  }
  if (e.kind === 'unary' && e.op === '-' && !isWeightFactor(e)) return additivePieces(e.operand, (-sign) as 1 | -1);
  return [{ sign, expr: e }];
}

/** Numbers and hyper-parameter references (`lam`, `self.lam`, `config.lam`), and arithmetic of them (`lam / 2`). */
export function isWeightFactor(e: Expr): boolean {
  switch (e.kind) {
    case 'number':
      return true;
    case 'name':
      return e.ref !== 'yTrue' && e.ref !== 'yPred';
    case 'attr':
      return isWeightFactor(e.object);
    case 'unary':
      return e.op !== 'not' && isWeightFactor(e.operand);
    case 'binary':
      return ['+', '-', '*', '/', '**'].includes(e.op) && isWeightFactor(e.left) && isWeightFactor(e.right);
    default:
      return false;
  }
}

function factorsOf(e: Expr): Expr[] {
  if (e.kind === 'binary' && e.op === '*') return [...factorsOf(e.left), ...factorsOf(e.right)];
  return [e];
}

const product = (items: Expr[]): Expr => items.reduce((acc, f) => binary('*', acc, f));

/** Splits one additive piece into weight and term. */
export function splitWeight(piece: { sign: 1 | -1; expr: Expr }): Piece {
  const factors = factorsOf(piece.expr);
  const weights = factors.filter(isWeightFactor);
  const rest = factors.filter((f) => !isWeightFactor(f));
  if (weights.length === 0 || rest.length === 0) return { sign: piece.sign, whole: piece.expr, expr: piece.expr };
  return { sign: piece.sign, whole: piece.expr, expr: product(rest), weight: product(weights) };
}

/** The hyper-parameter a weight names, when it names exactly one (`lam`, `0.5 * lam`, `self.lam`). */
export function weightParamOf(weight: Expr | undefined): string | undefined {
  if (!weight) return undefined;
  const names = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.kind === 'name') names.add(e.name);
    else if (e.kind === 'attr') names.add(e.text.replace(/\s+/g, ''));
    else if (e.kind === 'unary') visit(e.operand);
    else if (e.kind === 'binary') {
      visit(e.left);
      visit(e.right);
    }
  };
  visit(weight);
  return names.size === 1 ? [...names][0] : undefined;
}

export function splitTerms(body: Expr): Piece[] {
  return additivePieces(body).map(splitWeight);
}
