// A criterion object a loss module is given and holds: `def __init__(self, base_loss_fn=nn.L1Loss(), …)` with
// `self.base_loss_fn = base_loss_fn`, called in forward as `self.base_loss_fn(pred, target)`. Its value is the
// object the file's call of the class passes (`MonotonicLoss(base_loss_fn=nn.MSELoss())`), else the default; read
// only when that is a constructor call (a class of torch.nn, Keras or the file), never a name the caller computes.
import type { Node } from 'web-tree-sitter';
import type { Expr } from '../ir';
import { argsPassedToClass } from './classCalls';
import { convertExpr } from './expr';
import type { ParamInfo } from './params';
import type { Scope } from './scope';

type Call = Extract<Expr, { kind: 'call' }>;

const isConstructorCall = (n: Node | null | undefined): n is Node => {
  const callee = n?.type === 'call' ? n.childForFieldName('function')?.text : undefined;
  return !!callee && /^[A-Z]/.test(callee.slice(callee.lastIndexOf('.') + 1));
};

/**
 * The criterion `param` holds: a constructor call passed by the class's calls (all passing the same text), or its
 * default when no call passes it. Undefined when a call passes something else (a name, a lambda) or calls disagree.
 */
export function heldCriterion(classNode: Node, param: ParamInfo, index: number, scope: Scope): Call | undefined {
  const passed = argsPassedToClass(classNode, param.name, index);
  const texts = new Set(passed.map((a) => a.text));
  const node = passed.length > 0 ? (texts.size === 1 ? passed[0] : undefined) : param.defaultNode;
  if (!isConstructorCall(node)) return undefined;
  const value = convertExpr(node, { ...scope, locals: new Map(), refs: new Map() });
  return value.kind === 'call' ? value : undefined;
}
