// The snippet files the build writes (scripts/generate-snippets.ts) are exactly the catalog, as VS Code reads them.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import packageJson from '../../../package.json';
import { type SnippetFile, writeSnippets } from '../../../scripts/generate-snippets';
import type { Framework } from '../../../src/analysis/ir';
import { templates } from '../../../src/templates/catalog';

const dir = mkdtempSync(join(tmpdir(), 'loss-lab-snippets-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const written = writeSnippets(dir);
const read = (name: string): SnippetFile => JSON.parse(readFileSync(join(dir, name), 'utf8'));

test('writes python.json and tfjs.json, the files package.json contributes', () => {
  assert.deepEqual(readdirSync(dir).sort(), ['python.json', 'tfjs.json']);
  assert.equal(written.length, 2);
  const contributed = new Set(packageJson.contributes.snippets.map((s) => s.path.replace('./dist/snippets/', '')));
  assert.deepEqual([...contributed].sort(), ['python.json', 'tfjs.json']);
  const languages = packageJson.contributes.snippets.filter((s) => s.path.endsWith('tfjs.json')).map((s) => s.language);
  for (const l of ['typescript', 'javascript']) assert.ok(languages.includes(l), `tfjs.json offered in ${l}`);
});

const expectations: [file: string, framework: Framework, prefix: (id: string) => string][] = [
  ['python.json', 'keras', (id) => `closs-${id}`],
  ['python.json', 'pytorch', (id) => `closs-torch-${id}`],
  ['tfjs.json', 'tfjs', (id) => `closs-${id}`],
];

for (const [file, framework, prefix] of expectations) {
  test(`${file}: every ${framework} template with prefix ${prefix('<id>')}, its catalog body and description`, () => {
    const entries = Object.values(read(file));
    for (const t of templates) {
      const entry = entries.find((e) => e.prefix === prefix(t.id));
      assert.ok(entry, `no snippet ${prefix(t.id)} in ${file}`);
      assert.equal(entry.body.join('\n'), t.snippets[framework].body);
      assert.ok(entry.description.includes(t.description));
    }
  });
}

test('prefixes are unique within each file and entry counts match the catalog', () => {
  for (const [file, count] of [['python.json', 2 * templates.length], ['tfjs.json', templates.length]] as const) {
    const prefixes = Object.values(read(file)).map((e) => e.prefix);
    assert.equal(prefixes.length, count);
    assert.equal(new Set(prefixes).size, prefixes.length, `duplicate prefixes in ${file}`);
    for (const p of prefixes) assert.match(p, /^closs-/);
  }
});

test('snippet names say the framework, so Keras and PyTorch entries are told apart in the completion list', () => {
  const names = Object.keys(read('python.json'));
  assert.ok(names.some((n) => n.startsWith('Keras (tf.keras): ')));
  assert.ok(names.some((n) => n.startsWith('PyTorch: ')));
});
