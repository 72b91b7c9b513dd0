/**
 * Network policy: nothing reaches a pod of the stack unless an edge says so
 * (edges.ts). One policy denies all ingress in the namespace; each service
 * someone connects to has one that lets in exactly its edges, per port.
 */
import type { Service } from '../../model/service.js';
import { labelsOf, object, selectorOf, stackLabels, type KubeObject } from './meta.js';
import type { Edge, Source } from './edges.js';

export function defaultDeny(stack: string): KubeObject {
  return object('networking.k8s.io/v1', 'NetworkPolicy', { name: 'default-deny-ingress', labels: stackLabels(stack) }, { spec: { podSelector: {}, policyTypes: ['Ingress'] } });
}

function peer(from: Source, stack: string, ingressNamespace: string): Record<string, unknown> | undefined {
  if ('service' in from) return { podSelector: { matchLabels: selectorOf(from.service, stack) } };
  if ('ingress' in from) return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ingressNamespace } } };
  return undefined;
}

/** The policy that lets `s`'s edges in; none when nobody connects to it. */
export function allowPolicy(s: Service, edges: Edge[], stack: string, ingressNamespace: string): KubeObject | undefined {
  const mine = edges.filter((e) => e.to === s.name);
  if (!mine.length) return undefined;
  const ports = [...new Set(mine.map((e) => e.port))].sort((a, b) => a - b);
  const ingress = ports.map((port) => {
    const sources = mine.filter((e) => e.port === port).map((e) => e.from);
    // Open to the world: a rule with no `from` lets anyone in on the port.
    const from = sources.some((f) => 'world' in f) ? undefined : sources.map((f) => peer(f, stack, ingressNamespace)!);
    return { ...(from ? { from } : {}), ports: [{ port, protocol: 'TCP' }] };
  });
  return object('networking.k8s.io/v1', 'NetworkPolicy', { name: `${s.name}-ingress`, labels: labelsOf(s, stack) }, {
    spec: { podSelector: { matchLabels: selectorOf(s.name, stack) }, policyTypes: ['Ingress'], ingress },
  });
}
