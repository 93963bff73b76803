// Python's object model, read statically for an object of the file's own classes built with a known constructor call
// (`distance = LTwoPenalty(0.5)`): its methods through inheritance (the class's own, then its in-file bases', nearest
// first, as Python's MRO finds them for single inheritance), and its state as its constructors leave it: each
// `__init__` runs with its parameters bound to what the call passes (or their defaults); `super().__init__(a, b)` /
// `Base.__init__(self, a, b)` runs the base's `__init__` with those arguments, in place; `self.x = …` and
// `self.register_buffer('x', …)` set an attribute; `self.setup()` runs that method's body the same way. A value built
// from a class handed in (`self.fn = method(reduction='none')` with `method` bound to `nn.MSELoss`) is that class's
// constructor call. What cannot be read statically is left out, so the loss reads the attribute as before.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { rangeOf } from '../parsing/range';
import { convertExpr } from './expr';
import { methodsOf } from './helperCalls';
import { readParams } from './params';
import type { Scope } from './scope';
import { fileBases } from './selfCalls';
import { isTrivia } from './trivia';

type Call = Extract<Expr, { kind: 'call' }>;

/** The methods an instance of `cls` has: its own, then each in-file base's it does not override (nearest first). */
export function inheritedMethods(cls: Node, scope: Scope): Map<string, Node> {
  const out = methodsOf(cls);
  for (const base of fileBases(cls, scope.module)) for (const [name, def] of methodsOf(base)) if (!out.has(name)) out.set(name, def);
  return out;
}

/** The class whose body defines `name` first along the chain (own class, then in-file bases). */
function definingClass(cls: Node, name: string, scope: Scope): Node | undefined {
  return [cls, ...fileBases(cls, scope.module)].find((c) => methodsOf(c).has(name));
}

/** The arguments of a call node, positional and by keyword, without trivia. */
function argNodes(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && !isTrivia(a));
}

interface Run {
  /** The object's own class: `self.m()` finds m from it, whichever base's constructor calls it. */
  cls: Node;
  state: Map<string, Expr>;
  scope: Scope;
  depth: number;
}

/** Binds a method's parameters (after self) to the values passed, else their defaults, as locals of a fresh scope. */
function bound(def: Node, args: Expr[], kwargs: Record<string, Expr>, outer: Scope): Scope {
  const params = readParams(def.childForFieldName('parameters')).slice(1);
  const locals = new Map<string, Expr>();
  const moduleLevel: Scope = { ...outer, locals: new Map(), refs: new Map() };
  params.forEach((p, i) => {
    if (p.variadic) return;
    const value = kwargs[p.name] ?? args[i] ?? (p.defaultNode ? convertExpr(p.defaultNode, moduleLevel) : undefined);
    // a number the construction sets is the user's setting (ir.ts `boundTo`), a weight wherever the object applies it
    if (value) locals.set(p.name, value.kind === 'number' && value.boundTo === undefined ? { ...value, boundTo: `self.${p.name}` } : value);
  });
  return { ...outer, locals, refs: new Map() };
}

/** `self.x` on the left of an assignment: x. */
const selfAttr = (left: Node | null | undefined): string | undefined =>
  left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self' ? left.childForFieldName('attribute')?.text : undefined;

/** `method(reduction='none')` with `method` bound to a class (`nn.MSELoss`): that class's constructor call. */
function classCall(right: Node, scope: Scope): Call | undefined {
  const fn = right.type === 'call' ? right.childForFieldName('function') : null;
  const held = fn?.type === 'identifier' ? scope.locals.get(fn.text) : undefined;
  const cls = held?.kind === 'name' || held?.kind === 'attr' ? held.text.replace(/\s+/g, '') : undefined;
  if (!cls || !/^[A-Z]/.test(cls.slice(cls.lastIndexOf('.') + 1))) return undefined;
  const converted = convertExpr(right, { ...scope, locals: new Map([...scope.locals].filter(([k]) => k !== fn?.text)) });
  if (converted.kind !== 'call') return undefined;
  const callee = held?.kind === 'name' ? held.name : cls;
  return { ...converted, callee, range: rangeOf(right), text: right.text };
}

/** Runs one method body's statements that shape the object's state. */
function runBody(cls: Node, def: Node, run: Run): void {
  if (run.depth > 8) return;
  for (const stmt of def.childForFieldName('body')?.namedChildren ?? []) {
    if (stmt?.type !== 'expression_statement') continue;
    const e = stmt.namedChild(0);
    if (e?.type === 'assignment') {
      const attr = selfAttr(e.childForFieldName('left'));
      const right = e.childForFieldName('right');
      if (attr && right) run.state.set(attr, classCall(right, run.scope) ?? convertExpr(right, run.scope));
      continue;
    }
    if (e?.type === 'call') runCall(cls, e, run);
  }
}

/** `super().__init__(…)`, `Base.__init__(self, …)`, `self.register_buffer('w', v)`, `self.setup(…)` inside a constructor. */
function runCall(cls: Node, call: Node, run: Run): void {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return;
  const method = fn.childForFieldName('attribute')?.text ?? '';
  const obj = fn.childForFieldName('object');
  const args = argNodes(call);
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  const keywords = Object.fromEntries(args.filter((a) => a.type === 'keyword_argument').map((a) => [a.childForFieldName('name')?.text ?? '', convertExpr(a.childForFieldName('value') as Node, run.scope)]));
  if (obj?.text === 'self' && method === 'register_buffer') {
    const key = positional[0]?.type === 'string' ? positional[0].text.slice(1, -1) : undefined;
    if (key && positional[1]) run.state.set(key, convertExpr(positional[1], run.scope));
    return;
  }
  const bases = fileBases(cls, run.scope.module);
  const viaSuper = obj?.type === 'call' && obj.childForFieldName('function')?.text === 'super';
  const named = obj?.type === 'identifier' ? bases.find((b) => b.childForFieldName('name')?.text === obj.text) : undefined;
  if (method === '__init__' && (viaSuper || named)) {
    const base = viaSuper ? bases[0] : named;
    const init = base ? definingClass(base, '__init__', run.scope) : undefined;
    const passed = (named ? positional.slice(1) : positional).map((a) => convertExpr(a, run.scope));
    const def = init ? methodsOf(init).get('__init__') : undefined;
    if (init && def) runBody(init, def, { ...run, scope: bound(def, passed, keywords, run.scope), depth: run.depth + 1 });
    return;
  }
  if (obj?.text === 'self') {
    const owner = definingClass(run.cls, method, run.scope);
    const def = owner ? methodsOf(owner).get(method) : undefined;
    if (owner && def && method !== '__init__') runBody(owner, def, { ...run, scope: bound(def, positional.map((a) => convertExpr(a, run.scope)), keywords, run.scope), depth: run.depth + 1 });
  }
}

/** The attributes an object of `cls` built by `ctor` holds once its constructors ran (attribute name → value). */
export function objectState(cls: Node, ctor: Call, scope: Scope): Map<string, Expr> {
  const state = new Map<string, Expr>();
  const owner = definingClass(cls, '__init__', scope);
  const init = owner ? methodsOf(owner).get('__init__') : undefined;
  if (owner && init) runBody(owner, init, { cls, state, scope: bound(init, ctor.args, ctor.kwargs, scope), depth: 0 });
  return state;
}
