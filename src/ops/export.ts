/**
 * berth export: a stored stack as manifests for another target
 * (Kubernetes). Its stack.yaml is resolved as generate resolves it, with the
 * stack's own secrets (.env) and active profiles, but nothing of the stack
 * is written: the manifests go to the folder given, replaced as a whole,
 * and only a folder berth exported into before is ever replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { ResolvedStack } from '../model/stack.js';
import type { RandomSecret } from '../resolve/secrets.js';
import { resolveStack } from '../resolve/index.js';
import { renderKubernetes, type KubeOptions } from '../render/kubernetes/index.js';
import { serviceNameProblem } from '../render/kubernetes/meta.js';
import { BERTH_VERSION } from '../catalog/_berth.js';
import { validateStackName } from '../store/home.js';
import { replaceDir } from '../store/atomic.js';
import { readStackEnv } from '../store/stacks.js';
import { readUserImages } from '../store/images.js';
import type { OpsDeps } from './deps.js';
import { loadSpec } from './spec-source.js';
import { effectiveSpecDir } from './spec-dir.js';

/** Marks a folder berth exported into, the only kind it replaces. */
export const EXPORT_MARKER = '.berth-export.json';

export interface ExportRequest {
  name: string;
  to: 'kubernetes';
  /** The folder to write (replaced as a whole). */
  out: string;
  options?: Partial<KubeOptions>;
  /** Active profiles; default: the stack's own (as generate left them). */
  profiles?: string[];
  random?: RandomSecret;
}

export interface ExportResult {
  stack: string;
  to: 'kubernetes';
  dir: string;
  format: string;
  files: string[];
  warnings: string[];
  /** What to run next, with <dir> for the folder. */
  next: string[];
}

/** A stored stack resolved again as generate resolved it: its own secrets (.env) and its active profiles unless others are given. */
export function resolveStored(deps: OpsDeps, req: Pick<ExportRequest, 'name' | 'profiles' | 'random'>): ResolvedStack {
  const manifest = deps.store.stacks.requireManifest(req.name);
  const loaded = loadSpec(deps, req.name, { stored: true });
  return resolveStack({
    name: req.name,
    spec: loaded.spec,
    specDir: effectiveSpecDir(deps.home, loaded.specDir),
    images: { user: readUserImages(deps.home) },
    existingEnv: readStackEnv(deps.home, req.name),
    profiles: req.profiles ?? manifest.profiles,
    random: req.random,
  });
}

/** Consumers reach each service by its name: one Kubernetes cannot name a Service is refused before anything is written. */
function refuseUnnamable(stack: ResolvedStack): void {
  for (const s of stack.services) {
    const problem = serviceNameProblem(s.name);
    if (problem) throw new UsageError(`services.${s.origin.spec}: ${s.name} ${problem}, and consumers reach it by that name; rename it in stack.yaml to export it`);
  }
}

/** The folder may be new, empty, or one berth exported into; anything else is the user's and is left alone. */
function checkOut(dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new UsageError(`--out ${dir}: is a file; give a folder to export into`);
  if (fs.readdirSync(dir).length && !fs.existsSync(path.join(dir, EXPORT_MARKER))) {
    throw new UsageError(`--out ${dir}: holds files berth did not export, which exporting would replace; give a new or empty folder`);
  }
}

export function exportStack(deps: OpsDeps, req: ExportRequest): ExportResult {
  validateStackName(req.name);
  const dir = path.resolve(req.out);
  checkOut(dir);
  const stack = resolveStored(deps, req);
  refuseUnnamable(stack);
  const bundle = renderKubernetes(stack, req.options);
  const format = req.options?.format ?? 'kustomize';
  const marker = { path: EXPORT_MARKER, content: JSON.stringify({ stack: req.name, to: req.to, format, berthVersion: BERTH_VERSION }, null, 2) + '\n' };
  replaceDir(dir, [...bundle.files, marker], { durable: false });
  return { stack: req.name, to: req.to, dir, format, files: bundle.files.map((f) => f.path), warnings: [...stack.warnings, ...bundle.warnings], next: bundle.next };
}
