/** .berth.json: the resolved shape of a stack that lifecycle commands read (no YAML parse, no secrets). */
import type { ResolvedStack } from '../model/stack.js';
import { MANIFEST_FORMAT, type Manifest } from '../model/manifest.js';
import { BERTH_VERSION } from '../catalog/_berth.js';

export { MANIFEST_FILE } from './files.js';
export type { Manifest, ManifestService } from '../model/manifest.js';

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
      image: s.image,
      profiles: s.profiles,
      replicas: s.replicas,
      ports: s.ports,
      healthcheck: !!s.healthcheck,
      build: !!s.build,
      dependsOn: s.dependsOn,
      volumes: [...new Set(s.mounts.filter((m) => m.type === 'volume').map((m) => m.source))].sort(),
      ...(s.labels['dev.berth.instance-of'] ? { of: s.labels['dev.berth.instance-of'] } : {}),
      ...(s.labels['dev.berth.exporter-of'] ? { exporterOf: s.labels['dev.berth.exporter-of'] } : {}),
    })),
    volumes: stack.volumes,
    volumesEver: [...new Set([...(history.volumesEver ?? []), ...stack.volumes])].sort(),
    ...(stack.secretsFromEnv.length ? { secretsFromEnv: stack.secretsFromEnv } : {}),
    secrets: [...new Set([...Object.keys(stack.secrets), ...stack.secretsFromEnv])].sort(),
    initOnlySecrets: stack.initOnlySecrets,
    specDir: stack.specDir,
    ...(stack.network?.name ? { network: { name: stack.network.name, external: !!stack.network.external } } : {}),
  };
}
