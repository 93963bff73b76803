// Which output of the model's calls is the prediction when they give several (`features, outputs = model(data)`, or
// `y_pred = self(x)` then `z = self.encoder(x)`): the one a framework criterion compares with the target
// (`criterion(outputs, labels)` with `criterion = nn.CrossEntropyLoss()`, `F.cross_entropy(logits, y)`, a Keras
// step's `self.compiled_loss(y, y_pred)`), whatever its place. The other outputs stay
// tensors of the model beside it (a center loss's `features`). Without such a call the first output is the prediction.
import type { Node, Tree } from 'web-tree-sitter';

/** A functional loss of the framework: `F.cross_entropy`, `torch.nn.functional.mse_loss`, `torch.binary_cross_entropy_with_logits`. */
const FUNCTIONAL_LOSS = /^(F|nn\.functional|torch\.nn\.functional|torch)\.\w*(loss|entropy|_logits)\w*$|^self\.compiled_loss$/;
/** A criterion class of the framework: `nn.CrossEntropyLoss()`, `torch.nn.MSELoss(reduction="sum")`. */
const CRITERION_CLASS = /^(nn|torch\.nn)\.\w+Loss$/;

const argsOf = (call: Node): Node[] => (call.childForFieldName('arguments')?.namedChildren ?? []).filter((n): n is Node => !!n && n.type !== 'comment');

/** Per parse, its criterion names: every step with several outputs asks, and the walk covers the whole file. */
const namesByTree = new WeakMap<Tree, Set<string>>();

/** Names the file assigns a framework criterion object (`criterion = nn.CrossEntropyLoss()`, module level or local). */
function criterionNames(at: Node): Set<string> {
  const known = namesByTree.get(at.tree);
  if (known) return known;
  const out = new Set<string>();
  namesByTree.set(at.tree, out);
  const root = at.tree.rootNode;
  for (const a of root.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    const cls = right?.type === 'call' ? right.childForFieldName('function')?.text : undefined;
    if (left?.type === 'identifier' && cls && CRITERION_CLASS.test(cls)) out.add(left.text);
  }
  return out;
}

/** The output among `outputs` (a model call's names) that a framework criterion compares with `target`, if one only. */
export function criterionComparedOutput(statements: readonly Node[], outputs: readonly Node[], target: string | undefined): Node | undefined {
  if (outputs.length < 2 || !target) return undefined;
  const criteria = criterionNames(outputs[0]!);
  const compared = new Set<Node>();
  for (const s of statements) {
    for (const call of s.descendantsOfType('call')) {
      const fn = call?.childForFieldName('function')?.text ?? '';
      if (!call || !(FUNCTIONAL_LOSS.test(fn) || criteria.has(fn))) continue;
      const args = argsOf(call).map((a) => a.text);
      if (!args.includes(target)) continue;
      for (const o of outputs) if (args.includes(o.text)) compared.add(o);
    }
  }
  return compared.size === 1 ? [...compared][0] : undefined;
}
