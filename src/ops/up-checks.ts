/**
 * What must hold before a stack starts, each refused with the fix: secrets
 * from the environment are there, .env has every stored secret, the shell
 * does not silently override the stack's variables, and a named network is
 * not someone else's.
 */
import { BerthError, UsageError } from '../errors.js';
import { LABEL_STACK } from '../engine/docker-api.js';
import type { Session } from './session.js';

/** Secrets stack.yaml reads from the environment must be there, or Compose would start services with blank ones. */
export function mustHaveSecretsFromEnv(s: Session): void {
  const missing = (s.manifest.secretsFromEnv ?? []).filter((n) => !(s.secretEnv?.[n] ?? s.deps.env[n]));
  if (!missing.length) return;
  const list = missing.join(', ');
  const many = missing.length > 1;
  throw new BerthError(
    `${list} ${many ? 'are' : 'is'} not set: stack ${s.ref.name} reads ${many ? 'them' : 'it'} from the environment (secretsFromEnv); export ${many ? 'them' : 'it'} first, e.g. ${missing[0]}=$(your-secret-manager read ...) berth up ${s.ref.name}`,
    { path: missing[0] },
  );
}

/** The stack's own variables (.env minus Compose's settings and secrets). */
export function stackVars(s: Session): Record<string, string> {
  const env = s.deps.store.stacks.env(s.ref.name);
  const secrets = new Set(s.manifest.secrets);
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('COMPOSE_') && !secrets.has(k)));
}

/** `--var NAME=value` pairs, checked against the variables the stack has. */
export function parseVars(s: Session, pairs: string[]): Record<string, string> {
  const known = stackVars(s);
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    const name = i > 0 ? p.slice(0, i) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--var: ${JSON.stringify(p)} is not NAME=value (e.g. --var IMAGE_TAG=2026.2.1)`);
    if (s.manifest.secrets.includes(name)) throw new UsageError(`--var: ${name} is a secret of stack ${s.ref.name}; set it with berth generate ${s.ref.name} --secret ${name}=...`);
    if (!(name in known)) {
      const names = Object.keys(known).sort();
      throw new UsageError(`--var: ${name} is not a variable of stack ${s.ref.name}; ${names.length ? `its variables: ${names.join(', ')}` : 'it has none'} (add it under vars: in stack.yaml)`);
    }
    const value = p.slice(i + 1);
    if (/[\n\r\0]/.test(value)) throw new UsageError(`--var: the value of ${name} has a line break; give a one-line value`);
    out[name] = value;
  }
  return out;
}

/**
 * A variable or secret of the stack set in berth's own environment would win
 * over .env for this one Compose command, and the next command would quietly
 * go back: refused, with the way to make it last.
 */
export function refuseEnvOverrides(s: Session): void {
  const dotEnv = s.deps.store.stacks.env(s.ref.name);
  const fromEnv = new Set(s.manifest.secretsFromEnv ?? []);
  for (const [name, value] of Object.entries(dotEnv)) {
    const shell = s.deps.env[name];
    if (name.startsWith('COMPOSE_') || fromEnv.has(name) || shell === undefined) continue;
    const effective = s.vars[name] ?? value;
    if (shell === effective) continue;
    if (s.manifest.secrets.includes(name)) {
      throw new UsageError(`${name} is set in berth's environment to another value than stack ${s.ref.name}'s (not shown); Compose would use it for this command only; unset ${name}, or make it the stack's with berth generate ${s.ref.name} --secret ${name}=...`);
    }
    throw new UsageError(`${name} is set in berth's environment (${JSON.stringify(shell)}), but stack ${s.ref.name} has ${JSON.stringify(effective)}; Compose would use yours for this command only and the next would go back; run berth up ${s.ref.name} --var ${name}=${shell} to keep it, or unset ${name}`);
  }
}

/** A network named in stack.yaml must be this stack's (or external): two stacks on one network reach each other's datastores. */
export async function mustOwnNetwork(s: Session): Promise<void> {
  const net = s.manifest.network;
  if (!net || net.external) return;
  const labels = await s.engine().networkLabels(net.name);
  if (labels === undefined || labels[LABEL_STACK] === s.ref.name) return;
  const owner = labels[LABEL_STACK] ? `stack ${labels[LABEL_STACK]}` : 'something other than berth';
  throw new BerthError(
    `network ${net.name} exists and belongs to ${owner}; stack ${s.ref.name} would share it (and its datastores); give stack ${s.ref.name} another network.name, or set network.external: true to join it on purpose`,
    { code: 'conflict', path: 'network.name' },
  );
}
