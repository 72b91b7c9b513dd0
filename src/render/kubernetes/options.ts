/** What `berth export --to kubernetes` can be told: the layout, the namespace, how the stack is reached and where GPU pods go. */

export type KubeFormat = 'kustomize' | 'plain' | 'helm';
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

export interface Toleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A secret taken from a Secret that exists in the cluster (made by hand, or by an ExternalSecret). */
export interface ExistingSecret {
  secret: string;
  key: string;
}

export interface KubeOptions {
  format: KubeFormat;
  namespace: string;
  /** How published ports are reached from outside the cluster (ClusterIP: not at all; the Ingress serves HTTP routes). */
  serviceType: ServiceType;
  ingressClass?: string;
  /** Namespace of the ingress controller's pods, which network policies let in. */
  ingressNamespace: string;
  /** A cert-manager ClusterIssuer that issues the Ingress certificates. */
  certIssuer?: string;
  imagePullSecrets: string[];
  gpuNodeSelector: Record<string, string>;
  gpuTolerations: Toleration[];
  /** .env name -> the Secret and key it is read from, instead of the Secret berth generates. */
  existingSecrets: Record<string, ExistingSecret>;
}

export const DEFAULT_INGRESS_NAMESPACE = 'ingress-nginx';

/** The options with their defaults; the namespace is the stack's name unless told. */
export function kubeOptions(stack: string, given: Partial<KubeOptions> = {}): KubeOptions {
  return {
    format: given.format ?? 'kustomize',
    namespace: given.namespace ?? stack.replace(/_/g, '-'),
    serviceType: given.serviceType ?? 'ClusterIP',
    ingressClass: given.ingressClass,
    ingressNamespace: given.ingressNamespace ?? DEFAULT_INGRESS_NAMESPACE,
    certIssuer: given.certIssuer,
    imagePullSecrets: given.imagePullSecrets ?? [],
    gpuNodeSelector: given.gpuNodeSelector ?? {},
    gpuTolerations: given.gpuTolerations ?? [],
    existingSecrets: given.existingSecrets ?? {},
  };
}
