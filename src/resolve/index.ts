/**
 * Spec -> ResolvedStack, as a pipeline of passes: name the secrets, build
 * every component's fragment, add exporters when the stack collects metrics,
 * size the named volumes, place them on their nodes, wire consumers and jobs,
 * settle the dependency graph and the profiles, split what crosses nodes,
 * check each machine's ports and memory and the ${VAR} references, then
 * settle the secrets' values. Pure
 * but for the RNG and the host probes it is handed.
 */
import type { HostFacts } from '../catalog/types.js';
import type { ExternalService, ResolvedStack } from '../model/stack.js';
import type { SpecService, ValidSpec } from './spec.js';
import type { RandomSecret } from './secrets.js';
import type { PublishedPort } from './ports.js';
import { nameSecrets, secretRef } from './secret-names.js';
import { buildFragments, serviceList, stackIndex, type BuildEnv } from './fragments.js';
import { addExporters } from './exporters.js';
import { settleStorage } from './storage.js';
import { wireConsumers, wireGrafana, wireJobs } from './wiring.js';
import { settleDependencies } from './graph.js';
import { checkConfigs } from './config-checks.js';
import { settleProfiles } from './profiles.js';
import { checkPorts } from './ports.js';
import { budgetOf, checkBudget } from './memory.js';
import { settleReferences, settleVars } from './refs.js';
import { settleSecretValues } from './secret-values.js';
import { byNode, placeServices, reachAcross, scrapeAcross, splitAcrossNodes } from './nodes.js';
import type { Service } from '../model/service.js';
import { checkUrlSafe, secretsInUrls } from '../model/url-secrets.js';

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
  /** This machine, when the stack is generated to run here: berth's own server manages its stacks. */
  host?: HostFacts;
}

/** The secrets' values: generated, kept from .env, given, or read from berth's environment or a provider's source. */
function secretValues(input: ResolveInput, secrets: ReturnType<typeof nameSecrets>, vars: Record<string, string>, volumesOf: Parameters<typeof settleSecretValues>[0]['volumesOf'], externals: ExternalService[]) {
  return settleSecretValues({
    stack: input.name,
    spec: input.spec.services,
    names: secrets,
    fromEnv: input.spec.raw.secretsFromEnv,
    sources: input.spec.raw.secrets,
    specDir: input.specDir,
    vars,
    volumesOf,
    externals,
    given: input.givenSecrets,
    existingEnv: input.existingEnv,
    existingEnvAt: input.existingEnvAt,
    existingVolumes: input.existingVolumes,
    rotate: input.rotateSecrets,
    allowChange: input.allowSecretChange,
    random: input.random,
  });
}

export function resolveStack(input: ResolveInput): ResolvedStack {
  const { spec, name } = input;
  const secrets = nameSecrets(spec.services);
  const images = { cli: input.images?.cli ?? {}, spec: spec.raw.images ?? {}, user: input.images?.user ?? {} };
  const env: BuildEnv = { stack: stackIndex(name, spec.services), images, secrets, specDir: input.specDir, ...(input.host ? { host: input.host } : {}) };
  const { produced, externals, volumes, volumesOf, files } = buildFragments(spec.services, env);
  addExporters(spec.services, produced, env);
  settleStorage(spec.services, produced);
  const services = serviceList(produced);
  const placement = placeServices(spec, produced);

  const wiring = {
    spec: spec.services,
    produced,
    externals,
    secretRef: (service: string, key: string) => secretRef(secrets, service, key),
    reach: (provider: SpecService, consumer: string) => reachAcross(placement, provider, produced.get(provider.name) ?? [], consumer),
    addressOf: placement.addressOf,
  };
  wireConsumers(wiring);
  wireJobs(wiring);
  wireGrafana(services, secrets.byService);
  settleDependencies(services, produced);
  checkConfigs(services);

  const profiles = settleProfiles(services, input.profiles ?? spec.raw.profiles ?? []);
  const nodeOrder = splitAcrossNodes(services, placement.nodes.keys());
  const hostWarnings = checkMachines(name, services, profiles.active, budgetOf(input.memoryBudget, spec.raw.memoryBudget), input);

  const vars = settleVars(spec.raw.vars, secrets.declared);
  const sourceOf = new Map([...produced].flatMap(([source, list]) => list.map((svc) => [svc.name, source] as const)));
  settleReferences(services, vars, new Set(secrets.declared.keys()), (n) => sourceOf.get(n) ?? n);

  checkUrlSafe(input.givenSecrets ?? {}, secretsInUrls(services), () => 'the command line');
  const values = secretValues(input, secrets, vars, volumesOf, [...externals.values()]);
  return {
    name,
    description: spec.raw.description,
    services,
    externals: [...externals.values()],
    volumes: [...volumes].sort(),
    ...(placement.nodes.size ? { nodes: nodeOrder.map((n) => placement.nodes.get(n)!) } : {}),
    network: spec.raw.network,
    files,
    profiles: profiles.active,
    knownProfiles: profiles.known,
    vars,
    secretNames: secrets.byService,
    specDir: input.specDir,
    ...values,
    warnings: [...profiles.warnings, ...hostWarnings, ...scrapeAcross(services, placement, profiles.active), ...values.warnings],
  };
}

/**
 * Ports and memory hold per machine: each node's services are checked on
 * their own; only this machine's are also checked against other stacks'
 * ports, its listeners and its memory.
 */
function checkMachines(name: string, services: Service[], active: string[], budget: number | undefined, input: ResolveInput): string[] {
  return [...byNode(services)].flatMap(([node, group]) => {
    const here = node === '';
    const ports = here ? checkPorts(name, group, input.otherPorts ?? [], input.listener) : checkPorts(name, group, []);
    const memory = checkBudget(group, active, budget, here ? (input.hostMemoryMiB ?? Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER);
    return [...ports, ...memory.map((m) => (here ? m : `node ${node}: ${m}`))];
  });
}
