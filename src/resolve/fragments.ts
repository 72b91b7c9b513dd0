/**
 * Fragments: every spec service that runs a container is built by its
 * component into services, volumes and files; an external datastore runs none
 * and records where it is. What a service is built with (its image, memory,
 * secret references, the stack around it) is its ComponentContext.
 */
import { UsageError } from '../errors.js';
import type { ComponentContext, HostFacts, StackIndex } from '../catalog/types.js';
import type { ConfigFile } from '../model/files.js';
import type { Service } from '../model/service.js';
import type { ExternalService } from '../model/stack.js';
import { mustParseSize, toMiB } from '../util/size.js';
import { catalogImage, imageKey, pickImage, type ImageSources } from './images.js';
import { checkMountTargets } from './mounts.js';
import { secretRef, type SecretNames } from './secret-names.js';
import type { SpecService } from './spec.js';
import { byText } from '../util/order.js';

/** What every component of one stack is built with. */
export interface BuildEnv {
  stack: StackIndex;
  images: ImageSources;
  secrets: SecretNames;
  /** Directory of stack.yaml, to resolve relative paths the user gave. */
  specDir: string;
  host?: HostFacts;
}

export interface Fragments {
  /** spec service name -> the services it produced (several for instances and scale; exporters are added under their own name). */
  produced: Map<string, Service[]>;
  externals: Map<string, ExternalService>;
  /** Named volumes of the stack. */
  volumes: Set<string>;
  /** spec service name -> the named volumes its fragment declares. */
  volumesOf: Map<string, string[]>;
  files: ConfigFile[];
}

/** What the stack looks like from inside one component: names and options, no other fragments. */
export function stackIndex(name: string, spec: SpecService[]): StackIndex {
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

/** The context a spec service's component (and its exporter) is built in. */
export function contextFor(s: SpecService, env: BuildEnv): ComponentContext {
  const memory = s.options.memory ?? s.def.memory;
  return {
    service: s.name,
    options: s.options,
    image: pickImage(imageKey(s.def, s.options), catalogImage(s.def, s.options), env.images, s.options.image, `services.${s.name}.image`),
    memoryMiB: toMiB(mustParseSize(memory, `services.${s.name}.memory`)),
    secret: (key) => secretRef(env.secrets, s.name, key),
    stack: env.stack,
    specDir: env.specDir,
    ...(env.host ? { host: env.host } : {}),
  };
}

/** Options about the container, which an external datastore does not have. */
const CONTAINER_OPTIONS = ['image', 'port', 'bind', 'memory', 'cpus', 'profiles', 'env', 'dependsOn', 'healthcheck', 'labels', 'storage', 'node', 'placement'];

function parseExternal(s: SpecService): ExternalService {
  const moot = CONTAINER_OPTIONS.find((k) => s.options[k] !== undefined);
  if (moot) throw new UsageError(`services.${s.name}.${moot}: ${s.name} is external (no container runs for it), so ${moot} does not apply; drop it`);
  const [host, port] = String(s.options.external).split(':') as [string, string | undefined];
  const p = port ? Number(port) : s.def.clientPort ?? s.def.port ?? 0;
  if (!(p >= 1 && p <= 65535)) throw new UsageError(`services.${s.name}.external: ${port} is not a port (1-65535)`);
  return { name: s.name, component: s.def.name, host, port: p };
}

function refuseTooLittleMemory(s: SpecService): void {
  const memory = s.options.memory ?? s.def.memory;
  const min = s.def.minMemory;
  if (min && toMiB(mustParseSize(memory, `services.${s.name}.memory`)) < toMiB(mustParseSize(min.size, 'minMemory'))) {
    throw new UsageError(`services.${s.name}.memory: ${memory} is too little for ${s.def.name} (${min.why}); give it at least ${min.size}`);
  }
}

/** One stack has the read-write dashboard or the read-only one. */
function refuseWebWithReporting(stack: StackIndex): void {
  if (stack.has('web') && stack.has('reporting')) {
    throw new UsageError(`services: ${stack.byComponent('web')[0]} (web) and ${stack.byComponent('reporting')[0]} (reporting) cannot share a stack; reporting is the read-only dashboard for what web writes, so keep one`);
  }
}

export function buildFragments(spec: SpecService[], env: BuildEnv): Fragments {
  refuseWebWithReporting(env.stack);
  const out: Fragments = { produced: new Map(), externals: new Map(), volumes: new Set(), volumesOf: new Map(), files: [] };
  for (const s of spec) {
    if (s.options.external) {
      out.externals.set(s.name, parseExternal(s));
      continue;
    }
    refuseTooLittleMemory(s);
    const fragment = s.def.build(contextFor(s, env));
    if (s.options.healthcheck && fragment.services.every((x) => !x.probe)) {
      throw new UsageError(`services.${s.name}.healthcheck: ${s.name} has no health probe to time; ${s.def.consumer ? 'add health: /path (or {command: [...]})' : 'drop healthcheck'}`);
    }
    checkMountTargets(s.name, fragment.services);
    out.produced.set(s.name, fragment.services);
    out.volumesOf.set(s.name, fragment.volumes ?? []);
    for (const v of fragment.volumes ?? []) out.volumes.add(v);
    out.files.push(...(fragment.files ?? []));
  }
  return out;
}

/** Every produced service, sorted by name; two with one name (instances, scale and exporters add names) are refused. */
export function serviceList(produced: Map<string, Service[]>): Service[] {
  const services = [...produced.values()].flat().sort((a, b) => byText(a.name, b.name));
  for (let i = 1; i < services.length; i++) {
    if (services[i]!.name === services[i - 1]!.name) {
      throw new UsageError(`services.${services[i]!.name}: two services would both be named ${services[i]!.name} (instances, scale and exporters add names); rename one`);
    }
  }
  return services;
}
