/** .berth.json: the resolved shape of a stack that lifecycle commands read (no YAML parse, no secrets). */
import type { ResolvedStack } from '../model/stack.js';
import type { Service } from '../model/service.js';
import { COMPOSE_CONDITION } from './compose/words.js';
import { composeText } from './compose/text.js';
import { MANIFEST_FORMAT, type DependencyCondition, type Manifest } from '../model/manifest.js';
import { BERTH_VERSION } from '../catalog/_berth.js';
import { secretsInUrls } from '../model/url-secrets.js';

export { MANIFEST_FILE } from './files.js';
import { nodeProject } from './files.js';
export type { Manifest, ManifestService } from '../model/manifest.js';

/** The manifest keeps the words it has always stored (Compose's depends_on conditions), whatever the model calls them. */
function storedDependencies(s: Service): Record<string, DependencyCondition> {
  return Object.fromEntries(Object.entries(s.dependsOn).map(([d, c]) => [d, COMPOSE_CONDITION[c]]));
}

/** `volumesEver`: the volumes earlier generations of the stack declared. */
export function buildManifest(stack: ResolvedStack, history: { volumesEver?: string[] } = {}): Manifest {
  return {
    format: MANIFEST_FORMAT,
    stack: stack.name,
    berthVersion: BERTH_VERSION,
    description: stack.description,
    profiles: stack.profiles,
    knownProfiles: stack.knownProfiles,
    services: stack.services.map((s) => ({
      name: s.name,
      component: s.component,
      role: s.role,
      image: composeText(s.image),
      profiles: s.profiles,
      replicas: s.replicas,
      ports: s.ports,
      healthcheck: !!s.probe,
      build: !!s.build,
      dependsOn: storedDependencies(s),
      volumes: [...new Set(s.mounts.filter((m) => m.type === 'volume').map((m) => composeText(m.source)))].sort(),
      ...(s.origin.instance !== undefined ? { of: s.origin.spec } : {}),
      ...(s.origin.exporterOf ? { exporterOf: s.origin.exporterOf } : {}),
    })),
    volumes: stack.volumes,
    volumesEver: [...new Set([...(history.volumesEver ?? []), ...stack.volumes])].sort(),
    ...(stack.secretsFromEnv.length ? { secretsFromEnv: stack.secretsFromEnv } : {}),
    ...(Object.keys(stack.secretSources).length ? { secretSources: stack.secretSources } : {}),
    ...urlSecretsOf(stack.services),
    secrets: [...new Set([...Object.keys(stack.secrets), ...stack.secretsFromEnv, ...Object.keys(stack.secretSources)])].sort(),
    initOnlySecrets: stack.initOnlySecrets,
    ...(stack.specDir ? { specDir: stack.specDir } : {}),
    ...(stack.nodes?.length ? { nodes: stack.nodes.map((n) => ({ ...n, project: nodeProject(stack.name, n.name) })) } : {}),
    ...(stack.network?.name ? { network: { name: stack.network.name, external: !!stack.network.external } } : {}),
  };
}

/** The manifest's urlSecrets, when any secret is written into a URL. */
function urlSecretsOf(services: readonly Service[]): Pick<Manifest, 'urlSecrets'> {
  const found = secretsInUrls(services);
  return Object.keys(found).length ? { urlSecrets: found } : {};
}
