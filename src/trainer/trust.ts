// What the trainer may load and read, by workspace trust. The trainer enforces it itself (the spec says whether
// the workspace is trusted), so a host that passes a workspace path by mistake still cannot make it run
// workspace code.
//   - Native TensorFlow (`@tensorflow/tfjs-node`) is looked up at exact paths only, `<folder>/node_modules/
//     @tensorflow/tfjs-node`: never through Node's resolution, which would walk every parent folder's
//     node_modules. Untrusted: only Loss Lab's own folder. Trusted: the folders the user gave, then Loss Lab's own.
//   - A dataset file is resolved with realpath; in an untrusted workspace it must lie inside the workspace folder
//     (a symlink pointing out of it counts as outside).
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface NativePlaces {
  /** The workspace is trusted (VS Code's workspace trust; the command line is trusted). */
  trusted: boolean;
  /** Folders the user named (the tfjsNodePath setting, the workspace folder, the working folder): trusted only. */
  folders: string[];
  /** Loss Lab's own folder (the installed extension or package). */
  ownRoot?: string;
  /** The workspace folder, to say where a module came from. */
  workspaceDir?: string;
}

/** Where a loaded tfjs-node came from, as people read it. */
export type NativeOrigin = 'workspace' | 'loss-lab' | 'folder';

export interface NativeModule {
  /** The package folder (…/node_modules/@tensorflow/tfjs-node). */
  dir: string;
  /** The exact file that is required (its package.json `main`, resolved, real path). */
  file: string;
  version: string;
  origin: NativeOrigin;
}

const PACKAGE = ['node_modules', '@tensorflow', 'tfjs-node'];

/** The package folders to try, in order: exact paths, no parent folders. */
export function tfjsNodeCandidates(places: NativePlaces): string[] {
  const folders = places.trusted ? [...places.folders, places.ownRoot] : [places.ownRoot];
  const out: string[] = [];
  for (const folder of folders) {
    if (!folder || !isAbsolute(folder)) continue;
    const dir = join(resolve(folder), ...PACKAGE);
    if (!out.includes(dir)) out.push(dir);
  }
  return out;
}

/** True when `path` is `root` or lies under it (both real paths). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Text quoted from a user's file in a message: one line, about 80 characters at most. */
export function quote(text: string, max = 80): string {
  const line = text.replace(/[\r\n\t]+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function originOf(dir: string, places: NativePlaces): NativeOrigin {
  const real = realOrSelf(dir);
  if (places.ownRoot && isInside(real, realOrSelf(places.ownRoot))) return 'loss-lab';
  if (places.workspaceDir && isInside(real, realOrSelf(places.workspaceDir))) return 'workspace';
  return 'folder';
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The file a package folder's `main` names, at an exact path (the extensions Node would try, nothing more). */
function entryFile(dir: string, main: unknown): string | undefined {
  const base = typeof main === 'string' && main.trim() ? resolve(dir, main) : join(dir, 'index.js');
  if (!isInside(base, dir)) return undefined;
  for (const file of [base, `${base}.js`, join(base, 'index.js')]) {
    try {
      if (statSync(file).isFile()) return realpathSync(file);
    } catch {
      /* try the next form */
    }
  }
  return undefined;
}

/**
 * The first tfjs-node package found at the candidate paths, with the exact file to require and its version; or
 * why none was found. Reads package.json only: nothing is run here.
 */
export function findTfjsNode(places: NativePlaces): { ok: true; module: NativeModule } | { ok: false; error: string } {
  const candidates = tfjsNodeCandidates(places);
  for (const dir of candidates) {
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    let pkg: { version?: unknown; main?: unknown };
    try {
      pkg = JSON.parse(readFileSync(pkgFile, 'utf8').slice(0, 1_000_000)) as typeof pkg;
    } catch (e) {
      return { ok: false, error: `${pkgFile} is not valid JSON (${quote((e as Error).message)})` };
    }
    const file = entryFile(dir, pkg.main);
    if (!file) return { ok: false, error: `${dir} has no entry file (package.json main ${quote(JSON.stringify(pkg.main ?? 'index.js'))})` };
    const version = typeof pkg.version === 'string' ? quote(pkg.version, 40) : 'unknown version';
    return { ok: true, module: { dir, file, version, origin: originOf(dir, places) } };
  }
  const where = candidates.length ? candidates.join(', ') : 'no folder to look in';
  const scope = places.trusted ? '' : ' (untrusted workspace: only Loss Lab’s own folder is searched)';
  return { ok: false, error: `Cannot find module '@tensorflow/tfjs-node' in ${where}${scope}` };
}

/**
 * The real path of a dataset file; in an untrusted workspace it must lie inside the workspace folder.
 * Throws an Error with a message for people (the caller wraps it as a dataset error).
 */
export function datasetRealPath(path: string, options: { trusted: boolean; workspaceDir?: string }): string {
  const real = realpathSync(path);
  if (options.trusted) return real;
  const root = options.workspaceDir ? realOrSelf(options.workspaceDir) : undefined;
  if (!root) throw new Error(`${path}: this workspace is not trusted and has no folder, so no dataset file can be read`);
  if (!isInside(real, root)) {
    throw new Error(`${path} lies outside the workspace folder${real !== resolve(path) ? ` (it leads to ${real})` : ''}: an untrusted workspace may only read datasets inside ${root}`);
  }
  return real;
}
