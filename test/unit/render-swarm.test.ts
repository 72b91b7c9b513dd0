/** The Swarm renderer's meaning, read back from the stack file it writes. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveYaml } from './_resolve.js';
import { renderSwarm, jobSteps } from '../../src/render/swarm/index.js';
import type { SwarmOptions } from '../../src/render/swarm/options.js';
import type { ResolvedStack } from '../../src/model/stack.js';

const imageStart: SwarmOptions['imageStart'] = (ref) =>
  ref.startsWith('postgres') ? { entrypoint: ['docker-entrypoint.sh'], cmd: ['postgres'] } : ref.startsWith('registry.example/') ? { entrypoint: [], cmd: ['app'] } : undefined;

type Svc = Record<string, any>;
function render(stack: ResolvedStack, o: Partial<SwarmOptions> = {}) {
  const b = renderSwarm(stack, { network: 'host', imageStart, ...o });
  return { ...b, doc: parse(b.file) as { services: Record<string, Svc>; secrets?: Record<string, unknown>; volumes?: object; networks: Record<string, Svc> } };
}

const STACK = `
vars: {TAG: "1.2"}
services:
  db: {component: postgres, port: 5432}
  api:
    component: app
    image: "registry.example/api:\${TAG}"
    command: [serve, --port, "8000"]
    port: 8000
    bind: 0.0.0.0
    health: /health
    replicas: 1
    env: {PRICE: "5$$"}
    uses: [db]
  web: {component: app, image: "registry.example/web:1", replicas: 2, health: /}
  migrate: {component: job, app: api, command: [migrate]}
`;

describe('swarm stack file', () => {
  const stack = resolveYaml(STACK);
  const { doc, objects, warnings, file } = render(stack);

  it('hands secrets over as Swarm secret files read by a start script, never as values', () => {
    const db = doc.services.db!;
    expect(db.secrets).toEqual([{ source: expect.stringMatching(/^test_DB_PASSWORD_[0-9a-f]{12}$/), target: 'DB_PASSWORD' }]);
    expect(db.entrypoint.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(db.entrypoint[2]).toContain('export POSTGRES_PASSWORD="$$(cat /run/secrets/DB_PASSWORD)"');
    expect(db.entrypoint[2]).toContain(`\nexec "docker-entrypoint.sh" "postgres"`);
    expect(db.environment.POSTGRES_PASSWORD).toBeUndefined();
    const api = doc.services.api!;
    expect(api.entrypoint[2]).toContain('export DATABASE_URL="postgresql://');
    expect(api.entrypoint[2]).toMatch(/exec "serve" "--port" "8000"$/);
    for (const v of Object.values(stack.secrets)) expect(file).not.toContain(v);
    expect(objects.filter((o) => o.kind === 'secret').map((o) => o.of)).toEqual(['DB_PASSWORD']);
    expect(Object.keys(doc.secrets!)).toEqual(objects.map((o) => o.name));
  });

  it('names a rotated secret anew, so the running release keeps the old one', () => {
    const rotated = { ...stack, secrets: { ...stack.secrets, DB_PASSWORD: 'another' } };
    const before = objects.find((o) => o.of === 'DB_PASSWORD')!.name;
    const after = render(rotated).objects.find((o) => o.of === 'DB_PASSWORD')!.name;
    expect(after).not.toBe(before);
    expect(after.replace(/_[0-9a-f]{12}$/, '')).toBe(before.replace(/_[0-9a-f]{12}$/, ''));
  });

  it('fills in variables and writes every dollar as $$ for docker stack deploy', () => {
    expect(doc.services.api!.image).toBe('registry.example/api:1.2');
    expect(doc.services.api!.environment.PRICE).toBe('5$$');
  });

  it('rolls updates out health-gated, start-first unless a volume or host port forbids, and lets Swarm roll back', () => {
    const web = doc.services.web!.deploy;
    expect(web).toMatchObject({ endpoint_mode: 'dnsrr', replicas: 2, update_config: { order: 'start-first', failure_action: 'rollback', parallelism: 1 }, rollback_config: { order: 'start-first' } });
    expect(doc.services.web!.healthcheck.test[0]).toMatch(/^CMD/);
    expect(doc.services.db!.deploy).toMatchObject({ update_config: { order: 'stop-first' }, placement: { constraints: ['node.role == manager'] } });
    expect(doc.services.api!.deploy.update_config.order).toBe('stop-first');
    expect(doc.services.db!.deploy.resources).toEqual({ limits: { memory: expect.stringMatching(/M$/) }, reservations: { memory: expect.stringMatching(/M$/) } });
  });

  it('publishes host-mode ports, and says a port on 127.0.0.1 only is not published', () => {
    expect(doc.services.api!.ports).toEqual([{ target: 8000, published: 8000, protocol: 'tcp', mode: 'host' }]);
    expect(doc.services.db!.ports).toBeUndefined();
    expect(warnings.some((w) => w.startsWith('services.db: port 5432 is published on 127.0.0.1 only'))).toBe(true);
    const ingress = render(stack, { network: 'ingress' }).doc;
    expect(ingress.services.db!.ports).toEqual([{ target: 5432, published: 5432, protocol: 'tcp', mode: 'ingress' }]);
    expect(ingress.services.db!.deploy.endpoint_mode).toBeUndefined();
  });

  it('runs a job once and says so; deploy runs it first with what it waits for', () => {
    expect(doc.services.migrate!.deploy).toMatchObject({ replicas: 1, restart_policy: { condition: 'none' }, update_config: { failure_action: 'continue' } });
    expect(doc.services.migrate!.deploy.rollback_config).toBeUndefined();
    expect(warnings).toContain('services.migrate: a job runs as a one-shot service (replicas 1, restart_policy none)');
    expect(warnings.find((w) => w.startsWith('services.api: waits for job migrate'))).toBeDefined();
    expect(jobSteps(stack).map((s) => [...s].sort())).toEqual([['db'], ['db', 'migrate']]);
    expect(render(stack, {}).services).toContain('web');
    expect(renderSwarm(stack, { network: 'host', imageStart }, [], jobSteps(stack)[1]).services).toEqual(['db', 'migrate']);
    expect(jobSteps(resolveYaml('services:\n  redis: {}\n'))).toEqual([]);
  });

  it('joins one overlay network and keeps named volumes', () => {
    expect(doc.networks.default).toMatchObject({ driver: 'overlay', attachable: true });
    expect(Object.keys(doc.volumes!)).toEqual(['db-data']);
  });

  it('refuses a service that reads secrets at start when its image start is unknown, naming it', () => {
    expect(() => renderSwarm(stack, { network: 'host' })).toThrow(/^services\.api: reads secrets at start/);
  });
});
