// Direct optimisation, with no network (denoising an image, style transfer, an adversarial input, portfolio weights):
// the tensor handed to the optimizer IS the prediction the loss judges. Written as `optim.Adam([estimate], lr=…)`,
// `torch.optim.LBFGS([img])`, `SGD(params=[w])`, or marked trainable (`x.requires_grad = True`,
// `x.requires_grad_()`, `x = nn.Parameter(…)`, `x = tf.Variable(…)`). Read from the function (or script) that
// differentiates the loss, so an inline loss with no model call still has its prediction.
import type { Node } from 'web-tree-sitter';
import { isTrivia } from './trivia';

/** torch.optim's and Keras's optimizers, by the last segment of their callee. */
const OPTIMIZER = /^(?:Adam|AdamW|SGD|RMSprop|LBFGS|Adagrad|Adadelta|Adamax|NAdam|Nadam|RAdam|SparseAdam|ASGD|Rprop)$/;
/** `nn.Parameter(…)`, `torch.nn.Parameter(…)`, `tf.Variable(…)`: a tensor made trainable where it is assigned. */
const TRAINABLE = /(?:^|\.)(?:Parameter|Variable)$/;

const args = (call: Node): Node[] => (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && !isTrivia(a));
const calleeOf = (call: Node): string => call.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '';
const last = (s: string): string => s.slice(s.lastIndexOf('.') + 1);

/** `[estimate]` / `[x, y]` / `params=[w]` of an optimizer's constructor: the first tensor named there. */
function optimizedName(call: Node): Node | undefined {
  if (!OPTIMIZER.test(last(calleeOf(call)))) return undefined;
  const a = args(call);
  const list = a[0]?.type === 'keyword_argument' ? a.find((k) => k.childForFieldName('name')?.text === 'params')?.childForFieldName('value') : a[0];
  const first = list?.type === 'list' ? list.namedChildren.find((n) => n && !isTrivia(n)) : undefined;
  return first?.type === 'identifier' ? first : undefined;
}

/** `x.requires_grad = True`, `x.requires_grad_()`, `x = nn.Parameter(…)`: the tensor made trainable. */
function markedTrainable(n: Node): Node | undefined {
  if (n.type === 'assignment') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (left?.type === 'attribute' && left.childForFieldName('attribute')?.text === 'requires_grad' && right?.text === 'True') {
      const obj = left.childForFieldName('object');
      return obj?.type === 'identifier' ? obj : undefined;
    }
    return left?.type === 'identifier' && right?.type === 'call' && TRAINABLE.test(calleeOf(right)) ? left : undefined;
  }
  const fn = n.type === 'call' ? n.childForFieldName('function') : null;
  const obj = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'requires_grad_' ? fn.childForFieldName('object') : null;
  return obj?.type === 'identifier' ? obj : undefined;
}

/** The tensor `scope` (a function, a script's statements) optimises directly, if it optimises one. */
export function optimisedTensor(scope: readonly Node[]): Node | undefined {
  let marked: Node | undefined;
  for (const s of scope) {
    for (const n of s.descendantsOfType(['call', 'assignment'])) {
      if (!n) continue;
      const byOptimizer = n.type === 'call' ? optimizedName(n) : undefined;
      if (byOptimizer) return byOptimizer;
      marked ??= markedTrainable(n);
    }
  }
  return marked;
}
