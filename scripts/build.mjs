// Builds every bundle with esbuild and copies the runtime assets (.wasm files) next to them.
//   node scripts/build.mjs [--production] [--watch]
// Bundles: dist/extension.js (extension host, CommonJS, `vscode` external), dist/trainer.js (child process),
// dist/cli.js (the `loss-lab` command line), dist/webview/panel.js (browser). Snippets are generated from the
// template catalog into dist/snippets/ so there is no hand-kept twin.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = join(root, 'dist');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

/**
 * ESM packages bundled into CommonJS (web-tree-sitter) read `import.meta.url` to find their .wasm and to
 * `createRequire`; in a CJS bundle it would be empty, so it is defined as this bundle's own file URL.
 */
const importMetaShim = {
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: 'var __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
};

/** Node-side bundles. `@tensorflow/tfjs-node` stays external: it is optional and native, resolved at run time. */
const nodeBuilds = [
  { entryPoints: ['src/editor/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['src/trainer/main.ts'], outfile: 'dist/trainer.js', external: ['@tensorflow/tfjs-node'] },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['@tensorflow/tfjs-node'] },
].map((b) => ({ ...common, ...b, platform: 'node', format: 'cjs', target: 'node20', ...importMetaShim }));

const webBuilds = [
  { entryPoints: ['webview/panel/main.ts'], outfile: 'dist/webview/panel.js' },
].map((b) => ({ ...common, ...b, platform: 'browser', format: 'iife', target: 'es2022' }));

/** Runtime assets that must sit beside the bundles (no network at run time). */
const assets = [
  ['node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/wasm/tree-sitter.wasm'],
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/wasm/tree-sitter-python.wasm'],
  ['node_modules/tree-sitter-typescript/tree-sitter-typescript.wasm', 'dist/wasm/tree-sitter-typescript.wasm'],
  ['node_modules/tree-sitter-typescript/tree-sitter-tsx.wasm', 'dist/wasm/tree-sitter-tsx.wasm'],
  ['node_modules/tree-sitter-javascript/tree-sitter-javascript.wasm', 'dist/wasm/tree-sitter-javascript.wasm'],
  ['node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm', 'dist/wasm/tfjs-backend-wasm.wasm'],
  ['node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm', 'dist/wasm/tfjs-backend-wasm-simd.wasm'],
  ['node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm', 'dist/wasm/tfjs-backend-wasm-threaded-simd.wasm'],
  ['node_modules/uplot/dist/uPlot.min.css', 'dist/webview/uPlot.min.css'],
];

function copyAssets() {
  mkdirSync(join(dist, 'wasm'), { recursive: true });
  mkdirSync(join(dist, 'webview'), { recursive: true });
  for (const [from, to] of assets) cpSync(join(root, from), join(root, to));
}

/** Snippets come from the template catalog (src/templates). Loaded through esbuild so the catalog stays TypeScript. */
async function generateSnippets() {
  const entry = join(root, 'scripts/generate-snippets.ts');
  if (!existsSync(entry)) return;
  const out = join(root, 'out/generate-snippets.cjs');
  await esbuild.build({ ...common, sourcemap: false, minify: false, entryPoints: [entry], outfile: out, platform: 'node', format: 'cjs' });
  const { createRequire } = await import('node:module');
  createRequire(import.meta.url)(out).writeSnippets(join(dist, 'snippets'));
}

const existing = [...nodeBuilds, ...webBuilds].filter((b) => existsSync(join(root, b.entryPoints[0])));
if (!watch) rmSync(dist, { recursive: true, force: true });
copyAssets();
await generateSnippets();
if (watch) {
  for (const b of existing) await (await esbuild.context(b)).watch();
  console.log('[build] watching');
} else {
  await Promise.all(existing.map((b) => esbuild.build(b)));
  console.log(`[build] ${existing.map((b) => b.outfile).join(', ')}${production ? ' (production)' : ''}`);
}
