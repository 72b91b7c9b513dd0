/** Reading exported objects back: workloads by name, their pod's containers, the edges the network policies let in. */
import type { KubeObject } from './_schemas.js';

export type Obj = KubeObject & { spec?: any };

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];

export function find(objects: Obj[], kind: string, name: string): Obj | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name);
}

export function workloadOf(objects: Obj[], name: string): Obj | undefined {
  return objects.find((o) => WORKLOAD_KINDS.includes(o.kind) && o.metadata?.name === name);
}

export const podSpec = (w: Obj) => w.spec.template.spec;
export const mainContainer = (w: Obj) => podSpec(w).containers[0];

/** `from -> to:port` for every source a policy lets in: a service's pods by name, `ingress` (the controller's namespace) or `*` (anyone). */
export function allowedEdges(objects: Obj[]): string[] {
  const out: string[] = [];
  for (const p of objects.filter((o) => o.kind === 'NetworkPolicy' && o.spec.ingress)) {
    const to = p.spec.podSelector.matchLabels['app.kubernetes.io/name'];
    for (const rule of p.spec.ingress) {
      const sources: string[] = rule.from
        ? rule.from.map((f: any) => (f.podSelector ? f.podSelector.matchLabels['app.kubernetes.io/name'] : f.namespaceSelector ? 'ingress' : '?'))
        : ['*'];
      for (const port of rule.ports) for (const from of sources) out.push(`${from} -> ${to}:${port.port}`);
    }
  }
  return out.sort();
}
