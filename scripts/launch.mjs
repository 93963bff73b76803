// One command from a fresh clone to Loss Lab running in a browser VS Code (code-server) on the sample workspace:
// installs the project's dependencies if needed, sets up code-server (scripts/setup-e2e.mjs), packages the
// extension and installs the .vsix, then serves http://127.0.0.1:PORT until Ctrl+C.
//   npm start                 (PORT=8080 by default; e.g. PORT=9000 npm start)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension, root, setupE2e, startCodeServer } from './setup-e2e.mjs';

const port = Number(process.env.PORT ?? 8080);
const folder = join(root, 'sample-workspace');
const home = join(root, '.vscode-test', 'launch');
const log = (msg) => console.log(`[launch] ${msg}`);

function npm(args) {
  log(`$ npm ${args.join(' ')}`);
  const r = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** `npm ci` when node_modules is missing or older than the lock file (npm install when there is no lock). */
function installDependencies() {
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && (!existsSync(lock) || statSync(installed).mtimeMs >= statSync(lock).mtimeMs)) return log('dependencies installed');
  npm(existsSync(lock) ? ['ci'] : ['install']);
}

async function main() {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  installDependencies();
  await setupE2e();
  npm(['run', 'package']);

  // A fresh extensions folder so the .vsix just built is the one installed; settings persist between launches.
  const extensionsDir = join(home, 'extensions');
  const userDataDir = join(home, 'user-data');
  rmSync(extensionsDir, { recursive: true, force: true });
  const settings = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) {
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    // The secondary side bar (Chat) would take a third of the window from the editor and the training panel.
    const first = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'telemetry.telemetryLevel': 'off' };
    writeFileSync(settings, `${JSON.stringify(first, null, 2)}\n`);
  }
  log(installExtension(join(root, 'dist', 'loss-lab.vsix'), extensionsDir, userDataDir).trim());

  const server = await startCodeServer({ port, extensionsDir, userDataDir, folder, stdio: 'inherit' });
  const stop = () => {
    log('stopping code-server');
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.child.on('exit', (code) => {
    log(`code-server exited (${code})`);
    process.exit(code ?? 1);
  });
  console.log(`\n  Loss Lab is running in VS Code at ${server.url}  (sample workspace: ${folder})\n  Press Ctrl+C to stop.\n`);
}

main().catch((err) => {
  console.error(`[launch] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
