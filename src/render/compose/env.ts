/** ResolvedStack -> .env: Compose's own settings (project name, active profiles), the stack's vars and its secrets. Written at mode 0600. */
import type { ResolvedStack } from '../../model/stack.js';
import { envLine } from '../env.js';
import { sourceText } from '../../model/secret-source.js';

function section(title: string, entries: Record<string, string>): string[] {
  const keys = Object.keys(entries).sort();
  return keys.length ? ['', `# ${title}`, ...keys.map((k) => envLine(k, entries[k]!))] : [];
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
    ...(Object.keys(stack.secretSources).length
      ? ['', '# secrets read from their providers at berth up and deploy, never stored here:', ...Object.keys(stack.secretSources).sort().map((n) => `#   ${n} from ${sourceText(stack.secretSources[n]!)}`)]
      : []),
    ...section('kept from an earlier generation (no service uses these now)', stack.keptEnv),
    '',
  ].join('\n');
}
