/**
 * Checks on a rendered Compose file: the official JSON schema; `docker-compose
 * config -q` under each profile combination, plus what config does not check
 * (every active service's depends_on targets are active too, no two active
 * services publish the same host port); and bind mounts that point only at files
 * berth writes or files that exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import type { FileOut } from '../../src/model/files.js';
import { GOLDEN_ROOT } from './_golden.js';
import { pool, run } from './_tools.js';

/** docker-compose processes in flight at once (each is a Python start-up, CPU-bound). */
const COMPOSE_CONCURRENCY = Math.min(4, Math.max(2, os.availableParallelism?.() ?? 2));

type Json = Record<string, unknown>;
export interface ComposeDoc {
  services: Record<string, Json>;
  volumes?: Record<string, unknown>;
}

export const isComposeFile = (p: string) => /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(path.basename(p));

let validator: ((doc: unknown) => string[]) | undefined;

/** Validates against test/golden/compose-spec.json (a copy: CI has only the repository). */
export function composeSchemaErrors(doc: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(path.join(GOLDEN_ROOT, 'compose-spec.json'), 'utf8')) as Json;
    // draft-07 is Ajv's default; its https meta-schema id is not registered, so drop the pointer.
    delete schema.$schema;
    const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as new (o: object) => {
      compile(s: object): ((d: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params: unknown }[] | null };
    };
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: unknown) => void;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    validator = (d) => (validate(d) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`));
  }
  return validator(doc);
}

/** Every subset of the known profiles when there are at most 6; else none, each one, each pair, and all. */
export function profileCombos(known: string[]): string[][] {
  const k = [...known].sort();
  if (k.length <= 6) {
    return Array.from({ length: 2 ** k.length }, (_, mask) => k.filter((_, i) => mask & (1 << i)));
  }
  const pairs = k.flatMap((a, i) => k.slice(i + 1).map((b) => [a, b]));
  return [[], ...k.map((p) => [p]), ...pairs, k];
}

const profilesOf = (s: Json) => (Array.isArray(s.profiles) ? (s.profiles as string[]) : []);

export function activeServices(doc: ComposeDoc, active: string[]): string[] {
  return Object.entries(doc.services)
    .filter(([, s]) => profilesOf(s).length === 0 || profilesOf(s).some((p) => active.includes(p)))
    .map(([n]) => n);
}

function dependsOn(s: Json): string[] {
  const d = s.depends_on;
  if (Array.isArray(d)) return d as string[];
  return d && typeof d === 'object' ? Object.keys(d) : [];
}

/** docker-compose 1.29 `config` ignores profiles, so this is checked here: what starts must find what it waits for. */
export function dependsProblems(doc: ComposeDoc, active: string[]): string[] {
  const on = new Set(activeServices(doc, active));
  const out: string[] = [];
  for (const name of on) {
    for (const dep of dependsOn(doc.services[name]!)) {
      if (!(dep in doc.services)) out.push(`${name} depends_on ${dep}, which is not a service`);
      else if (!on.has(dep)) out.push(`${name} depends_on ${dep}, which is not active (its profiles: ${profilesOf(doc.services[dep]!).join(', ')})`);
    }
  }
  return out;
}

function hostPorts(s: Json): { bind: string; host: string }[] {
  return ((s.ports as unknown[] | undefined) ?? []).flatMap((p) => {
    if (typeof p === 'object' && p) {
      const o = p as Json;
      return o.published === undefined ? [] : [{ bind: String(o.host_ip ?? '0.0.0.0'), host: String(o.published) }];
    }
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    if (parts.length < 2) return [];
    const host = parts[parts.length - 2]!;
    const bind = parts.slice(0, -2).join(':').replace(/^\[|\]$/g, '') || '0.0.0.0';
    return [{ bind, host }];
  });
}

const ANY = new Set(['0.0.0.0', '::', '']);

/** Two active services (or two replicas of one) must not publish the same host port on overlapping addresses. */
export function portProblems(doc: ComposeDoc, active: string[]): string[] {
  const seen: { svc: string; bind: string; host: string }[] = [];
  const out: string[] = [];
  for (const name of activeServices(doc, active)) {
    const s = doc.services[name]!;
    const replicas = Number((s.deploy as Json | undefined)?.replicas ?? 1);
    for (const p of hostPorts(s)) {
      if (replicas > 1) out.push(`${name} publishes host port ${p.host} but runs ${replicas} replicas`);
      const clash = seen.find((q) => q.host === p.host && (q.bind === p.bind || ANY.has(q.bind) || ANY.has(p.bind)));
      if (clash) out.push(`${name} and ${clash.svc} both publish host port ${p.host}`);
      seen.push({ svc: name, ...p });
    }
  }
  return out;
}

function mountSources(s: Json): { source: string; kind: string }[] {
  return ((s.volumes as unknown[] | undefined) ?? []).map((v) => {
    if (typeof v === 'object' && v) return { source: String((v as Json).source ?? ''), kind: String((v as Json).type ?? 'volume') };
    const source = String(v).split(':')[0]!;
    return { source, kind: /^[./~]/.test(source) ? 'bind' : 'volume' };
  });
}

/**
 * Nothing refers to a file berth does not write: relative bind sources (and build
 * contexts) must be in the bundle; absolute ones under examples/ (user files next to
 * stack.yaml) must exist; named volumes must be declared. Other absolute paths are
 * host paths on the target machine.
 */
export function mountProblems(doc: ComposeDoc, files: FileOut[], examplesRoot: string): string[] {
  const out: string[] = [];
  const inBundle = (rel: string) => files.some((f) => f.path === rel || f.path.startsWith(`${rel}/`));
  const check = (svc: string, what: string, source: string) => {
    if (source.startsWith('./') || source.startsWith('../') || source === '.') {
      const rel = path.posix.normalize(source).replace(/\/$/, '');
      if (rel.startsWith('..')) out.push(`${svc}: ${what} ${source} is outside the stack dir`);
      else if (!inBundle(rel)) out.push(`${svc}: ${what} ${source}, which berth does not write`);
    } else if (source.startsWith('~')) {
      out.push(`${svc}: ${what} ${source} depends on the home directory of whoever runs compose`);
    } else if (source.startsWith(`${examplesRoot}/`) && !fs.existsSync(source)) {
      out.push(`${svc}: ${what} ${source}, which does not exist`);
    }
  };
  for (const [name, s] of Object.entries(doc.services)) {
    for (const m of mountSources(s)) {
      if (m.kind === 'bind') check(name, 'mounts', m.source);
      else if (m.kind === 'volume' && !(doc.volumes && m.source in doc.volumes)) out.push(`${name}: mounts volume ${m.source}, which is not declared`);
    }
    const build = s.build;
    const context = typeof build === 'string' ? build : build && typeof build === 'object' ? (build as Json).context : undefined;
    if (typeof context === 'string') check(name, 'builds from', context);
  }
  return out;
}

export function composeFiles(files: FileOut[]): { path: string; doc: ComposeDoc }[] {
  return files.filter((f) => isComposeFile(f.path)).map((f) => ({ path: f.path, doc: parseYaml(f.content, { version: '1.1' }) as ComposeDoc }));
}

export function knownProfiles(files: FileOut[]): string[] {
  const manifest = files.find((f) => f.path === '.berth.json');
  return manifest ? ((JSON.parse(manifest.content) as { knownProfiles?: string[] }).knownProfiles ?? []) : [];
}

let fastStart: Promise<Record<string, string>> | undefined;

/**
 * Debian's docker-compose spends half its start-up importing setuptools for the
 * distutils shim; with the stdlib's distutils it starts in half the time. Used
 * only if a trial run on a tiny project works (Pythons without distutils need the shim).
 */
export function fastStartEnv(compose: string, home: string): Promise<Record<string, string>> {
  fastStart ??= (async () => {
    const env = { SETUPTOOLS_USE_DISTUTILS: 'stdlib' };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compose-probe-'));
    try {
      fs.writeFileSync(path.join(dir, 'docker-compose.yaml'), 'services:\n  a:\n    image: busybox\n');
      const r = await run(compose, ['-f', 'docker-compose.yaml', 'config', '-q'], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env } });
      return r.code === 0 && r.stderr.trim() === '' ? env : {};
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return fastStart;
}

/**
 * `docker-compose config -q` once per profile combination, in a copy of the stack
 * dir, with an environment of its own (so no variable of the test's shell leaks
 * in, but for the secrets it reads from the environment). Interpolation warnings
 * (a ${VAR} that neither gives) count as failures.
 * Profile rules that config does not check are asserted from the parsed file.
 */
export async function checkComposeCombos(compose: string, dir: string, files: FileOut[], composeHome: string): Promise<string[]> {
  const combos = profileCombos(knownProfiles(files));
  // Secrets a stack reads from the environment are exported at up, as berth up checks.
  const manifest = files.find((f) => f.path === '.berth.json');
  const fromEnv = manifest ? ((JSON.parse(manifest.content) as { secretsFromEnv?: string[] }).secretsFromEnv ?? []) : [];
  const baseEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: composeHome,
    LANG: 'C.UTF-8',
    ...Object.fromEntries(fromEnv.map((n) => [n, 'exported-at-up'])),
    ...(await fastStartEnv(compose, composeHome)),
  };
  const problems: string[] = [];
  for (const { path: file, doc } of composeFiles(files)) {
    const results = await pool(
      combos.map((combo) => async () => {
        const label = `${file} [profiles: ${combo.join(',') || 'none'}]`;
        const args = [...combo.flatMap((p) => ['--profile', p]), '-f', file, '--project-directory', dir, 'config', '-q'];
        const env = { ...baseEnv, COMPOSE_PROFILES: combo.join(',') };
        const r = await run(compose, args, { cwd: dir, env });
        const out: string[] = [];
        if (r.code !== 0) out.push(`${label}: docker-compose config exited ${r.code}:\n${r.stderr}${r.stdout}`);
        const noisy = r.stderr.split('\n').filter((l) => /WARNING|ERROR|is not set/.test(l));
        if (noisy.length) out.push(`${label}: docker-compose config warned:\n${noisy.join('\n')}`);
        if (activeServices(doc, combo).length === 0 && combo.length > 0) out.push(`${label}: no service is active`);
        out.push(...dependsProblems(doc, combo).map((p) => `${label}: ${p}`));
        out.push(...portProblems(doc, combo).map((p) => `${label}: ${p}`));
        return out;
      }),
      COMPOSE_CONCURRENCY,
    );
    problems.push(...results.flat());
  }
  return problems;
}
