/**
 * The .env file: KEY=VALUE lines, the stack's variables and secrets (mode
 * 0600). How berth writes a line and reads one back; what goes into it is the
 * target's (render/compose/env.ts).
 */
export const ENV_FILE = '.env';

const PLAIN = /^[A-Za-z0-9_.,:/@+=~%-]*$/;

/**
 * NAME=value: plain when safe; single-quoted (literal for Compose v1 and v2)
 * otherwise. resolve refused values neither can hold (a single quote, a line break).
 */
export function envLine(name: string, value: string): string {
  return `${name}=${PLAIN.test(value) ? value : `'${value}'`}`;
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
