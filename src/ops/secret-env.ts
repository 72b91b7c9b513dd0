/**
 * The secrets a stack does not keep in .env, read for a start: those from a
 * provider (stack.yaml's secrets:) on the machine running berth, and, for a
 * node of a deploy, those berth reads from its own environment
 * (secretsFromEnv). They reach Compose in its environment only (over ssh on
 * stdin): never written to a disk here or on the node.
 */
import { BerthError } from '../errors.js';
import type { Manifest } from '../model/manifest.js';
import { SecretReader } from '../engine/secrets/index.js';
import { sourceText } from '../model/secret-source.js';
import { checkUrlSafe } from '../model/url-secrets.js';
import type { OpsDeps } from './deps.js';
import type { Session } from './session.js';

/** One reader per command: a deploy and its rollback read each source once. */
export function secretReader(deps: OpsDeps): SecretReader {
  return new SecretReader({ runner: deps.runner, env: deps.env });
}

/** Before a start here: the provider secrets' values (not in a dry run, which starts nothing). */
export async function loadSecretEnv(s: Session): Promise<void> {
  if (s.secretEnv || s.dryRun) return;
  s.secretEnv = await secretReader(s.deps).values(s.manifest.secretSources ?? {});
}

/**
 * What a release on a node gets in Compose's environment: its provider
 * secrets, read here, and its secretsFromEnv ones from berth's environment
 * (the node's own environment has none of them).
 */
export async function releaseSecrets(deps: OpsDeps, reader: SecretReader, m: Manifest, at: { stack: string; node: string }): Promise<Record<string, string>> {
  const fromEnv = m.secretsFromEnv ?? [];
  const missing = fromEnv.filter((n) => !deps.env[n]);
  if (missing.length) {
    const many = missing.length > 1;
    throw new BerthError(
      `${missing.join(', ')} ${many ? 'are' : 'is'} not set: node ${at.node} of stack ${at.stack} reads ${many ? 'them' : 'it'} from berth's environment (secretsFromEnv); export ${many ? 'them' : 'it'} first, e.g. ${missing[0]}=$(your-secret-manager read ...) berth deploy ${at.stack}, or take ${many ? 'them' : 'it'} from a provider under secrets:`,
      { path: missing[0] },
    );
  }
  const broken = fromEnv.find((n) => /[\n\r\0]/.test(deps.env[n]!));
  if (broken) throw new BerthError(`${broken} in berth's environment has a line break; berth passes a secret as one line`, { path: broken });
  const own = Object.fromEntries(fromEnv.map((n) => [n, deps.env[n]!]));
  const values = { ...own, ...(await reader.values(m.secretSources ?? {})) };
  refuseUrlBreakers(m, values);
  return values;
}

/** The values of the secrets a start here has that .env does not keep: from berth's environment, and read from providers. */
export function unstoredValues(s: Session): Record<string, string | undefined> {
  return { ...Object.fromEntries((s.manifest.secretsFromEnv ?? []).map((n) => [n, s.deps.env[n]])), ...s.secretEnv };
}

/**
 * The values berth did not make (a provider's, the environment's) must not
 * break a URL they are written into (a password with "@" in DATABASE_URL).
 */
export function refuseUrlBreakers(m: Pick<Manifest, 'urlSecrets' | 'secretSources'>, values: Readonly<Record<string, string | undefined>>): void {
  const sources = m.secretSources ?? {};
  checkUrlSafe(values, m.urlSecrets, (n) => (sources[n] ? sourceText(sources[n]!) : "berth's environment (secretsFromEnv)"));
}
