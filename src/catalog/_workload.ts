/**
 * What app, worker and job share: a user image (or a build), a command, the
 * connection env of the datastores they use, an HTTP health path, metrics, and
 * per-instance placeholders ({{name}}, {{instance}}, {{index}}, {{port}}) in env,
 * command, health and metrics.
 */
import * as v from 'valibot';
import { dict } from '../spec/dict.js';
import os from 'node:os';
import path from 'node:path';
import { argv, httpPath, names, opt, port, positive, type OptionDefs } from '../spec/fields.js';
import { UsageError } from '../errors.js';
import { imageText } from '../spec/common.js';
import { readText, textSchema } from '../spec/text.js';
import { mapProbeText, type Probe } from '../model/probe.js';
import { mapAsString, mapLiterals, plainOf, secretText, splitText, type Text } from '../model/text.js';
import type { Autoscale, BuildSpec, Mount, Service } from '../model/service.js';
import { shell, cmd, httpGet, FAST } from './_health.js';

/** The options as their schema reads them: commands as argv, and Text wherever a value may refer to a var or a secret. */
export interface WorkloadOptions {
  image?: Text;
  build?: { context: Text; dockerfile?: Text; target?: Text; args?: Record<string, Text> };
  containerPort?: number;
  command?: Text[];
  entrypoint?: Text[];
  health?: { path: Text } | { command: Text[] } | false;
  metrics?: boolean | string | { port?: number; path?: string };
  uses?: string[];
  volumes?: Text[];
  privileged?: boolean;
  capAdd?: string[];
  user?: string;
  readOnly?: boolean;
  noNewPrivileges?: boolean;
  gpu?: boolean | number | 'all';
  secrets?: string[];
  autoscale?: { min: number; max: number; cpu?: number; memory?: number };
}

export const buildSchema = v.union(
  [
    v.pipe(v.string(), readText((context) => ({ context }))),
    v.strictObject({
      context: textSchema,
      dockerfile: v.optional(textSchema),
      target: v.optional(textSchema),
      args: v.optional(dict(v.string(), textSchema)),
    }),
  ],
  'must be a build context path, or {context, dockerfile, target, args}',
);

/**
 * `source:/container/path[:ro|:rw]`, as Compose reads it: a source starting with
 * /, . or ~ is a host path (relative to stack.yaml; ~ and ~/ are the user's home),
 * anything else must be a valid volume name.
 */
const volumeSpec = v.pipe(
  v.string('must be a mount like ./data:/data or name:/path'),
  v.regex(/^[^:]+:\/[^:]*(:ro|:rw)?$/, 'must be source:/container/path[:ro], with a volume name or a host path as source'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const source = dataset.value.split(':')[0]!;
    if (source.startsWith('/') || source.startsWith('.')) return;
    if (source.startsWith('~')) {
      if (source !== '~' && !source.startsWith('~/')) {
        addIssue({ message: `is not a valid mount: ${source} (another user's home) is not expanded; write the full path, or ~/ for your own home` });
      }
      return;
    }
    if (source.includes('/')) {
      addIssue({ message: `is not a valid mount: ${source} is neither a volume name (no /) nor a host path; write ./${source} for a path next to stack.yaml, or /${source} for an absolute one` });
    } else if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)) {
      addIssue({ message: `is not a valid mount: volume name ${JSON.stringify(source)} may only use letters, digits, _, . and - (starting with a letter or digit); rename it, or start a host path with /, ./ or ~/` });
    }
  }),
);

const percent = v.pipe(v.number('must be a percentage like 70'), v.integer('must be a whole percentage'), v.minValue(1, 'must be at least 1'), v.maxValue(1000, 'must be at most 1000'));

const autoscaleSchema = v.pipe(
  v.strictObject({ min: positive, max: positive, cpu: v.optional(percent), memory: v.optional(percent) }),
  v.forward(v.partialCheck([['min'], ['max']], (a) => a.max >= a.min, 'must be at least min'), ['max']),
);

/** `autoscale:` of apps and workers. */
export const AUTOSCALE_OPTION = opt(
  autoscaleSchema,
  '{min, max, cpu?, memory?}',
  'replicas between min and max by average CPU and/or memory use (percent of what each replica asks for; cpu 80 unless one is given), by a Kubernetes HorizontalPodAutoscaler (berth export); Compose runs min',
);

/** Where a target scales by itself (Kubernetes); CPU at 80% when no target is given, as Kubernetes' own default. */
export function autoscaleOf(a: WorkloadOptions['autoscale']): Autoscale | undefined {
  if (!a) return undefined;
  const targets = a.cpu === undefined && a.memory === undefined ? { cpuPercent: 80 } : { cpuPercent: a.cpu, memoryPercent: a.memory };
  return { min: a.min, max: a.max, ...Object.fromEntries(Object.entries(targets).filter(([, x]) => x !== undefined)) };
}

/** Replicas and autoscale are two ways to say how many run: one of them. */
export function refuseReplicasWithAutoscale(o: { replicas?: number; autoscale?: unknown }, where: string): void {
  if (o.autoscale && o.replicas !== undefined) throw new UsageError(`${where}: use either replicas or autoscale (its min is the replica count where nothing scales), not both`);
}

export const gpuSchema = v.union([v.boolean(), positive, v.literal('all')], 'must be true, a number of GPUs, or all');

export const WORKLOAD_OPTIONS: OptionDefs = {
  image: opt(imageText, 'image', 'image to run (required unless build is given)'),
  build: opt(buildSchema, 'path | map', 'build the image from a context (relative to stack.yaml)'),
  containerPort: opt(port, 'port', 'port the process listens on inside the container', 'port, else 8000'),
  command: opt(argv, 'list | string', 'command (a string runs under /bin/sh -c)'),
  entrypoint: opt(argv, 'list | string', 'entrypoint override'),
  health: opt(
    v.union([v.pipe(httpPath, readText((path) => ({ path }))), v.strictObject({ command: argv }), v.literal(false)], 'must be an HTTP path like /health, {command: [...]}, or false'),
    'path | {command} | false',
    'health probe: an HTTP path on containerPort (curl or wget in the image), or a command',
  ),
  metrics: opt(
    v.union([v.boolean(), httpPath, v.strictObject({ port: v.optional(port), path: v.optional(httpPath) })], 'must be true, a path like /metrics, or {port, path}'),
    'bool | path | {port, path}',
    'Prometheus endpoint to scrape',
  ),
  uses: opt(names, 'list', 'datastores whose connection env it receives (and waits for); {{NAME}} in env, command or health is one of those variables', 'every datastore in the stack'),
  volumes: opt(v.array(v.pipe(volumeSpec, readText())), 'list', 'extra mounts, source:/path[:ro] (a name is a named volume, a path is a host path)'),
  privileged: opt(v.boolean(), 'boolean', 'run privileged'),
  capAdd: opt(v.array(v.pipe(v.string(), v.regex(/^[A-Z_]+$/, 'must be a capability like NET_ADMIN'))), 'list', 'added Linux capabilities'),
  user: opt(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, 'must be a user like 1000, 1000:1000 or app')), 'user[:group]', 'run as this user instead of the image\'s'),
  readOnly: opt(v.boolean('must be true or false'), 'boolean', 'read-only root filesystem (/tmp stays writable, in memory); write data to volumes', 'false'),
  noNewPrivileges: opt(v.boolean('must be true or false'), 'boolean', 'forbid gaining privileges (setuid) inside the container', 'false'),
  gpu: opt(gpuSchema, 'true | n | all', 'reserve NVIDIA GPUs'),
  secrets: opt(
    v.array(v.pipe(v.string(), v.regex(/^[A-Z][A-Z0-9_]*$/, 'must be an env name in capitals, like JWT_SECRET'))),
    'list',
    'secrets of your own (e.g. JWT_SECRET): generated into .env once, kept, given to the service as env of that name',
  ),
};

/** `secrets:` of a workload become stack-wide secret declarations under their own names. */
export function workloadSecrets(options: Record<string, unknown>): { key: string; env: string; kind: 'token'; doc: string }[] {
  return ((options.secrets as string[] | undefined) ?? []).map((name) => ({ key: name, env: name, kind: 'token', doc: 'declared in stack.yaml' }));
}

/** Env entries that hand each named secret to the service under its own name. */
export function secretEnv(names: string[] | undefined): Record<string, Text> {
  return Object.fromEntries((names ?? []).map((n) => [n, secretText(n)]));
}

/** `givenAt` is the stack.yaml key of the build (services.api.build), for errors about its context. */
export function buildOf(b: WorkloadOptions['build'], specDir: string, givenAt: string): BuildSpec | undefined {
  if (b === undefined) return undefined;
  return { ...b, context: mapAsString(b.context, (c) => path.resolve(specDir, c)), givenAt };
}

/** A health path: `curl` or `wget`, whichever the image has, against the app's own port; else the command. */
export function healthOf(h: WorkloadOptions['health'], containerPort: number): Probe | undefined {
  if (h === undefined || h === false) return undefined;
  if ('path' in h) return httpGet(containerPort, h.path, FAST, 'curl-or-wget');
  const c = h.command;
  return plainOf(c[0]!) === '/bin/sh' && plainOf(c[1] ?? '') === '-c' ? shell(c[2] ?? '') : cmd(c);
}

export function metricsOf(m: WorkloadOptions['metrics'], containerPort: number) {
  if (m === undefined || m === false) return undefined;
  if (m === true) return { port: containerPort, path: '/metrics' };
  if (typeof m === 'string') return { port: containerPort, path: m };
  return { port: m.port ?? containerPort, path: m.path ?? '/metrics' };
}

/** A host path the user gave: ~ and ~/... are their home, as in a shell; other paths are relative to stack.yaml. */
export function hostPath(file: Text, specDir: string): Text {
  return mapAsString(file, (f) => path.resolve(specDir, f === '~' || f.startsWith('~/') ? path.join(os.homedir(), f.slice(1)) : f));
}

/**
 * `source:/container/path[:ro|:rw]` as mounts (the schema allows no other `:`,
 * so none is inside a reference). `givenAt` is the stack.yaml key of the list
 * (services.api.volumes), for errors about its mounts.
 */
export function mountsOf(volumes: Text[] | undefined, specDir: string, givenAt: string): { mounts: Mount[]; named: string[] } {
  const mounts: Mount[] = [];
  const named: string[] = [];
  for (const spec of volumes ?? []) {
    const [source, target, mode] = splitText(spec, ':') as [Text, Text, Text | undefined];
    const readOnly = mode === 'ro';
    // The schema let through a volume name (plain) or a host path (starting with /, . or ~).
    const name = plainOf(source);
    if (name !== undefined && !/^[/.~]/.test(name)) {
      mounts.push({ type: 'volume', source: name, target, readOnly, givenAt });
      named.push(name);
    } else mounts.push({ type: 'bind', source: hostPath(source, specDir), target, readOnly, givenAt });
  }
  return { mounts, named };
}

/** The hardening options as Service fields (shared by app, worker and job). */
export function hardeningOf(o: Pick<WorkloadOptions, 'user' | 'readOnly' | 'noNewPrivileges'>): Pick<Service, 'user' | 'readOnly' | 'noNewPrivileges'> {
  return { user: o.user, readOnly: o.readOnly || undefined, noNewPrivileges: o.noNewPrivileges || undefined };
}

export function gpuOf(g: WorkloadOptions['gpu']): { count: number | 'all' } | undefined {
  if (g === undefined || g === false) return undefined;
  return { count: g === true ? 1 : g };
}

type Vars = Record<string, string | number>;

function expandString(text: string, vars: Vars): string {
  return text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => (Object.hasOwn(vars, key) ? String(vars[key]) : m));
}

const expand = (t: Text, vars: Vars): Text => mapLiterals(t, (s) => expandString(s, vars));

/**
 * Expands {{name}}, {{instance}}, {{index}} and {{port}} in one instance's env
 * values, command, entrypoint, health probe, metrics path and labels. Other
 * {{NAME}}s are left for wiring (the connection env a service receives).
 */
export function expandPlaceholders<T extends Pick<Service, 'environment' | 'command' | 'entrypoint' | 'probe' | 'metrics' | 'labels'>>(svc: T, vars: Vars): T {
  const all = (m: Record<string, Text>) => Object.fromEntries(Object.entries(m).map(([k, val]) => [k, expand(val, vars)]));
  return {
    ...svc,
    environment: all(svc.environment),
    command: svc.command?.map((a) => expand(a, vars)),
    entrypoint: svc.entrypoint?.map((a) => expand(a, vars)),
    probe: svc.probe && mapProbeText(svc.probe, (a) => expand(a, vars)),
    metrics: svc.metrics && { ...svc.metrics, path: expandString(svc.metrics.path, vars) },
    labels: all(svc.labels),
  };
}
