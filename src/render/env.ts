/** ResolvedStack -> .env: what Compose reads for ${...} and the stack's secrets. Written at mode 0600. */
import type { ResolvedStack } from '../model/stack.js';
import { envValueProblem } from '../resolve/env-values.js';

export const ENV_FILE = '.env';

const PLAIN = /^[A-Za-z0-9_.,:/@+=~%-]*$/;

/** Plain when safe; single-quoted (literal for Compose v1 and v2) otherwise. resolve refused what neither can hold. */
function envValue(name: string, value: string): string {
  if (PLAIN.test(value)) return value;
  if (envValueProblem(value)) throw new Error(`internal: ${name} has a value .env cannot hold; resolve should have refused it`);
  return `'${value}'`;
}

function section(title: string, entries: Record<string, string>): string[] {
  const keys = Object.keys(entries).sort();
  return keys.length ? ['', `# ${title}`, ...keys.map((k) => `${k}=${envValue(k, entries[k]!)}`)] : [];
}

export function renderEnv(stack: ResolvedStack): string {
  return [
    `# berth stack ${stack.name}: the variables Compose reads, and the stack's secrets.`,
    '# Keep this file private (mode 0600). berth generate keeps these values; --rotate-secrets replaces them.',
    `COMPOSE_PROJECT_NAME=${stack.name}`,
    `COMPOSE_PROFILES=${stack.profiles.join(',')}`,
    ...section('vars from stack.yaml', stack.vars),
    ...section('secrets', stack.secrets),
    ...(stack.secretsFromEnv.length
      ? ['', '# secrets read from the environment at berth up, never stored here:', ...stack.secretsFromEnv.map((n) => `#   ${n}`)]
      : []),
    ...section('kept from an earlier generation (no service uses these now)', stack.keptEnv),
    '',
  ].join('\n');
}

const ENTRY = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** Reads KEY=VALUE lines of a .env berth wrote (comments and blanks skipped, single quotes removed). */
export function parseEnv(text: string): Record<string, string> {
  // No prototype: a hand-added __proto__= line is an entry, not a prototype.
  const out: Record<string, string> = Object.create(null);
  for (const line of text.split(/\r?\n/)) {
    const m = ENTRY.exec(line);
    if (!m) continue;
    let value = m[2]!.trim();
    if (value.length >= 2 && ((value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"')))) value = value.slice(1, -1);
    out[m[1]!] = value;
  }
  return out;
}

/** The line (from 1) parseEnv takes NAME from: the last one that sets it. */
export function envLineOf(text: string, name: string): number | undefined {
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) if (ENTRY.exec(lines[i]!)?.[1] === name) return i + 1;
  return undefined;
}
