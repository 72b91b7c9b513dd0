/**
 * `berth export`'s options as a front end gives them (strings, as typed)
 * -> the Kubernetes renderer's options, each checked with the flag it came
 * from and how to write it.
 */
import { UsageError } from '../errors.js';
import type { ExistingSecret, KubeFormat, KubeOptions, ServiceType, Toleration } from '../render/kubernetes/options.js';

export interface ExportFlags {
  format?: string;
  namespace?: string;
  serviceType?: string;
  ingressClass?: string;
  ingressNamespace?: string;
  certIssuer?: string;
  imagePullSecret?: string[];
  gpuNodeSelector?: string[];
  gpuToleration?: string[];
  existingSecret?: string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function pick<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} ${value}: use one of ${allowed.join(', ')}`);
  return value as T;
}

function named(value: string | undefined, flag: string, re = DNS_NAME): string | undefined {
  if (value !== undefined && (!re.test(value) || value.length > 253)) throw new UsageError(`${flag} ${value}: not a Kubernetes name; use lowercase letters, digits and -`);
  return value;
}

function nodeSelector(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((p) => {
      const [k, v = ''] = p.split('=', 2) as [string, string?];
      if (!p.includes('=') || !LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) throw new UsageError(`--gpu-node-selector ${p}: write it as label=value, like nvidia.com/gpu.present=true`);
      return [k, v];
    }),
  );
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** key[=value][:effect]: Equal with a value, Exists without. */
function toleration(t: string): Toleration {
  const m = /^([^=:]+)(?:=([^:]*))?(?::([A-Za-z]+))?$/.exec(t);
  const effect = m?.[3];
  if (!m || !LABEL_KEY.test(m[1]!) || (effect !== undefined && !(EFFECTS as readonly string[]).includes(effect))) {
    throw new UsageError(`--gpu-toleration ${t}: write it as key[=value][:effect], like nvidia.com/gpu:NoSchedule (effects: ${EFFECTS.join(', ')})`);
  }
  return { key: m[1]!, operator: m[2] !== undefined ? 'Equal' : 'Exists', ...(m[2] !== undefined ? { value: m[2] } : {}), ...(effect ? { effect: effect as Toleration['effect'] } : {}) };
}

/** NAME=secret[:key]: the stack's secret NAME read from key (default NAME) of an existing Secret. */
function existingSecrets(specs: string[]): Record<string, ExistingSecret> {
  return Object.fromEntries(
    specs.map((s) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=([a-z0-9][-a-z0-9.]*)(?::([-._a-zA-Z0-9]+))?$/.exec(s);
      if (!m) throw new UsageError(`--existing-secret ${s}: write it as NAME=secret[:key], like DB_PASSWORD=prod-db:password`);
      return [m[1]!, { secret: m[2]!, key: m[3] ?? m[1]! }];
    }),
  );
}

export function kubeOptionsFromFlags(f: ExportFlags): Partial<KubeOptions> {
  const options: Partial<KubeOptions> = {
    format: pick<KubeFormat>(f.format, ['kustomize', 'plain', 'helm'], '--format'),
    namespace: named(f.namespace, '--namespace', DNS_LABEL),
    serviceType: pick<ServiceType>(f.serviceType, ['ClusterIP', 'NodePort', 'LoadBalancer'], '--service-type'),
    ingressClass: named(f.ingressClass, '--ingress-class'),
    ingressNamespace: named(f.ingressNamespace, '--ingress-namespace', DNS_LABEL),
    certIssuer: named(f.certIssuer, '--cert-issuer'),
    imagePullSecrets: (f.imagePullSecret ?? []).map((s) => named(s, '--image-pull-secret')!),
    gpuNodeSelector: nodeSelector(f.gpuNodeSelector ?? []),
    gpuTolerations: (f.gpuToleration ?? []).map(toleration),
    existingSecrets: existingSecrets(f.existingSecret ?? []),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<KubeOptions>;
}
