/**
 * An example stack generated (as the golden tier does: deterministic
 * secrets, a fake certificate, no host probes) and exported through the
 * export operation, read back as files with their modes; and the YAML
 * objects in them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { generateStack } from '../../src/ops/generate.js';
import { exportStack, type ExportResult } from '../../src/ops/export.js';
import { parseSpecText } from '../../src/resolve/spec.js';
import type { FileOut } from '../../src/model/files.js';
import type { ResolvedStack } from '../../src/model/stack.js';
import type { KubeOptions } from '../../src/render/kubernetes/options.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';
import { EXAMPLES_ROOT } from '../golden/_golden.js';
import type { KubeObject } from './_schemas.js';

/** The options each example is exported with in the goldens (the rest: the defaults). */
export const EXAMPLE_OPTIONS: Record<string, Partial<KubeOptions>> = {
  'dredge-kubernetes': {
    ingressClass: 'nginx',
    certIssuer: 'letsencrypt',
    imagePullSecrets: ['ghcr-secret'],
    gpuNodeSelector: { 'nvidia.com/gpu.present': 'true' },
    gpuTolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  },
  dredge: { ingressClass: 'nginx', imagePullSecrets: ['ghcr-secret'] },
};

export interface Exported {
  stack: ResolvedStack;
  result: ExportResult;
  dir: string;
  files: FileOut[];
}

export function tempDir(prefix: string, list: string[]): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  list.push(d);
  return d;
}

function readTree(dir: string, base = ''): FileOut[] {
  return fs.readdirSync(path.join(dir, base), { withFileTypes: true }).flatMap((e) => {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) return readTree(dir, rel);
    const p = path.join(dir, rel);
    return [{ path: rel, content: fs.readFileSync(p, 'utf8'), mode: fs.statSync(p).mode & 0o777 }];
  });
}

export async function exportExample(name: string, temps: string[], options: Partial<KubeOptions> = EXAMPLE_OPTIONS[name] ?? {}): Promise<Exported> {
  const specDir = path.join(EXAMPLES_ROOT, name);
  const specText = fs.readFileSync(path.join(specDir, 'stack.yaml'), 'utf8');
  const home = tempDir('berth-kube-home-', temps);
  const deps = testDeps(home);
  const gen = await generateStack(deps, { name, spec: parseSpecText(specText), specText, specDir, random: countingSecrets(), makeCert: fakeCert, probeHost: false });
  const dir = path.join(tempDir('berth-kube-out-', temps), 'out');
  const result = exportStack(deps, { name, to: 'kubernetes', out: dir, options });
  return { stack: gen.stack, result, dir, files: readTree(dir).sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

/** Every object in YAML text (one or more documents). */
export function objectsOf(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => !!o);
}

/** The Kubernetes objects in exported files (kustomizations are kustomize's, not the cluster's). */
export function manifestObjects(files: FileOut[]): KubeObject[] {
  return files.filter((f) => f.path.endsWith('.yaml') && !f.path.endsWith('kustomization.yaml')).flatMap((f) => objectsOf(f.content));
}
