// Every template in every framework, rendered with its defaults, must be code a user can keep: it parses without
// error nodes, names its λ (a tab stop whose default is the template's λ, and the name is used, not only declared),
// and avoids what the project's own diagnostics flag (sum over the batch, division without epsilon, a Keras loss
// whose λ cannot change).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ConstraintKind, Framework } from '../../../src/analysis/ir';
import { frameworks, snippetPrefix, templateDefaultText, templates, violationMetrics } from '../../../src/templates/catalog';
import { renderSnippet } from '../../../src/templates/snippetSyntax';
import { type Grammar, loadParsers, nodesOfType, syntaxProblems } from './parsers';

type Parsers = Awaited<ReturnType<typeof loadParsers>>;
let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

/** The grammars a framework's snippets must parse in: TF.js snippets are offered in .ts and .js files alike. */
const grammarsOf: Record<Framework, Grammar[]> = {
  keras: ['python'],
  pytorch: ['python'],
  tfjs: ['typescript', 'javascript'],
};

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('the catalog covers every constraint kind the issue asks for, with unique ids', () => {
  const kinds: ConstraintKind[] = [
    'sum-to-one', 'bounds', 'output-sparsity', 'weight-sparsity', 'non-negativity', 'monotone', 'parity',
  ];
  for (const kind of kinds) assert.ok(templates.some((t) => t.constraint === kind), `no template for ${kind}`);
  const ids = templates.map((t) => t.id);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${ids.join(', ')}`);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/, `id "${id}" must be usable in a prefix`);
  // Sum-to-one in both penalty shapes, and a factory.
  const sumBodies = templates.filter((t) => t.constraint === 'sum-to-one').map((t) => templateDefaultText(t, 'keras'));
  assert.ok(sumBodies.some((b) => b.includes('tf.abs(')), 'an L1 sum-to-one template');
  assert.ok(sumBodies.some((b) => b.includes('tf.square(')), 'a squared sum-to-one template');
  assert.ok(templates.some((t) => t.id === 'factory'), 'a loss factory template');
});

for (const t of templates) {
  describe(`template ${t.id}`, () => {
    test('has a title, a one-paragraph description that talks about λ, and the violation metric of its kind', () => {
      assert.ok(t.title.trim().length > 0);
      assert.ok(t.description.length > 200, 'the description explains what, which penalty shape and how to pick λ');
      assert.ok(!t.description.includes('\n'), 'one paragraph');
      assert.match(t.description, /λ/);
      assert.deepEqual(t.violation, violationMetrics[t.constraint]);
      assert.ok(t.violation.label.length > 0 && t.violation.describe.length > 0);
    });

    for (const framework of frameworks) {
      describe(framework, () => {
        const snippet = t.snippets[framework];
        const text = templateDefaultText(t, framework);

        for (const grammar of grammarsOf[framework]) {
          test(`parses in the ${grammar} grammar without error nodes`, () => {
            const tree = parsers[grammar].parse(text);
            assert.ok(tree, 'parser returned a tree');
            assert.deepEqual(syntaxProblems(tree.rootNode), [], `${snippetPrefix(t, framework)}:\n${text}`);
          });
        }

        test('names its λ: a tab stop defaulting to the template λ, bound to a name that the code uses', () => {
          const binding = new RegExp(`\\b${escapeRe(snippet.lambdaName)}\\s*=\\s*\\$\\{(\\d+):${escapeRe(t.lambdaDefault)}\\}`);
          const m = binding.exec(snippet.body);
          assert.ok(m, `no "${snippet.lambdaName}=\${n:${t.lambdaDefault}}" in the body`);
          const stop = renderSnippet(snippet.body).placeholders.find((p) => p.index === Number(m[1]));
          assert.equal(stop?.text, t.lambdaDefault);
          const grammar = grammarsOf[framework][0];
          const tree = parsers[grammar].parse(text)!;
          const uses = nodesOfType(tree.rootNode, ['identifier', 'property_identifier']).filter(
            (n) => n.text === snippet.lambdaName,
          );
          assert.ok(uses.length >= 2, `${snippet.lambdaName} is declared and used (found ${uses.length})`);
        });

        test('has tab stops and ends with the cursor after the code ($0)', () => {
          const stops = renderSnippet(snippet.body).placeholders;
          assert.ok(stops.some((p) => p.index === 0), 'final cursor $0');
          assert.ok(stops.filter((p) => p.index > 0 && p.text !== '').length >= 2, 'λ and at least one name or bound');
          assert.ok(!/\$\{|\$\d/.test(text), 'no snippet syntax left in the default text');
        });

        test('averages over the batch: every sum has an axis, or sums over the weights', () => {
          const sums = [...text.matchAll(/(tf\.reduce_sum|tf\.sum|\.sum)\(([^)]*)\)/g)];
          for (const [call, fn, args] of sums) {
            const overWeights = fn === '.sum' && args === '' && /for p in model\.parameters\(\)/.test(text);
            assert.ok(overWeights || /axis|dim|-1/.test(args), `${call} sums over the batch`);
          }
        });

        test('divides and takes logs only with an epsilon', () => {
          for (const line of text.split('\n')) {
            const at = Math.max(line.indexOf(' / '), line.indexOf('tf.div('));
            if (at >= 0) assert.match(line.slice(at), /\+ eps\)|tf\.add\([^\n]*, eps\)/, `division without epsilon: ${line.trim()}`);
          }
          for (const [, arg] of text.matchAll(/\blog\(([^)\n]*)\)/g)) assert.match(arg, /eps/);
        });
      });
    }

    test('Keras: the loss follows (y_true, y_pred) and its λ is not frozen by model.compile', () => {
      const text = templateDefaultText(t, 'keras');
      const tree = parsers.python.parse(text)!;
      const defs = nodesOfType(tree.rootNode, ['function_definition']);
      const losses = defs.filter((d) => d.childForFieldName('parameters')?.text === '(y_true, y_pred)');
      if (t.constraint === 'weight-sparsity') {
        // No loss function at all: the penalty lives on the layers and Keras adds model.losses itself.
        assert.equal(losses.length, 0);
        assert.match(text, /kernel_regularizer=/);
        return;
      }
      assert.equal(losses.length, 1, 'one Keras loss (y_true, y_pred)');
      // The loss is nested in a factory that owns λ: compile(loss=make_x(lam=...)) reaches training.
      const factory = losses[0].parent?.parent;
      assert.equal(factory?.type, 'function_definition', 'the loss is defined inside a factory');
      assert.match(factory!.childForFieldName('parameters')!.text, new RegExp(`\\b${t.snippets.keras.lambdaName}=`));
      assert.match(text, new RegExp(`compile\\(loss=${factory!.childForFieldName('name')!.text}\\(lam=`));
    });
  });
}

test('the weight-sparsity template uses each framework\'s own mechanism', () => {
  const t = templates.find((x) => x.constraint === 'weight-sparsity')!;
  assert.match(templateDefaultText(t, 'keras'), /kernel_regularizer=kernel_l1/);
  assert.match(templateDefaultText(t, 'pytorch'), /for p in model\.parameters\(\)/);
  assert.match(templateDefaultText(t, 'tfjs'), /kernelRegularizer: tf\.regularizers\.l1\(\{ l1: weightLam \}\)/);
});

test('the L1 and squared sum-to-one templates insert functions with different default names', () => {
  const [l1, sq] = ['sum1', 'sum1-sq'].map((id) => templates.find((t) => t.id === id)!);
  for (const f of frameworks) assert.notEqual(templateDefaultText(l1, f).split('\n')[0], templateDefaultText(sq, f).split('\n')[0]);
});
