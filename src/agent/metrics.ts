/**
 * The agent's /metrics in Prometheus's text format (what the agent
 * component's scrape target asks): whether it has enrolled, its heartbeats
 * and jobs by result since it started, when its last heartbeat got through,
 * and the process's own metrics. Nothing in it is a secret.
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DaemonStatus } from './daemon.js';

export function agentMetrics(status: DaemonStatus): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'berth_agent_enrolled',
    help: '1 once the agent holds a credential of its server.',
    registers: [registry],
    collect() {
      this.set(status.enrolled ? 1 : 0);
    },
  });
  new Gauge({
    name: 'berth_agent_heartbeats',
    help: 'Heartbeats sent since the agent started, by result.',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      for (const [result, n] of Object.entries(status.heartbeats)) this.set({ result }, n);
    },
  });
  new Gauge({
    name: 'berth_agent_jobs',
    help: 'Jobs run since the agent started, by result.',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      for (const [result, n] of Object.entries(status.jobs)) this.set({ result }, n);
    },
  });
  new Gauge({
    name: 'berth_agent_last_heartbeat_seconds',
    help: 'Unix time of the last heartbeat the server took (0: none yet).',
    registers: [registry],
    collect() {
      this.set(status.lastHeartbeat ? Date.parse(status.lastHeartbeat) / 1000 : 0);
    },
  });
  return registry;
}
