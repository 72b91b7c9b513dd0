/**
 * What a Swarm stack file cannot say that the stack does: each a warning
 * naming the service and what berth does instead, never dropped silently.
 */
import type { Service } from '../../model/service.js';
import type { SwarmOptions } from './options.js';

const at = (s: Service) => `services.${s.origin.spec}${s.origin.instance !== undefined || s.origin.exporterOf ? ` (${s.name})` : ''}`;

export function serviceWarnings(s: Service, o: SwarmOptions, stack: string): string[] {
  const w: string[] = [];
  const deps = Object.keys(s.dependsOn).sort();
  const jobs = deps.filter((d) => s.dependsOn[d] === 'completed');
  const others = deps.filter((d) => s.dependsOn[d] !== 'completed');
  if (others.length) w.push(`${at(s)}: Swarm starts it without waiting for ${others.join(', ')} (no depends_on); it restarts it until they answer, and berth deploy waits for every service to be healthy`);
  if (jobs.length) w.push(`${at(s)}: waits for job ${jobs.join(', ')}, which Swarm cannot order; berth deploy runs the job first as a one-shot service and deploys the rest once it exited 0`);
  if (s.role === 'job') w.push(`${at(s)}: a job runs as a one-shot service (replicas 1, restart_policy none)`);
  if (s.build) w.push(`${at(s)}: Swarm runs images only and does not build; build and push ${s.image ? 'its image' : 'an image'} and give it image:`);
  if (s.privileged) w.push(`${at(s)}: Swarm services cannot run privileged; it runs without (give it the capabilities it needs with capAdd)`);
  if (s.noNewPrivileges) w.push(`${at(s)}: Swarm services take no security options; no-new-privileges is left out`);
  if (s.ulimits) w.push(`${at(s)}: the Swarm of Docker 20.10 sets no ulimits; the node's daemon defaults apply`);
  if (s.gpu) w.push(`${at(s)}: Swarm reserves GPUs only as generic resources its nodes advertise; asked for as NVIDIA-GPU${s.gpu.count === 'all' ? ' (one: Swarm has no "all")' : ''}, so give the nodes node-generic-resources in daemon.json`);
  if (s.autoscale) w.push(`${at(s)}: Swarm runs ${s.autoscale.min} replica(s); scaling up to ${s.autoscale.max} by load is Kubernetes-only (berth export ${stack} --to kubernetes)`);
  for (const m of s.mounts) if (m.type === 'bind') w.push(`${at(s)}: the host path ${typeof m.source === 'string' ? m.source : 'it mounts'} must exist on every Swarm node the service may run on`);
  for (const p of s.ports) {
    if (o.network === 'host' && /^(127\.|::1$|localhost$)/.test(p.bind)) {
      w.push(`${at(s)}: port ${p.host} is published on ${p.bind} only, which Swarm cannot do (host-mode ports bind every address); it is not published: reach it on the stack's network, or set bind: 0.0.0.0`);
    }
  }
  return w;
}
