/**
 * Spec -> ResolvedStack. Builds every component's fragment, adds exporters when
 * the stack collects metrics, wires consumers and jobs, settles the dependency
 * graph, then checks ports, memory and ${VAR} references. Pure but for the
 * RNG and the host probes it is handed.
 */
import { UsageError } from '../errors.js';
import { COLLECTORS } from '../catalog/index.js';
import type { ComponentContext, SecretDecl, StackIndex } from '../catalog/types.js';
import type { FileOut } from '../model/files.js';
import type { Service } from '../model/service.js';
import type { ValidSpec, SpecService } from './spec.js';
import { envPrefix } from '../util/names.js';
import { mustParseSize, toMiB } from '../util/size.js';
import { catalogImage, imageKey, pickImage, type ImageSources } from './images.js';
import type { ExternalService, ResolvedStack } from '../model/stack.js';
import { cryptoSecret, resolveSecrets, type RandomSecret } from './secrets.js';
import { wireConsumers, wireGrafana, wireJobs } from './wiring.js';
import { settleDependencies } from './graph.js';
import { checkPorts, type PublishedPort } from './ports.js';
import { checkBudget } from './memory.js';
import { checkReferences } from './refs.js';
import { checkMountTargets } from './mounts.js';
import { checkEnvValues } from './env-values.js';
import { runsUnder } from './profiles.js';
import { envStrings } from '../catalog/_base.js';

export interface ResolveInput {
  name: string;
  spec: ValidSpec;
  /** Directory of stack.yaml: relative build contexts and mounts resolve against it. */
  specDir: string;
  images?: { cli?: Record<string, string>; user?: Record<string, string> };
  /** Secrets given on the command line, by .env name. */
  givenSecrets?: Record<string, string>;
  /** The stack's current .env, if it has one. */
  existingEnv?: Record<string, string>;
  /** Where an entry of existingEnv is (file:line), for errors about it. */
  existingEnvAt?: (name: string) => string;
  rotateSecrets?: boolean;
  /** A new value for a secret that existing data was made with is the user's choice (else refused). */
  allowSecretChange?: boolean;
  /**
   * The stack's volumes on the engine (names as in the Compose file), or
   * 'unknown' when the engine could not be asked; guards secrets that a
   * service reads only when its data is created. Absent: no data anywhere.
   */
  existingVolumes?: ReadonlySet<string> | 'unknown';
  random?: RandomSecret;
  /** --profile: replaces the spec's active profiles. */
  profiles?: string[];
  /** --memory-budget in bytes: replaces the spec's. */
  memoryBudget?: number;
  hostMemoryMiB?: number;
  /** Ports other stored stacks publish. */
  otherPorts?: PublishedPort[];
  /** Who listens on a host port, if anyone. */
  listener?: (port: number) => string | undefined;
}

const EXPORTER_MEMORY_MIB = 64;

function stackIndex(name: string, spec: SpecService[]): StackIndex {
  const components = new Map(spec.map((s) => [s.name, s.def.name]));
  const byName = new Map(spec.map((s) => [s.name, s]));
  return {
    name,
    components,
    byComponent: (c) => spec.filter((s) => s.def.name === c && !s.options.external).map((s) => s.name),
    has: (c) => spec.some((s) => s.def.name === c && !s.options.external),
    optionsOf: (s) => byName.get(s)?.options,
  };
}

/** Options about the container, which an external datastore does not have. */
const CONTAINER_OPTIONS = ['image', 'port', 'bind', 'memory', 'cpus', 'profiles', 'env', 'dependsOn', 'healthcheck', 'labels'];

function parseExternal(s: SpecService): ExternalService {
  const moot = CONTAINER_OPTIONS.find((k) => s.options[k] !== undefined);
  if (moot) throw new UsageError(`services.${s.name}.${moot}: ${s.name} is external (no container runs for it), so ${moot} does not apply; drop it`);
  const [host, port] = String(s.options.external).split(':') as [string, string | undefined];
  const p = port ? Number(port) : s.def.clientPort ?? s.def.port ?? 0;
  if (!(p >= 1 && p <= 65535)) throw new UsageError(`services.${s.name}.external: ${port} is not a port (1-65535)`);
  return { name: s.name, component: s.def.name, host, port: p };
}

export function resolveStack(input: ResolveInput): ResolvedStack {
  const { spec, name } = input;
  const index = stackIndex(name, spec.services);
  const sources: ImageSources = { cli: input.images?.cli ?? {}, spec: spec.raw.images ?? {}, user: input.images?.user ?? {} };
  const warnings: string[] = [];
  if (index.has('web') && index.has('reporting')) {
    throw new UsageError(`services: ${index.byComponent('web')[0]} (web) and ${index.byComponent('reporting')[0]} (reporting) cannot share a stack; reporting is the read-only dashboard for what web writes, so keep one`);
  }

  // Secret names: `<SERVICE>_<SUFFIX>` or a fixed stack-wide name.
  const secretNames: Record<string, Record<string, string>> = {};
  const declared = new Map<string, { decl: SecretDecl; service: string }>();
  for (const s of spec.services) {
    for (const decl of [...(s.def.secrets ?? []), ...(s.def.secretsFor?.(s.options) ?? [])]) {
      if (decl.when && !decl.when(s.options)) continue;
      const envName = decl.env ?? `${envPrefix(s.name)}_${decl.suffix}`;
      if (envName.startsWith('COMPOSE_')) throw new UsageError(`services.${s.name}.secrets: ${envName} is Compose's own setting in .env, not a secret; name it differently`);
      const clash = declared.get(envName);
      if (clash && !decl.env) throw new UsageError(`services.${s.name}: its secret ${envName} clashes with ${clash.service}'s; rename one of the services`);
      declared.set(envName, clash ?? { decl, service: s.name });
      (secretNames[s.name] ??= {})[decl.key] = envName;
    }
  }
  const secretRef = (service: string, key: string) => {
    const n = secretNames[service]?.[key];
    if (!n) throw new Error(`internal: ${service} has no secret ${key}`);
    return `\${${n}}`;
  };

  // Fragments.
  const produced = new Map<string, Service[]>();
  const externals = new Map<string, ExternalService>();
  const volumes = new Set<string>();
  const volumesOf = new Map<string, string[]>();
  const files: FileOut[] = [];
  for (const s of spec.services) {
    if (s.options.external) {
      externals.set(s.name, parseExternal(s));
      continue;
    }
    const memory = s.options.memory ?? s.def.memory;
    const min = s.def.minMemory;
    if (min && toMiB(mustParseSize(memory, `services.${s.name}.memory`)) < toMiB(mustParseSize(min.size, 'minMemory'))) {
      throw new UsageError(`services.${s.name}.memory: ${memory} is too little for ${s.def.name} (${min.why}); give it at least ${min.size}`);
    }
    const ctx: ComponentContext = {
      service: s.name,
      options: s.options,
      image: pickImage(imageKey(s.def, s.options), catalogImage(s.def, s.options), sources, s.options.image),
      memoryMiB: toMiB(mustParseSize(memory, `services.${s.name}.memory`)),
      secret: (key) => secretRef(s.name, key),
      stack: index,
      specDir: input.specDir,
    };
    const fragment = s.def.build(ctx);
    if (s.options.healthcheck && fragment.services.every((x) => !x.healthcheck)) {
      throw new UsageError(`services.${s.name}.healthcheck: ${s.name} has no health probe to time; ${s.def.consumer ? 'add health: /path (or {command: [...]})' : 'drop healthcheck'}`);
    }
    for (const svc of fragment.services) svc.labels = { ...svc.labels, 'dev.berth.component': s.def.name };
    checkMountTargets(s.name, fragment.services);
    produced.set(s.name, fragment.services);
    volumesOf.set(s.name, fragment.volumes ?? []);
    for (const v of fragment.volumes ?? []) volumes.add(v);
    files.push(...(fragment.files ?? []));
  }

  // Exporters, when something scrapes. They run with their target; a target that always
  // runs gets an exporter that runs with the collectors, when those are profile-gated.
  const collectors = spec.services.filter((s) => COLLECTORS.includes(s.def.name) && !s.options.external);
  const collectorProfiles = collectors.every((c) => (c.options.profiles ?? []).length > 0) ? [...new Set(collectors.flatMap((c) => c.options.profiles ?? []))] : [];
  if (collectors.length) {
    for (const s of spec.services) {
      const e = s.def.exporter;
      if (!e || s.options.external || s.options.exporter === false) continue;
      const ctx = { service: s.name, options: s.options, image: '', memoryMiB: 0, secret: (k: string) => secretRef(s.name, k), stack: index, specDir: input.specDir };
      const part = e.build(ctx as ComponentContext, pickImage(e.name, e.image, sources));
      const exporter: Service = {
        ...part,
        name: `${s.name}-exporter`,
        component: e.name,
        role: 'service',
        restart: 'unless-stopped',
        replicas: 1,
        memoryMiB: EXPORTER_MEMORY_MIB,
        profiles: [...(s.options.profiles?.length ? s.options.profiles : collectorProfiles)],
        labels: { 'dev.berth.component': e.name, 'dev.berth.exporter-of': s.name },
      };
      produced.set(exporter.name, [...(produced.get(exporter.name) ?? []), exporter]);
    }
  }

  const services = [...produced.values()].flat().sort((a, b) => a.name.localeCompare(b.name));
  for (let i = 1; i < services.length; i++) {
    if (services[i]!.name === services[i - 1]!.name) {
      throw new UsageError(`services.${services[i]!.name}: two services would both be named ${services[i]!.name} (instances, scale and exporters add names); rename one`);
    }
  }

  const wiring = { spec: spec.services, produced, externals, secretRef };
  wireConsumers(wiring);
  wireJobs(wiring);
  wireGrafana(services, secretNames);
  settleDependencies(services, produced);

  // Profiles.
  const knownProfiles = [...new Set(services.flatMap((s) => s.profiles))].sort();
  const active = [...new Set(input.profiles ?? spec.raw.profiles ?? [])];
  for (const p of active) {
    if (!knownProfiles.includes(p)) {
      throw new UsageError(`profiles: ${p} is not a profile of any service; ${knownProfiles.length ? `known profiles: ${knownProfiles.join(', ')}` : 'no service has profiles'}`);
    }
  }
  if (!services.some((s) => runsUnder(s.profiles, active))) {
    warnings.push(`no service runs under the active profiles (${active.join(', ') || 'none'}); pass --profile to pick some`);
  }

  warnings.push(...checkPorts(name, services, input.otherPorts ?? [], input.listener));

  const budget = input.memoryBudget ?? (spec.raw.memoryBudget !== undefined ? mustParseSize(spec.raw.memoryBudget, 'memoryBudget') : undefined);
  warnings.push(...checkBudget(services, active, budget, input.hostMemoryMiB ?? Number.MAX_SAFE_INTEGER));

  const vars = envStrings(spec.raw.vars);
  for (const k of Object.keys(vars)) {
    if (declared.has(k)) throw new UsageError(`vars.${k}: is a secret berth manages; pass it with --secret ${k}=... instead`);
    if (k.startsWith('COMPOSE_')) throw new UsageError(`vars.${k}: COMPOSE_ variables are berth's; use profiles: for COMPOSE_PROFILES`);
  }
  const sourceOf = new Map([...produced].flatMap(([source, list]) => list.map((svc) => [svc.name, source] as const)));
  checkReferences(services, new Set([...declared.keys(), ...Object.keys(vars)]), (n) => sourceOf.get(n) ?? n);

  const existing = input.existingEnv ?? {};
  const heldBy = (envName: string) => {
    const service = declared.get(envName)!.service;
    const known = input.existingVolumes;
    if (known === 'unknown') return { service };
    const volume = (volumesOf.get(service) ?? []).find((v) => known?.has(v));
    return volume ? { service, volume: `${name}_${volume}` } : undefined;
  };
  const fromEnvSpec = spec.raw.secretsFromEnv;
  const fromEnv = new Set(fromEnvSpec === true ? [...declared.keys()] : (fromEnvSpec ?? []));
  for (const n of fromEnv) {
    if (!declared.has(n)) throw new UsageError(`secretsFromEnv: ${n} is not a secret of this stack; its secrets: ${[...declared.keys()].sort().join(', ') || 'none'}`);
  }
  const secrets = resolveSecrets({ declared, given: input.givenSecrets ?? {}, existing, rotate: input.rotateSecrets ?? false, random: input.random ?? cryptoSecret, heldBy, fromEnv, allowChange: input.allowSecretChange });
  warnings.push(...secrets.warnings);
  const keptEnv: Record<string, string> = Object.create(null);
  for (const [k, val] of Object.entries(existing)) {
    if (!declared.has(k) && !Object.hasOwn(vars, k) && !k.startsWith('COMPOSE_')) keptEnv[k] = val;
  }
  const given = input.givenSecrets ?? {};
  const keptSecrets = Object.entries(secrets.values).filter(([n, val]) => !Object.hasOwn(given, n) && existing[n] === val);
  checkEnvValues({ vars, fromEnvFile: { ...Object.fromEntries(keptSecrets), ...keptEnv }, envFileAt: input.existingEnvAt ?? (() => '.env') });
  // A secret that moves to the environment leaves .env; say so, since its old value is gone from disk.
  for (const n of fromEnv) if (existing[n]) warnings.push(`${n} is now read from the environment and no longer stored in .env; export it before berth up`);
  for (const [envName, { decl, service }] of declared) {
    const party = decl.sharedWith?.(index.optionsOf(service) ?? {});
    if (party && secrets.generated.includes(envName)) warnings.push(`${envName} was generated, but it must match ${party}; pass its value with --secret ${envName}=... (or --auth-token)`);
  }
  for (const ext of externals.values()) {
    for (const envName of Object.values(secretNames[ext.name] ?? {})) {
      if (secrets.generated.includes(envName)) {
        warnings.push(`${envName} was generated for the external ${ext.component} at ${ext.host}; set its real value with --secret ${envName}=...`);
      }
    }
  }

  return {
    name,
    description: spec.raw.description,
    services,
    externals: [...externals.values()],
    volumes: [...volumes].sort(),
    network: spec.raw.network,
    secretsFromEnv: [...fromEnv].sort(),
    files,
    profiles: active,
    knownProfiles,
    vars,
    secrets: secrets.values,
    secretNames,
    keptEnv,
    generatedSecrets: secrets.generated,
    initOnlySecrets: [...declared]
      .filter(([, d]) => d.decl.initOnly && (volumesOf.get(d.service) ?? []).length)
      .map(([n, d]) => ({ name: n, service: d.service, volumes: volumesOf.get(d.service)! }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    specDir: input.specDir,
    warnings,
  };
}
