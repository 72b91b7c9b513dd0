/** Host ports: a port published twice in one stack is an error; one another stack or a host process holds is a warning. */
import { UsageError } from '../errors.js';
import type { Service } from '../model/service.js';

export interface PublishedPort {
  stack: string;
  service: string;
  port: number;
}

/** Every host port a stack publishes. */
export function publishedPorts(stack: string, services: { name: string; ports: { host: number }[] }[]): PublishedPort[] {
  return services.flatMap((s) => s.ports.map((p) => ({ stack, service: s.name, port: p.host })));
}

const overlaps = (a: string, b: string) => a === b || a === '0.0.0.0' || b === '0.0.0.0' || a === '::' || b === '::';

/** Where in stack.yaml a service's port comes from: the spec key of an instance or a scaled worker, not its generated name. */
function portKey(s: Service): string {
  const { spec, instance } = s.origin;
  if (instance === undefined) return `services.${s.name}`;
  return s.component === 'app' ? `services.${spec}.instances.${instance}.port` : `services.${spec}.port (instance ${instance})`;
}

export function checkPorts(
  stack: string,
  services: Service[],
  others: PublishedPort[],
  listener?: (port: number) => string | undefined,
): string[] {
  const seen: { port: number; bind: string; service: string }[] = [];
  for (const s of services) {
    for (const p of s.ports) {
      const clash = seen.find((o) => o.port === p.host && overlaps(o.bind, p.bind));
      if (clash) {
        throw new UsageError(
          clash.service === s.name
            ? `${portKey(s)}: publishes host port ${p.host} twice; give each mapping its own port`
            : `${portKey(s)}: host port ${p.host} is already published by ${clash.service} in this stack; give one of them another port`,
        );
      }
      seen.push({ port: p.host, bind: p.bind, service: s.name });
    }
  }
  const warnings: string[] = [];
  for (const { port, service } of seen) {
    const other = others.find((o) => o.port === port && o.stack !== stack);
    if (other) warnings.push(`port ${port} (${service}) is also published by stack ${other.stack} (${other.service}); the two cannot run at once on one host`);
    const holder = listener?.(port);
    if (holder) warnings.push(`port ${port} (${service}) is in use on this host by ${holder}; berth up refuses to start until it is free`);
  }
  return warnings;
}
