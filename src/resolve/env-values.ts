/**
 * Values berth writes to .env: plain, or single-quoted (literal for Compose v1
 * and v2), so a value with a single quote or a line break cannot be written.
 * Checked here, where each value's origin is known, so the error names where
 * the user can change it: vars: in stack.yaml, or the line of .env it came from.
 */
import { UsageError } from '../errors.js';

export function envValueProblem(value: string): string | undefined {
  if (value.includes("'")) return 'a single quote';
  return /[\n\r]/.test(value) ? 'a line break' : undefined;
}

export interface EnvValues {
  vars: Record<string, string>;
  /** Entries taken over from the stack's earlier .env (kept ones, secrets not replaced). */
  fromEnvFile: Record<string, string>;
  /** Where an entry of the earlier .env is, like /home/u/.berth/stacks/prod/.env:12. */
  envFileAt(name: string): string;
}

export function checkEnvValues(v: EnvValues): void {
  for (const [name, value] of Object.entries(v.vars)) {
    if (envValueProblem(value)) throw new UsageError(`vars.${name}: a value with a single quote or a line break cannot be written to .env; change it`);
  }
  for (const [name, value] of Object.entries(v.fromEnvFile)) {
    const problem = envValueProblem(value);
    // The value is not shown: the entry may be a secret.
    if (problem) throw new UsageError(`${v.envFileAt(name)}: the value of ${name} has ${problem}, which berth cannot write back to .env; edit or remove that line`);
  }
}
