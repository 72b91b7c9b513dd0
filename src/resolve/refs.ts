/**
 * Every string berth puts into a service of the Compose file (image, env,
 * command, entrypoint, health, labels, mounts, build, user) is interpolated by
 * Compose: it must follow the grammar in interpolation.ts, and each ${VAR} must
 * name a variable berth writes to .env.
 */
import { UsageError } from '../errors.js';
import type { Service } from '../model/service.js';
import { probeTexts } from '../model/probe.js';
import { interpolationProblem, scanInterpolation } from './interpolation.js';
import { envStrings } from '../catalog/_base.js';

export function references(text: string): string[] {
  return scanInterpolation(text).refs;
}

/** Each interpolated string of a service with the key it is reported under (relative to services.<name>). */
function interpolated(s: Service): [string, string | undefined][] {
  const out: [string, string | undefined][] = [['image', s.image]];
  for (const [k, val] of Object.entries(s.environment)) out.push([`env.${k}`, val]);
  for (const a of s.command ?? []) out.push(['command', a]);
  for (const a of s.entrypoint ?? []) out.push(['entrypoint', a]);
  for (const a of s.probe ? probeTexts(s.probe) : []) out.push(['health', a]);
  for (const [k, val] of Object.entries(s.labels)) out.push([`labels.${k}`, val]);
  for (const m of s.mounts) out.push(['volumes', `${m.source}:${m.target}`]);
  if (s.build) {
    out.push(['build', s.build.context], ['build.dockerfile', s.build.dockerfile], ['build.target', s.build.target]);
    for (const [k, val] of Object.entries(s.build.args ?? {})) out.push([`build.args.${k}`, val]);
  }
  out.push(['user', s.user]);
  return out;
}

/**
 * `sourceOf` maps a produced service (an instance api-a, a scaled worker-2) to
 * the stack.yaml service it comes from, so errors name the key the user wrote.
 */
export function checkReferences(services: Service[], defined: Set<string>, sourceOf: (service: string) => string = (s) => s): void {
  const hint = 'define it under vars: in stack.yaml, or write $$ for a literal dollar';
  for (const s of services) {
    for (const [key, text] of interpolated(s)) {
      if (text === undefined) continue;
      const where = `services.${sourceOf(s.name)}.${key}`;
      const { refs, problem } = scanInterpolation(text);
      if (problem) throw new UsageError(`${where}: ${interpolationProblem(text, problem)}`);
      for (const name of refs) {
        if (!defined.has(name) && !name.startsWith('COMPOSE_')) throw new UsageError(`${where}: \${${name}} is not defined; ${hint}`);
      }
    }
  }
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
