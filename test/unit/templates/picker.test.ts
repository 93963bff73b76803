// What "Insert Constraint…" offers: one item per template for the framework, titled, with prefix and description.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameworks, templates } from '../../../src/templates/catalog';
import { frameworkPickItems, sourceLanguageOf, templatePickItems } from '../../../src/templates/picker';

test('one item per template in catalog order, label = title, detail = description, the framework\'s body', () => {
  for (const framework of frameworks) {
    const items = templatePickItems(framework);
    assert.deepEqual(items.map((i) => i.label), templates.map((t) => t.title));
    for (const [k, item] of items.entries()) {
      assert.equal(item.detail, templates[k].description);
      assert.equal(item.body, templates[k].snippets[framework].body);
      assert.equal(item.templateId, templates[k].id);
    }
  }
  assert.equal(templatePickItems('pytorch')[0].description, 'closs-torch-sum1');
  assert.equal(templatePickItems('keras')[0].description, 'closs-sum1');
  assert.equal(new Set(templatePickItems('keras').map((i) => i.label)).size, templates.length, 'labels are unique');
});

test('the framework question puts the frameworks of the file\'s language first', () => {
  assert.deepEqual(frameworkPickItems('python').map((i) => i.framework), ['keras', 'pytorch', 'tfjs']);
  assert.deepEqual(frameworkPickItems('typescript').map((i) => i.framework), ['tfjs', 'keras', 'pytorch']);
  assert.deepEqual(frameworkPickItems(undefined).map((i) => i.framework), ['keras', 'pytorch', 'tfjs']);
  assert.deepEqual(frameworkPickItems('python').map((i) => i.label), ['Keras (tf.keras)', 'PyTorch', 'TensorFlow.js']);
});

test('VS Code language ids map to analysis languages, React variants included', () => {
  assert.equal(sourceLanguageOf('python'), 'python');
  assert.equal(sourceLanguageOf('typescriptreact'), 'typescript');
  assert.equal(sourceLanguageOf('javascriptreact'), 'javascript');
  assert.equal(sourceLanguageOf('markdown'), undefined);
});
