// Values a loss reads from outside its own parameters become parameters of the model (CONVENTIONS §1): module
// constants it reads by name and a factory's closure values, each with its literal and where that is written.
import type { Node } from 'web-tree-sitter';
import type { Expr, LossParam, Term } from '../ir';
import { rangeOf } from '../parsing/range';
import { some } from '../terms/expr';
import type { ModuleConstant } from './moduleScope';
import { literalOf, type ParamInfo } from './params';
import { isTrivia } from './trivia';

/** `a.b.c` read from a module-level name `a`: its dotted text, else undefined. */
function globalPath(e: Expr): string | undefined {
  if (e.kind === 'name') return e.ref === 'global' ? e.name : undefined;
  if (e.kind !== 'attr') return undefined;
  const head = globalPath(e.object);
  return head && `${head}.${e.name}`;
}

/** Free names (module-level or captured) the loss evaluates: in its body and its terms' weights. */
export function readNamesOf(body: Expr, terms: Term[]): Set<string> {
  const out = new Set<string>();
  const collect = (e: Expr) =>
    some(e, (n) => {
      if (n.kind === 'name' && (n.ref === 'global' || n.ref === 'captured')) out.add(n.name);
      // `LossWeights.z_loss`: a class's constant (moduleScope.ts readClassConstants); `cfg.TRAIN.WEIGHT_DECAY`: a
      // setting of a nested settings object (moduleScope.ts readSettingsInstance)
      const dotted = n.kind === 'attr' ? globalPath(n) : undefined;
      if (dotted) out.add(dotted);
      return false;
    });
  collect(body);
  for (const t of terms) if (t.weight) collect(t.weight);
  return out;
}

/**
 * `opt.l1_weight` with `opt` a parameter or local of the loss (`def train(opt, model)`): a parsed-arguments
 * namespace passed in, whose attribute may be a command-line flag (argparse.ts).
 */
export function passedAttributeReads(body: Expr, terms: Term[]): Set<string> {
  const out = new Set<string>();
  const collect = (e: Expr) =>
    some(e, (n) => {
      if (n.kind === 'attr' && n.object.kind === 'name' && n.object.ref !== 'global' && n.object.name !== 'self') out.add(`${n.object.name}.${n.name}`);
      return false;
    });
  collect(body);
  for (const t of terms) if (t.weight) collect(t.weight);
  return out;
}

/**
 * The module constants the loss reads, as parameters (origin 'module-constant', 'notebook-cell' or 'argparse');
 * `passed` (passedAttributeReads) count only for command-line flags.
 */
export function moduleConstantParams(readNames: ReadonlySet<string>, constants: ReadonlyMap<string, ModuleConstant>, taken: ReadonlySet<string>, weightParams: ReadonlySet<string | undefined>, passed: ReadonlySet<string> = new Set()): LossParam[] {
  const out: LossParam[] = [];
  for (const name of new Set([...readNames, ...passed])) {
    const c = constants.get(name);
    if (!c || taken.has(name) || (!readNames.has(name) && !c.flag)) continue;
    const role: LossParam['role'] = typeof c.value === 'number' || typeof c.value === 'boolean' || weightParams.has(name) ? 'hyper' : 'other';
    const p: LossParam = { name, role, range: c.nameRange, defaultRange: c.valueRange, origin: c.cell ? 'notebook-cell' : c.flag ? 'argparse' : 'module-constant' };
    if (Array.isArray(c.value)) p.items = c.value;
    else p.default = c.value;
    if (c.cell) p.cell = c.cell;
    out.push(p);
  }
  return out;
}

type ClosureParam = Omit<LossParam, 'role'> & { default?: number | string | boolean };

function itemsOf(node: Node): Node[] {
  return node.namedChildren.filter((n): n is Node => !!n && !isTrivia(n));
}

/**
 * Closure values a factory sets before its inner loss: `lam = 0.1`, `scale, lam = 2.0, 0.1`, and `scale, lam = cfg`
 * with `cfg` a factory parameter (its tuple default gives the values).
 */
export function closureParams(outerStatements: Node[], outerParams: ParamInfo[]): ClosureParam[] {
  const out: ClosureParam[] = [];
  const add = (name: Node, value: Node | undefined, unpacks?: LossParam['unpacks']) => {
    const p: ClosureParam = { name: name.text, range: rangeOf(name), origin: 'closure' };
    if (unpacks) p.unpacks = unpacks;
    const lit = value ? literalOf(value) : undefined;
    if (value && lit !== undefined) {
      p.default = lit;
      p.defaultRange = rangeOf(value);
    }
    out.push(p);
  };
  for (const stmt of outerStatements) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (!left || !right) continue;
    if (left.type === 'identifier') {
      if (literalOf(right) !== undefined) add(left, right);
      continue;
    }
    if (left.type !== 'pattern_list' && left.type !== 'tuple_pattern') continue;
    const names = itemsOf(left);
    if (!names.every((n) => n.type === 'identifier')) continue;
    const tupleOf = (n: Node | undefined) => (n && (n.type === 'tuple' || n.type === 'expression_list' || n.type === 'list') ? itemsOf(n) : undefined);
    const fromParam = right.type === 'identifier' ? outerParams.find((p) => p.name === right.text) : undefined;
    const values = tupleOf(right) ?? tupleOf(fromParam?.defaultNode);
    if (values && values.length === names.length && values.every((v) => literalOf(v) !== undefined)) {
      for (const [i, n] of names.entries()) add(n, values[i]);
    }
    // `tol, lam = settings` with `settings` bound where the factory is called: each name is one of its items
    else if (fromParam && !fromParam.defaultNode) for (const [index, n] of names.entries()) add(n, undefined, { from: fromParam.name, index });
  }
  return out;
}
