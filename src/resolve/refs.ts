/**
 * References in what the services are given (image, env, command, entrypoint,
 * health, labels, mounts, build): each must name a secret of the stack, a
 * variable of `vars:`, or one of Compose's own COMPOSE_ settings. A variable
 * the user wrote that names a secret is a reference to that secret.
 */
import { UsageError } from '../errors.js';
import type { Service } from '../model/service.js';
import { mapProbeText } from '../model/probe.js';
import { mapRefs, type Ref, type Text } from '../model/text.js';

type MapText = (t: Text, key: string) => Text;

const mapValues = (m: Record<string, Text>, key: string, f: MapText) => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, f(t, `${key}.${k}`)]));

/** The service with `f` applied to each of its Texts, with the key it is reported under (relative to services.<name>). */
export function mapServiceTexts(s: Service, f: MapText): Service {
  const b = s.build;
  return {
    ...s,
    image: f(s.image, 'image'),
    environment: mapValues(s.environment, 'env', f),
    command: s.command?.map((a) => f(a, 'command')),
    entrypoint: s.entrypoint?.map((a) => f(a, 'entrypoint')),
    probe: s.probe && mapProbeText(s.probe, (t) => f(t, 'health')),
    labels: mapValues(s.labels, 'labels', f),
    mounts: s.mounts.map((m) => (m.type === 'bind' ? { ...m, source: f(m.source, 'volumes'), target: f(m.target, 'volumes') } : m.type === 'volume' ? { ...m, target: f(m.target, 'volumes') } : m)),
    build: b && {
      ...b,
      context: f(b.context, 'build'),
      ...(b.dockerfile !== undefined ? { dockerfile: f(b.dockerfile, 'build.dockerfile') } : {}),
      ...(b.target !== undefined ? { target: f(b.target, 'build.target') } : {}),
      ...(b.args ? { args: mapValues(b.args, 'build.args', f) } : {}),
    },
  };
}

/**
 * Settles every reference of every service: a variable that names a secret
 * becomes a reference to the secret; one that is neither a secret, a var nor
 * a COMPOSE_ setting is refused. `sourceOf` maps a produced service (an
 * instance api-a, a scaled worker-2) to the stack.yaml service it comes from,
 * so errors name the key the user wrote.
 */
export function settleReferences(services: Service[], vars: Record<string, string>, secrets: ReadonlySet<string>, sourceOf: (service: string) => string = (s) => s): void {
  const hint = 'define it under vars: in stack.yaml, or write $$ for a literal dollar';
  for (const s of services) {
    const settle = (ref: Ref, key: string): Ref => {
      if (ref.var === undefined) return ref;
      if (secrets.has(ref.var) && !ref.op) return { secret: ref.var };
      if (secrets.has(ref.var) || Object.hasOwn(vars, ref.var) || ref.var.startsWith('COMPOSE_')) return ref;
      throw new UsageError(`services.${sourceOf(s.name)}.${key}: \${${ref.var}} is not defined; ${hint}`);
    };
    Object.assign(s, mapServiceTexts(s, (t, key) => mapRefs(t, (ref) => [settle(ref, key)])));
  }
}

/**
 * Stringifies the values of `vars:` (numbers, booleans) the way Compose would
 * read them. No prototype: __proto__ or constructor is a name like any other.
 */
function envStrings(env: Record<string, string | number | boolean> | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(env ?? {})) out[k] = String(v);
  return out;
}

/** `vars:` as .env values; a secret's name or a COMPOSE_ setting is not a var of the user's. */
export function settleVars(given: Record<string, string | number | boolean> | undefined, secrets: ReadonlyMap<string, unknown>): Record<string, string> {
  const vars = envStrings(given);
  for (const k of Object.keys(vars)) {
    if (secrets.has(k)) throw new UsageError(`vars.${k}: is a secret berth manages; pass it with --secret ${k}=... instead`);
    if (k.startsWith('COMPOSE_')) throw new UsageError(`vars.${k}: COMPOSE_ variables are berth's; use profiles: for COMPOSE_PROFILES`);
  }
  return vars;
}
