/**
 * berth's own installation on this host: the folder it runs from, and what
 * of it a container image of berth needs (bin/, dist/, package.json, the
 * Dockerfile, and the packages the bundle leaves out: the server's database
 * drivers and HTTP libraries, with everything they require).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthError } from '../errors.js';

/** The installed package's root: the folder of the package.json above the running bundle. */
export function berthPackageDir(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'berth') return dir;
    if (path.dirname(dir) === dir) throw new BerthError(`cannot find berth's own package.json above ${from}; reinstall berth`, { code: 'io' });
  }
}

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  berth?: { external?: string[] };
}

const readPkg = (dir: string): PackageJson => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;

/** Where Node would find package `name` required from `dir` (its node_modules, then each parent's, up to `root`). */
function resolvePackage(dir: string, name: string, root: string): string | undefined {
  for (let d = dir; d.startsWith(root); d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (d === root) break;
  }
  return undefined;
}

/**
 * The package folders (relative to the package root) the bundle's external
 * packages need at run time, dependencies of dependencies included; an
 * optional dependency that is not installed is left out, as Node would.
 */
export function runtimePackages(root: string): string[] {
  const external = readPkg(root).berth?.external ?? [];
  const found = new Set<string>();
  const visit = (from: string, name: string, optional: boolean) => {
    const dir = resolvePackage(from, name, root);
    if (!dir) {
      if (optional) return;
      throw new BerthError(`${name} is not installed in ${root}; run npm install there`, { code: 'io' });
    }
    if (found.has(dir)) return;
    found.add(dir);
    const pkg = readPkg(dir);
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dir, dep, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dir, dep, true);
  };
  for (const name of external) visit(root, name, true);
  return [...found].map((d) => path.relative(root, d)).sort();
}

/**
 * Whether `src`, inside package folder `pkg`, is a build leftover of a native
 * addon (its sources and object files) that its compiled .node file does not need.
 */
function buildLeftover(pkg: string, src: string, native: boolean): boolean {
  const rel = path.relative(pkg, src);
  if (!native || rel.startsWith(`node_modules${path.sep}`)) return false;
  return rel === 'deps' || rel === 'src' || /(^|[\\/])obj(\.target)?$/.test(rel) || /\.(a|o)$/.test(rel);
}

/** Copies what berth's image needs from the installed package into `dest` (a build context). */
export function stageImageContext(root: string, dest: string): void {
  for (const item of ['package.json', 'Dockerfile', 'bin', 'dist']) {
    if (!fs.existsSync(path.join(root, item))) throw new BerthError(`${path.join(root, item)} is missing; reinstall berth (npm install builds dist/)`, { code: 'io' });
    fs.cpSync(path.join(root, item), path.join(dest, item), { recursive: true });
  }
  for (const rel of runtimePackages(root)) {
    const pkg = path.join(root, rel);
    const native = fs.existsSync(path.join(pkg, 'binding.gyp'));
    fs.cpSync(pkg, path.join(dest, rel), { recursive: true, filter: (src) => !buildLeftover(pkg, src, native) });
  }
}
