/**
 * Nodes: the machines a stack runs on (`nodes:`), and which one each service
 * runs on (`node:`; none: the machine berth runs on). Services on one node
 * reach each other by name, as ever; a service on another node is reached at
 * its node's address and the host port it publishes, so a consumer of a
 * datastore on another node gets that address in its connection env, and a
 * dependency that crosses nodes is kept by deploying its node first rather
 * than by Compose, which sees one node's file only.
 */
import { UsageError } from '../errors.js';
import type { PortMapping, Service } from '../model/service.js';
import type { StackNode } from '../model/stack.js';
import { parseSshUrl } from '../util/ssh-url.js';
import { byText } from '../util/order.js';
import type { SpecService, ValidSpec } from './spec.js';
import { scrapeEndpoints } from './scrape.js';
import { runsUnder } from './profiles.js';

export interface Placement {
  /** The declared nodes, by name (none: a stack of this machine only). */
  nodes: Map<string, StackNode>;
  /** The node of a stack.yaml service; undefined: this machine. */
  nodeOf(spec: string): string | undefined;
  /** The address of a stack.yaml service's node; undefined: this machine. */
  addressOf(spec: string): string | undefined;
}

const where = (node: string | undefined) => (node ? `node ${node}` : 'this machine (no node:)');

/** The declared nodes, and each service's node checked against them; produced services (instances, exporters) go where their stack.yaml service goes. */
export function placeServices(spec: ValidSpec, produced: Map<string, Service[]>): Placement {
  const nodes = new Map(
    Object.entries(spec.raw.nodes ?? {}).map(([name, n]) => [name, { name, host: n.host, address: n.address ?? parseSshUrl(n.host)!.host, ...(n.target === 'swarm' ? { target: 'swarm' as const } : {}) }] as const),
  );
  for (const s of spec.services) {
    const node = s.options.node;
    if (node === undefined || nodes.has(node)) continue;
    const known = [...nodes.keys()];
    throw new UsageError(
      known.length
        ? `services.${s.name}.node: ${node} is not a node of this stack; its nodes: ${known.join(', ')}`
        : `services.${s.name}.node: the stack has no nodes; declare it under nodes:, like ${node}: {host: ssh://deploy@${node}.example}`,
    );
  }
  const byName = new Map(spec.services.map((s) => [s.name, s]));
  const nodeOf = (name: string) => byName.get(name)?.options.node;
  for (const svc of [...produced.values()].flat()) {
    const node = nodeOf(svc.origin.spec);
    if (node) svc.node = node;
  }
  const addressOf = (name: string) => {
    const node = nodeOf(name);
    return node ? nodes.get(node)?.address : undefined;
  };
  return { nodes, nodeOf, addressOf };
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

/**
 * Where a consumer reaches a datastore on another node: that node's address
 * and the host port the datastore publishes for clients. Undefined on the
 * same node (service names work there). Refused, with the fix, when the
 * datastore is on this machine (no address others could use) or publishes no
 * port other machines can reach.
 */
export function reachAcross(p: Placement, provider: SpecService, produced: Service[], consumer: string): { host: string; port: number } | undefined {
  const [from, to] = [p.nodeOf(consumer), p.nodeOf(provider.name)];
  if (from === to) return undefined;
  const at = `services.${consumer}.uses`;
  if (!to) throw new UsageError(`${at}: ${provider.name} runs on ${where(to)} and ${consumer} on ${where(from)}, which cannot reach it; give ${provider.name} a node: too`);
  const wanted = [provider.def.clientPort, provider.def.port].filter((x): x is number => x !== undefined);
  const ports = produced.flatMap((s) => s.ports).filter((m) => wanted.includes(m.container));
  const open = ports.find((m) => !LOOPBACK.test(m.bind));
  const address = p.nodes.get(to)!.address;
  if (open) return { host: address, port: open.host };
  const fix = `so ${consumer} on ${where(from)} can reach it at ${address}`;
  if (ports[0]) throw new UsageError(`${at}: ${provider.name} on node ${to} publishes port ${ports[0].host} on ${ports[0].bind} only; set bind: 0.0.0.0 on ${provider.name} ${fix}`);
  throw new UsageError(`${at}: ${provider.name} on node ${to} publishes no port; publish it (port: ${wanted[0] ?? 'N'}, bind: 0.0.0.0) ${fix}`);
}

/**
 * Takes the dependencies that cross nodes out of the services (Compose on one
 * node cannot wait for a container on another) and returns the nodes in the
 * order berth deploys them: a node after the nodes it depends on, else by
 * name; nodes that depend on each other keep their names' order.
 */
export function splitAcrossNodes(services: Service[], nodes: Iterable<string>): string[] {
  const nodeOf = new Map(services.map((s) => [s.name, s.node]));
  const after = new Map<string, Set<string>>();
  for (const svc of services) {
    for (const dep of Object.keys(svc.dependsOn)) {
      const other = nodeOf.get(dep);
      if (other === svc.node) continue;
      delete svc.dependsOn[dep];
      if (svc.node && other) after.set(svc.node, (after.get(svc.node) ?? new Set()).add(other));
    }
  }
  const left = [...nodes].sort(byText);
  const order: string[] = [];
  while (left.length) {
    const next = left.find((n) => [...(after.get(n) ?? [])].every((d) => order.includes(d) || d === n)) ?? left[0]!;
    order.push(next);
    left.splice(left.indexOf(next), 1);
  }
  return order;
}

/** The host port a service publishes for a port of its own that other machines can reach. */
function publishedFor(s: Service, port: number): PortMapping | undefined {
  return s.ports.find((m) => m.container === port && !LOOPBACK.test(m.bind));
}

/**
 * A collector (Prometheus, VictoriaMetrics) on one node scrapes what the
 * stack measures on the others, under the active profiles, at their node's
 * address and the published metrics port, as static targets (regenerate
 * after a change of profiles or placement); what it cannot reach is a
 * warning naming the fix. Returns the warnings.
 */
export function scrapeAcross(services: Service[], p: Placement, active: string[]): string[] {
  const warnings: string[] = [];
  for (const c of services) {
    if (c.config?.kind !== 'scrape') continue;
    const targets = { ...c.config.targets };
    for (const e of scrapeEndpoints(services.filter((s) => s.node !== c.node && runsUnder(s.profiles, active)))) {
      const m = publishedFor(e.service, e.port);
      const node = e.service.node;
      if (!m || !node) {
        const why = node ? `its metrics port ${e.port} is not published (or only on 127.0.0.1); publish it` : 'it runs on this machine, which has no address; give it a node:';
        warnings.push(`${c.name} on ${where(c.node)} does not scrape ${e.service.name} on ${where(node)}: ${why}`);
        continue;
      }
      const t = targets[e.job] ?? { targets: [], path: e.path };
      targets[e.job] = { ...t, targets: [...t.targets, `${p.nodes.get(node)!.address}:${m.host}`] };
    }
    c.config = { ...c.config, targets };
  }
  return warnings;
}

/** Services grouped by the node they run on ('' for this machine), for the checks that hold per machine (ports, memory). */
export function byNode(services: Service[]): Map<string, Service[]> {
  const out = new Map<string, Service[]>();
  for (const s of services) out.set(s.node ?? '', [...(out.get(s.node ?? '') ?? []), s]);
  return out;
}
