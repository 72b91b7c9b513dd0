/**
 * A stack on several machines as one bundle per machine. This machine's
 * services stay in the stack dir as ever (berth up runs them); each node's are
 * a Compose project of their own, <stack>-<node>, in nodes/<node>/: its
 * Compose file, an .env holding only the secrets its services use, its
 * manifest and the config files they mount, and nothing outside that folder,
 * so berth deploy can copy it to the node as it is.
 */
import type { ConfigFile, FileOut } from '../model/files.js';
import type { Service } from '../model/service.js';
import type { ResolvedStack } from '../model/stack.js';
import { partsOf, type Text } from '../model/text.js';
import { mapServiceTexts } from '../resolve/refs.js';
import { NODES_DIR, SPEC_FILE, nodeProject } from './files.js';
import { composeWarnings, renderBundle, type Bundle } from './compose/bundle.js';

/** The secrets (by .env name) that what the services are given refers to. */
function secretsUsed(services: Service[]): Set<string> {
  const used = new Set<string>();
  const collect = (t: Text) => {
    for (const p of partsOf(t)) if (typeof p !== 'string' && p.secret) used.add(p.secret);
    return t;
  };
  for (const s of services) mapServiceTexts(s, collect);
  return used;
}

const pick = <T>(m: Record<string, T>, keep: (k: string) => boolean) => Object.fromEntries(Object.entries(m).filter(([k]) => keep(k)));

/**
 * The part of the stack that runs on `node` (undefined: this machine), as a
 * stack of its own: its services, the volumes, files and secrets they use,
 * and the profiles they have. A node's part is named after its project.
 * This machine's part holds every secret.
 */
export function nodePart(stack: ResolvedStack, node: string | undefined): ResolvedStack {
  const services = stack.services.filter((s) => s.node === node);
  const names = new Set(services.map((s) => s.name));
  const volumes = new Set(services.flatMap((s) => s.mounts.flatMap((m) => (m.type === 'volume' ? [String(m.source)] : []))));
  const secrets = secretsUsed(services);
  const files: ConfigFile[] = stack.files.filter((f) => f.consumers.some((c) => names.has(c))).map((f) => ({ ...f, consumers: f.consumers.filter((c) => names.has(c)) }));
  const known = new Set(services.flatMap((s) => s.profiles));
  return {
    ...stack,
    name: node ? nodeProject(stack.name, node) : stack.name,
    services,
    volumes: stack.volumes.filter((v) => volumes.has(v)),
    files,
    profiles: stack.profiles.filter((p) => known.has(p)),
    knownProfiles: stack.knownProfiles.filter((p) => known.has(p)),
    // This machine's .env keeps every secret of the stack: generate reads them back from it, so a
    // regenerate keeps the values the nodes' data was made with.
    secrets: node ? pick(stack.secrets, (k) => secrets.has(k)) : stack.secrets,
    secretsFromEnv: stack.secretsFromEnv.filter((k) => secrets.has(k)),
    // Like .env, this machine's part names every provider secret, so berth show lists where each comes from.
    secretSources: node ? pick(stack.secretSources, (k) => secrets.has(k)) : stack.secretSources,
    secretNames: pick(stack.secretNames, (k) => names.has(k)),
    initOnlySecrets: stack.initOnlySecrets.filter((x) => names.has(x.service)),
    generatedSecrets: stack.generatedSecrets.filter((k) => secrets.has(k)),
    // Entries an earlier generation left are kept on this machine's .env only.
    keptEnv: node ? {} : stack.keptEnv,
    nodes: node ? undefined : stack.nodes,
    // A node's bundle names no path of this machine (regenerating is done here, from the stack's own manifest).
    specDir: node ? '' : stack.specDir,
    warnings: [],
  };
}

/**
 * Every file of a stack: one bundle, as ever, for a stack of this machine
 * only; with nodes, this machine's part in the stack dir and each node's in
 * nodes/<node>/ (without stack.yaml, which stays here).
 */
export function renderMachines(stack: ResolvedStack, specText: string, extra: ConfigFile[] = [], history: { volumesEver?: string[] } = {}): Bundle {
  if (!stack.nodes?.length) return renderBundle(stack, specText, extra, history);
  const extraOf = (part: ResolvedStack) => extra.filter((f) => f.consumers.some((c) => part.services.some((s) => s.name === c)));
  const here = nodePart(stack, undefined);
  const local = renderBundle(here, specText, extraOf(here), history);
  const remote: FileOut[] = stack.nodes.flatMap((n) => {
    const part = nodePart(stack, n.name);
    return renderBundle(part, specText, extraOf(part))
      .files.filter((f) => f.path !== SPEC_FILE)
      .map((f) => ({ ...f, path: `${NODES_DIR}/${n.name}/${f.path}` }));
  });
  return { files: [...local.files, ...remote], warnings: composeWarnings(stack) };
}
