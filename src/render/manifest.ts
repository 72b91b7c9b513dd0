/** .berth.json: the resolved shape of a stack that lifecycle commands read (no YAML parse, no secrets). */
import type { ResolvedStack } from '../resolve/model.js';
import { BERTH_VERSION } from '../catalog/_berth.js';

export { MANIFEST_FILE } from './files.js';

export interface ManifestService {
  name: string;
  component: string;
  role: 'service' | 'job';
  image: string;
  profiles: string[];
  replicas: number;
  ports: { host: number; container: number; bind: string }[];
  healthcheck: boolean;
  build: boolean;
  dependsOn: Record<string, string>;
}

export interface Manifest {
  stack: string;
  berthVersion: string;
  description?: string;
  profiles: string[];
  knownProfiles: string[];
  services: ManifestService[];
  volumes: string[];
  /** Secrets berth up must find in its environment. */
  secretsFromEnv?: string[];
}

export function buildManifest(stack: ResolvedStack): Manifest {
  return {
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
    })),
    volumes: stack.volumes,
    ...(stack.secretsFromEnv.length ? { secretsFromEnv: stack.secretsFromEnv } : {}),
  };
}
