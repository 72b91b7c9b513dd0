/**
 * ResolvedStack -> Kubernetes manifests (kustomize, plain or a Helm chart), read from the
 * model, never from the Compose file: what berth knows of each service
 * (which one keeps data, how it shows it is ready, which env is secret, who
 * connects to whom) becomes StatefulSets, probes, wait containers, Secret
 * references and network policies.
 */
import type { ResolvedStack } from '../../model/stack.js';
import { kubeOptions, type KubeOptions } from './options.js';
import { planObjects } from './plan.js';
import { kustomizeLayout, plainLayout, type KubeBundle } from './layout.js';
import { helmLayout } from './layout-helm.js';

export type { KubeBundle } from './layout.js';
export type { KubeOptions } from './options.js';

export function renderKubernetes(stack: ResolvedStack, given: Partial<KubeOptions> = {}): KubeBundle {
  const opts = kubeOptions(stack.name, given);
  const plan = planObjects(stack, opts);
  const layout = { kustomize: kustomizeLayout, plain: plainLayout, helm: helmLayout }[opts.format];
  return layout(stack, plan, opts);
}
