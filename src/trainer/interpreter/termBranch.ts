// Which branch of a conditional loss the trainer trains, and why. A loss whose body is `if … : return a else:
// return b` (or a local set in both branches) has its terms read from one branch (analysis/terms/build.ts
// termBranch: the richer one); the trainer evaluates those terms alone, never the test. So the branch trained must be
// the one the code runs, or the user must be told:
//   - the test is decided by values known before training (defaults, constructor and factory arguments, a dict
//     passed as a setting) and takes the OTHER branch: refused, naming the branch that runs;
//   - the test reads a value Loss Lab does not know (`self.hparams.x` never given, `self.training`, a config
//     object): trained, and the header says which branch and what decided it;
//   - the test reads the data (`if y_pred.max() > 1`): trained, the header says only that branch is trained.
// A test reading a term's λ is the sweep's to move (staticBranch.ts): the richer branch is the one a λ > 0 runs.
import { unreadSettings } from '../../analysis/bound';
import type { Expr, LossModel, SourceRange } from '../../analysis/ir';
import { sameRange } from '../../analysis/parsing/range';
import { termBranch } from '../../analysis/terms/build';
import { some } from '../../analysis/terms/expr';
import { dottedName } from './evaluate';
import { makeLookup } from './scope';
import type { Value } from './types';

type Plain = number | string | boolean | null | Plain[];
/** What decides a test: a value known before training, a value nobody gives (`unknown`), or the data. */
type Decided = { value: Plain } | { unknown: string; why?: string } | { data: string } | { lambda: string };

const isPlain = (v: unknown): v is Plain =>
  v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || (Array.isArray(v) && v.every(isPlain));
const truthy = (v: Plain): boolean => (Array.isArray(v) ? v.length > 0 : typeof v === 'string' ? v.length > 0 : Boolean(v));

const comparisons: Readonly<Record<string, (a: Plain, b: Plain) => boolean | undefined>> = {
  '==': (a, b) => JSON.stringify(a) === JSON.stringify(b),
  '!=': (a, b) => JSON.stringify(a) !== JSON.stringify(b),
  '<': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a < b : undefined),
  '<=': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a <= b : undefined),
  '>': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a > b : undefined),
  '>=': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a >= b : undefined),
};

interface TestContext {
  lookup: (name: string) => Value | undefined;
  lambdas: ReadonlySet<string>;
  /** Settings the call that builds the loss passes with a value Loss Lab does not read (bound.ts unreadSettings). */
  unread: ReadonlyMap<string, SourceRange>;
}

function decideName(ctx: TestContext, e: Expr, name: string): Decided {
  if (e.kind === 'name' && (e.ref === 'yTrue' || e.ref === 'yPred')) return { data: name };
  if (ctx.lambdas.has(name)) return { lambda: name };
  const unread = ctx.unread.get(name);
  if (unread) return { unknown: name, why: `which the call at line ${unread.startLine + 1} sets to a value Loss Lab does not read` };
  const v = ctx.lookup(name);
  if (isPlain(v)) return { value: v };
  return v === undefined ? { unknown: name } : { data: name };
}

function decideBinary(ctx: TestContext, e: Extract<Expr, { kind: 'binary' }>): Decided {
  const l = decide(ctx, e.left);
  if (!('value' in l)) return l;
  // Python's short circuit: `a and b` is a when a is false, `a or b` is a when a is true
  if (e.op === 'and' || e.op === 'or') return truthy(l.value) === (e.op === 'or') ? l : decide(ctx, e.right);
  const r = decide(ctx, e.right);
  if (!('value' in r)) return r;
  const v = comparisons[e.op]?.(l.value, r.value);
  return v === undefined ? { unknown: e.text } : { value: v };
}

/** How a branch test is decided before training (see the header); `unknown` names the value nobody gives. */
function decide(ctx: TestContext, e: Expr): Decided {
  switch (e.kind) {
    case 'number':
    case 'string':
    case 'bool':
      return { value: e.value };
    case 'none':
      return { value: null };
    case 'name':
    case 'attr': {
      const name = dottedName(e);
      return name === undefined ? { data: e.text } : decideName(ctx, e, name);
    }
    case 'unary': {
      const v = decide(ctx, e.operand);
      if (!('value' in v)) return v;
      if (e.op === 'not') return { value: !truthy(v.value) };
      return typeof v.value === 'number' ? { value: e.op === '-' ? -v.value : v.value } : { unknown: e.text };
    }
    case 'binary':
      return decideBinary(ctx, e);
    case 'call': {
      const arg = e.callee === 'len' && e.args.length === 1 ? decide(ctx, e.args[0]!) : undefined;
      if (arg && !('value' in arg)) return arg;
      if (arg && (Array.isArray(arg.value) || typeof arg.value === 'string')) return { value: arg.value.length };
      return readsData(e) ? { data: e.text } : { unknown: e.text };
    }
    // `x or {}`: an empty dict literal, which the analysis does not model otherwise
    case 'unsupported':
      return e.text.replace(/\s/g, '') === '{}' ? { value: [] } : { unknown: e.text };
    default:
      return readsData(e) ? { data: e.text } : { unknown: e.text };
  }
}

const readsData = (e: Expr): boolean => some(e, (n) => n.kind === 'name' && (n.ref === 'yTrue' || n.ref === 'yPred'));

/** One conditional on the way from the loss's body to its terms, the branch trained and what decides it. */
export interface BranchChoice {
  /** 1-based line of the conditional. */
  line: number;
  test: string;
  trained: 'then' | 'else';
  decided: Decided;
}

/**
 * The branch the settings select (`taken`) when it computes every term too: `if self.reduction == "mean": return
 * per_sample.mean()` over the same `per_sample` as the other returns, whose terms were read from a richer-looking
 * branch. Then the branch that runs is the one trained, whatever branch the terms were read from.
 */
function sameTermsTaken(model: LossModel, e: Extract<Expr, { kind: 'conditional' }>): 'then' | 'else' | undefined {
  const taken = e.taken;
  if (!taken) return undefined;
  const branch = taken === 'then' ? e.then : e.else;
  return model.terms.every((t) => some(branch, (n) => n.kind === t.expr.kind && sameRange(n.range, t.expr.range))) ? taken : undefined;
}

/** The conditionals the terms were read through (outermost first), with the branch trained and what decides it. */
export function branchChoices(model: LossModel): BranchChoice[] {
  if (model.terms.length === 0 || model.body.kind !== 'conditional') return [];
  const lookup = makeLookup(model, {});
  const lambdas = new Set(model.terms.flatMap((t) => (t.weightParam ? [t.weightParam] : [])));
  if (model.lambdaParam) lambdas.add(model.lambdaParam);
  const ctx: TestContext = { lookup, lambdas, unread: unreadSettings(model) };
  const out: BranchChoice[] = [];
  let e: Expr = model.body;
  while (e.kind === 'conditional') {
    const trained: 'then' | 'else' = sameTermsTaken(model, e) ?? termBranch(e, model.framework);
    out.push({ line: e.range.startLine + 1, test: e.test.text, trained, decided: decide(ctx, e.test) });
    e = trained === 'then' ? e.then : e.else;
  }
  return out;
}

const branchName = (c: BranchChoice, branch: 'then' | 'else'): string => (branch === 'then' ? `the \`if ${c.test}:\` branch` : `the \`else\` branch of \`if ${c.test}:\``);

/** A refusal for a branch whose test, known before training, runs the other branch than the terms'; else undefined. */
export function branchRefusal(c: BranchChoice): string | undefined {
  if (!('value' in c.decided)) return undefined;
  const runs = truthy(c.decided.value) ? 'then' : 'else';
  if (runs === c.trained) return undefined;
  return `with the values it is built with, the loss runs ${branchName(c, runs)} (line ${c.line}), but Loss Lab read its terms from the other branch, so it would train a loss the code does not run; write the branch that runs as its own loss (or change the setting that decides it) and train that`;
}

/** The header's note on a branch trained without knowing it is the one that runs; else undefined. */
export function branchNote(c: BranchChoice): string | undefined {
  if ('value' in c.decided || 'lambda' in c.decided) return undefined;
  const which = `${branchName(c, c.trained)} (line ${c.line})`;
  if ('data' in c.decided) return `trained ${which} only: its test reads \`${c.decided.data}\`, so the code may run the other branch on some batches`;
  const why = c.decided.why ?? 'whose value Loss Lab does not know where the loss is built';
  return `trained ${which}: its test reads \`${c.decided.unknown}\`, ${why}; give it a literal value there to train the branch the code runs`;
}
