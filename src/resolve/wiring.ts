/**
 * Wiring: consumers (apps, workers, jobs, berth's web) receive the connection env
 * of the datastores they use and wait for them; jobs gate the services they come before.
 */
import { UsageError } from '../errors.js';
import type { Service } from '../model/service.js';
import { mapProbeText } from '../model/probe.js';
import { joinText, mapLiterals, secretText, type Text } from '../model/text.js';
import type { SpecService } from './spec.js';
import type { ExternalService } from '../model/stack.js';
import { envPrefix } from '../util/names.js';
import { coversProfiles, describeProfiles } from './profiles.js';

export interface WiringInput {
  spec: SpecService[];
  /** spec service name -> the services it produced (several for instances and scale). */
  produced: Map<string, Service[]>;
  externals: Map<string, ExternalService>;
  secretRef(service: string, key: string): Text;
  /** Where `consumer` reaches `provider` when it runs on another node (resolve/nodes.ts); undefined on the same one. */
  reach?(provider: SpecService, consumer: string): { host: string; port: number } | undefined;
  /** The address of the node a stack.yaml service runs on (its `{{address}}`); undefined on this machine. */
  addressOf?(service: string): string | undefined;
}

function profilesOf(s: SpecService): string[] {
  return s.options.profiles ?? [];
}

function usesOf(s: SpecService, byName: Map<string, SpecService>): string[] | undefined {
  if (s.options.uses) return s.options.uses as string[];
  const appName = s.options.app;
  if (typeof appName === 'string') return byName.get(appName)?.options.uses as string[] | undefined;
  return undefined;
}

/** Default `uses`: every datastore the consumer can always reach (profile-wise) that is not opt-in or superseded. */
function defaultUses(consumer: SpecService, spec: SpecService[]): string[] {
  const present = new Set(spec.map((s) => s.def.name));
  return spec
    .filter((s) => s !== consumer && s.def.connection && !s.def.optInUse)
    .filter((s) => !(s.def.supersededBy ?? []).some((c) => present.has(c)))
    .filter((s) => s.def.optional || coversProfiles(profilesOf(s), profilesOf(consumer)))
    .map((s) => s.name);
}

export function connectionEnv(provider: SpecService, input: WiringInput, prefixed: boolean, consumer: string): Record<string, Text> {
  const at = input.externals.get(provider.name) ?? input.reach?.(provider, consumer);
  const env = provider.def.connection!({
    service: provider.name,
    options: provider.options,
    host: at?.host ?? provider.name,
    port: at?.port ?? provider.def.clientPort ?? provider.def.port ?? 0,
    secret: (key) => input.secretRef(provider.name, key),
  });
  if (!prefixed) return env;
  return Object.fromEntries(Object.entries(env).map(([k, val]) => [`${envPrefix(provider.name)}_${k}`, val]));
}

export function wireConsumers(input: WiringInput): void {
  const byName = new Map(input.spec.map((s) => [s.name, s]));
  const perComponent = new Map<string, number>();
  for (const s of input.spec) if (s.def.connection) perComponent.set(s.def.name, (perComponent.get(s.def.name) ?? 0) + 1);

  for (const consumer of input.spec.filter((s) => s.def.consumer)) {
    const explicit = usesOf(consumer, byName);
    const uses = explicit ?? defaultUses(consumer, input.spec);
    const env: Record<string, Text> = {};
    const needs: string[] = [];
    for (const used of uses) {
      const provider = byName.get(used);
      const where = `services.${consumer.name}.uses`;
      if (!provider) throw new UsageError(`${where}: ${used} is not a service in this stack; use one of ${input.spec.filter((s) => s.def.connection).map((s) => s.name).join(', ') || '(no datastores)'}`);
      if (!provider.def.connection) throw new UsageError(`${where}: ${used} (${provider.def.name}) offers no connection settings; list datastores only`);
      const covered = coversProfiles(profilesOf(provider), profilesOf(consumer));
      if (!covered && !provider.def.optional) {
        throw new UsageError(
          `${where}: ${used} only runs under ${describeProfiles(profilesOf(provider))}, but ${consumer.name} can run without it; give ${consumer.name} the same profiles, or take them off ${used}`,
        );
      }
      Object.assign(env, connectionEnv(provider, input, (perComponent.get(provider.def.name) ?? 0) > 1, consumer.name));
      if (!input.externals.has(used) && covered) needs.push(used);
    }
    const address = input.addressOf?.(consumer.name);
    for (const svc of input.produced.get(consumer.name) ?? []) {
      Object.assign(svc, withConnectionVars(svc, env, `services.${consumer.name}`, address));
      svc.environment = { ...env, ...svc.environment };
      for (const n of needs) svc.dependsOn[n] ??= 'ready';
    }
  }
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/**
 * {{NAME}} in a consumer's env, command or entrypoint is the value of the
 * connection variable NAME it receives, so an app with its own names
 * (DB_HOST: "{{POSTGRES_HOST}}") needs no copy of a host or a secret. A
 * secret stays a reference. {{address}} is the address of the service's
 * node (a worker's public base URL: http://{{address}}:{{port}}). Any other
 * {{NAME}} is an error.
 */
function withConnectionVars(svc: Service, env: Record<string, Text>, where: string, address?: string): Pick<Service, 'environment' | 'command' | 'entrypoint' | 'probe'> {
  const value = (key: string, at: string): Text => {
    if (Object.hasOwn(env, key)) return env[key]!;
    if (key === 'address') {
      if (address !== undefined) return address;
      throw new UsageError(`${at}: {{address}} is the address of the node the service runs on, and ${where.slice('services.'.length)} has no node:; place it on a node of nodes:, or write the address`);
    }
    const known = ['name', 'instance', 'index', 'port', 'address', ...Object.keys(env).sort()];
    throw new UsageError(`${at}: {{${key}}} is not a placeholder berth knows; use one of {{${known.join('}}, {{')}}} (connection variables come from the datastores in uses)`);
  };
  // Literal text between placeholders stays as it is; each placeholder becomes its variable's Text.
  const expand = (t: Text, at: string) =>
    mapLiterals(t, (literal) => joinText(literal.split(PLACEHOLDER).map((piece, i) => (i % 2 ? value(piece, at) : piece))));
  return {
    environment: Object.fromEntries(Object.entries(svc.environment).map(([k, val]) => [k, expand(val, `${where}.env.${k}`)])),
    command: svc.command?.map((a) => expand(a, `${where}.command`)),
    entrypoint: svc.entrypoint?.map((a) => expand(a, `${where}.entrypoint`)),
    probe: svc.probe && mapProbeText(svc.probe, (a) => expand(a, `${where}.health`)),
  };
}

const GATED_BY_DEFAULT = new Set(['app', 'worker', 'web', 'reporting']);

/** Jobs: the services listed in `before` (default: every app, worker, web and reporting it can gate) wait for them. */
export function wireJobs(input: WiringInput): void {
  const byName = new Map(input.spec.map((s) => [s.name, s]));
  for (const jobSpec of input.spec.filter((s) => s.def.name === 'job')) {
    const explicit = jobSpec.options.before as string[] | undefined;
    const targets =
      explicit ??
      input.spec.filter((s) => GATED_BY_DEFAULT.has(s.def.name) && coversProfiles(profilesOf(jobSpec), profilesOf(s))).map((s) => s.name);
    for (const t of targets) {
      if (!byName.has(t)) throw new UsageError(`services.${jobSpec.name}.before: ${t} is not a service in this stack`);
      if (t === jobSpec.name) throw new UsageError(`services.${jobSpec.name}.before: a job cannot come before itself`);
      for (const svc of input.produced.get(t) ?? []) svc.dependsOn[jobSpec.name] = 'completed';
    }
  }
}

/** Grafana reads the InfluxDB token from its own environment ($NAME in the datasource file): hand it the reference. */
export function wireGrafana(services: Service[], secretNames: Record<string, Record<string, string>>): void {
  const tokens = services.filter((s) => s.component === 'influxdb').map((s) => secretNames[s.name]?.token).filter((t): t is string => !!t);
  for (const g of services.filter((s) => s.component === 'grafana')) {
    for (const t of tokens) g.environment[t] = secretText(t);
  }
}
