// A regularizer written as a lambda where a layer is built: `kernel_regularizer=lambda w: total_reg(w, lam_l1,
// lam_pos, size)` inside a layer factory (`def motif_conv(filters, size, lam_pos=3e-3, lam_l1=3e-3): return
// Conv2D(…, kernel_regularizer=lambda w: …)`). Keras calls the lambda on the layer's weight and adds what it returns
// to the loss, so it is a regularizer whose penalties (the helpers it calls, followed as any helper) read the
// factory's parameters: their defaults, or what a call of the factory passes (`motif_conv(8, 12, lam_l1=1e-3)`),
// as a loss factory's are.
import type { Node } from 'web-tree-sitter';
import type { Regularizes } from '../ir';
import type { LossDef } from './discover';
import { readParams } from './params';

/** `kernel_regularizer=`, `bias_regularizer=`, `activity_regularizer=`: the keyword and what it acts on. */
const REGULARIZER_KEYWORD = /^(kernel|bias|activity)_regularizer$/;

/** The function's own statements, decorated definitions unwrapped. */
const statementsOf = (fn: Node): Node[] => (fn.childForFieldName('body')?.namedChildren ?? []).filter((n): n is Node => !!n);

/** The statement of `fn`'s body that holds `node`. */
function statementHolding(fn: Node, node: Node): Node | undefined {
  let at: Node | null = node;
  while (at && at.parent?.id !== fn.childForFieldName('body')?.id) at = at.parent;
  return at ?? undefined;
}

/** What the regularizer acts on and the layer whose call passes it (`Conv2D`). */
function regularizes(keyword: Node, on: Regularizes['on']): Regularizes {
  const call = keyword.parent?.parent;
  const callee = call?.type === 'call' ? call.childForFieldName('function')?.text : undefined;
  const layer = callee?.slice(callee.lastIndexOf('.') + 1);
  return { on, ...(layer ? { layer } : {}) };
}

/** The regularizer lambdas a function passes to the layers it builds, each a regularizer of its parameters. */
export function lambdaRegularizers(fn: Node): LossDef[] {
  const nameNode = fn.childForFieldName('name');
  if (!nameNode) return [];
  const outerParams = readParams(fn.childForFieldName('parameters')).filter((p) => p.name !== 'self');
  const out: LossDef[] = [];
  for (const keyword of fn.descendantsOfType('keyword_argument')) {
    const on = REGULARIZER_KEYWORD.exec(keyword?.childForFieldName('name')?.text ?? '')?.[1] as Regularizes['on'] | undefined;
    const lambda = keyword?.childForFieldName('value');
    if (!keyword || !on || lambda?.type !== 'lambda') continue;
    const params = readParams(lambda.childForFieldName('parameters')).filter((p) => !p.variadic);
    const holder = statementHolding(fn, keyword);
    if (params.length !== 1 || !holder) continue;
    const statements = statementsOf(fn);
    out.push({
      kind: 'regularizer', name: nameNode.text, nameNode, defNode: fn, fn: lambda, params, outerParams,
      outerStatements: statements.slice(0, statements.indexOf(holder)), moduleAttrs: [], bindNames: outerParams.filter((p) => !p.variadic).map((p) => p.name),
      roles: { yTrue: '', yPred: params[0]!.name }, penaltiesOnly: true, regularizes: regularizes(keyword, on),
    });
  }
  return out;
}
