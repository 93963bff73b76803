// The Python front end: a tree-sitter tree → the file's loss models.
import type { Node, Tree } from 'web-tree-sitter';
import { withRecovered } from '../parsing/merge';
import type { Framework, LossModel, ParseProblem } from '../ir';
import { rangeOf } from '../parsing/range';
import { discoverLosses } from './discover';
import { readImports } from './imports';
import { buildModel } from './model';
import { literalOf } from './params';
import { collectUsages } from './usages';

/** Module-level `NAME = number` (a global λ written once at the top of a script). */
function readGlobals(root: Node): Record<string, number> {
  const out: Record<string, number> = {};
  for (const stmt of root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : undefined;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
    const right = a?.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) continue;
    const v = literalOf(right);
    if (typeof v === 'number') out[left.text] = v;
  }
  return out;
}

/** Framework when the imports do not say: PyTorch when the file calls torch/F/nn, else Keras. */
function guessFramework(root: Node): Framework {
  return /\b(torch|F|nn)\.\w/.test(root.text) ? 'pytorch' : 'keras';
}

/** Definitions whose analysis failed are reported in `problems` (what and where) and the others carry on. */
export function analyzePythonTree(tree: Tree, framework: Framework | undefined, problems: ParseProblem[] = [], extraRoots: Node[] = []): LossModel[] {
  const root = tree.rootNode;
  const imports = readImports(root);
  const defs = withRecovered(discoverLosses(root), extraRoots.map(discoverLosses));
  const file = {
    imports,
    framework: framework ?? guessFramework(root),
    globals: readGlobals(root),
    knownLosses: new Set(defs.filter((d) => d.kind === 'function' && !/penalty|regulari[sz]/i.test(d.name)).map((d) => d.name)),
  };
  const built: { model: LossModel; def: (typeof defs)[number] }[] = [];
  for (const def of defs) {
    try {
      const model = buildModel(def, file);
      if (model) built.push({ model, def });
    } catch (err) {
      problems.push({ range: rangeOf(def.nameNode), message: `Loss Lab could not analyse '${def.name}' (line ${def.nameNode.startPosition.row + 1}): ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const models = built.map((b) => b.model);
  const { outputActivation } = collectUsages(
    root,
    models,
    built.map((b) => ({ node: b.def.defNode, fnParams: b.def.bindNames })),
    imports,
  );
  if (outputActivation) for (const m of models) m.outputActivation = outputActivation;
  return models;
}
