// What a Python expression is read against: the function's locals (inlined), what each free name refers to, the
// file's imports, and the constructors behind callable locals (`criterion = nn.MSELoss()`).

import type { Node } from 'web-tree-sitter';
import type { Expr, NameRef } from '../ir';
import type { ImportMap } from './imports';
import type { KerasGraph } from './kerasGraph';
import type { ModuleScope } from './moduleScope';
import type { PyType } from './staticTypes';

export interface Scope {
  /** Locals assigned so far, already converted (their uses are replaced by these nodes). */
  locals: Map<string, Expr>;
  /** Parameters of the loss and of its factory. */
  refs: ReadonlyMap<string, NameRef>;
  imports: ImportMap;
  /** The local name each inlined node came from (term labels). Shared by every scope of one function. */
  labels: WeakMap<Expr, string>;
  /** `self.ce = nn.CrossEntropyLoss(...)` in `__init__`: callee and constructor kwargs by attribute name. */
  instances: ReadonlyMap<string, Extract<Expr, { kind: 'call' }>>;
  /** Module-level constants and functions (helpers are followed into their bodies). */
  module?: ModuleScope;
  /**
   * The arguments a sub-model of the file's Keras graph was called on (`encoder(y_true)`, kerasGraph.ts
   * graphModelOutput), as written: the model whose input the loss hands them to.
   */
  graphApplied?: { model: string; arg: string }[];
  /** The Keras graph the statements around a nested loss build (over the module's): its sub-models and tensors. */
  kerasGraph?: KerasGraph;
  /** The loss class's other methods (`self.penalty(x)` is followed into its body). */
  methods?: ReadonlyMap<string, Node>;
  /** `self.bound = torch.tensor(bound)` in `__init__`: the value expression by attribute name (read in its place). */
  attrValues?: ReadonlyMap<string, Expr>;
  /**
   * The values a guard around added terms may be decided by (guardValues.ts): parameters' literal defaults no call
   * overrides, by name, and settled constructor settings as `self.x`. Computed on first use.
   */
  guardValues?: () => ReadonlyMap<string, number | string | boolean>;
  /** Attributes set to a literal in `__init__` or the class body, not from a parameter (static branches). */
  staticAttrs?: ReadonlyMap<string, number | string | boolean>;
  /** `self.x`'s possible Python types where `isinstance(self.x, …)` can be told before training (staticTypes.ts). */
  attrTypes?: ReadonlyMap<string, readonly PyType[]>;
  /** The helper each inlined call's value came from (a call of another loss of the file stays a base term). */
  inlined?: WeakMap<Expr, string>;
  /** Labels given by a followed helper's name: the caller's local name (`shrink = self.norm(net)`) replaces them. */
  weakLabels?: WeakSet<Expr>;
  /** Helpers being followed (recursion guard), outermost first. */
  inlining?: readonly string[];
  /**
   * Nodes of an inline loss that read as one of its names, by node id (inline.ts): calls that run the model
   * (`F.cross_entropy(model(xb), yb)`) read as the prediction, as an assigned forward pass (`out = model(xb)`) would;
   * a batch's target cut in place by the loop's index (`maps[i:i + 40]`, also through `.float()`) reads as the target.
   */
  forwardCalls?: ReadonlyMap<number, string>;
  /** Inside a loop body: lists appended to (`outs.append(x)`), by name → the appended value. */
  appends?: Map<string, Expr>;
  /** Inside a loop body: the condition of the pass under which each list was appended to (`if k > 0:`), by name. */
  appendGuards?: Map<string, Expr>;
  /** Inside a branch of a loop body: the condition under which this branch's statements run. */
  guard?: Expr;
  /** A class derived from a built-in loss: that base (as written) and the instance `super()` calls (superLoss.ts). */
  superLoss?: { base: string; instance: Extract<Expr, { kind: 'call' }>; methods?: ReadonlySet<string> };
}

export function forkScope(scope: Scope): Scope {
  return { ...scope, locals: new Map(scope.locals) };
}
