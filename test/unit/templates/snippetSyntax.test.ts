// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are VS Code snippet syntax, not template literals
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultText, renderSnippet } from '../../../src/templates/snippetSyntax';

test('placeholders render to their defaults; mirrors repeat them; $0 and empty stops render to nothing', () => {
  const r = renderSnippet('def make_${1:name}_loss(lam=${2:1.0}):\n    return ${1:name}_loss$0');
  assert.equal(r.text, 'def make_name_loss(lam=1.0):\n    return name_loss');
  assert.deepEqual(
    r.placeholders.map((p) => [p.index, p.text, r.text.slice(p.offset, p.offset + p.text.length)]),
    [[1, 'name', 'name'], [2, '1.0', '1.0'], [1, 'name', 'name'], [0, '', '']],
  );
});

test('nested placeholders, choices, ${n} and escapes', () => {
  assert.equal(defaultText('a=${1:f(${2:x})} b=${3|mse,mae|} c=${4} d=\\$x e=\\} f=\\\\'), 'a=f(x) b=mse c= d=$x e=} f=\\');
  assert.equal(renderSnippet('${1:outer ${2:inner}}').placeholders.find((p) => p.index === 1)?.text, 'outer inner');
});

test('braces and a lone $ are plain code', () => {
  assert.equal(defaultText('tf.layers.dense({ units: ${1:4} }); cost = $ 5'), 'tf.layers.dense({ units: 4 }); cost = $ 5');
});

test('an unterminated placeholder is reported, not silently rendered', () => {
  assert.throws(() => renderSnippet('lam=${1:1.0'), /unterminated placeholder/);
  assert.throws(() => renderSnippet('x=${1|a,b'), /unterminated choice/);
});
