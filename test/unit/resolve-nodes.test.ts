/** nodes: placement, wiring across nodes (address and published port) and its errors, dependencies that cross nodes, ports per machine, scraping across nodes. */
import { describe, expect, it } from 'vitest';
import { errorOf, resolveYaml, svc, writtenEnv } from './_resolve.js';

const NODES = `nodes:
  core: {host: "ssh://deploy@core.example:2222", address: 10.0.0.5}
  workers: {host: "ssh://workers.example"}
`;

const KTRDR = `${NODES}services:
  db: {component: postgres, node: core, port: 5432, bind: 0.0.0.0}
  api: {component: app, node: core, image: x/api:1, port: 8000, health: /health, metrics: /metrics}
  worker: {component: worker, node: workers, app: api, command: [work], scale: 2, port: 5003, metrics: true, uses: [db]}
  prometheus: {node: core}
  tools: {component: app, image: x/tools:1, uses: [], metrics: true}
`;

describe('nodes', () => {
  const stack = resolveYaml(KTRDR);

  it('places each service, its instances and exporters on its node; the rest stays here; nodes in deploy order', () => {
    const placed = Object.fromEntries(stack.services.map((s) => [s.name, s.node ?? '-']));
    expect(placed).toEqual({ api: 'core', db: 'core', 'db-exporter': 'core', prometheus: 'core', tools: '-', 'worker-1': 'workers', 'worker-2': 'workers' });
    expect(stack.nodes).toEqual([
      { name: 'core', host: 'ssh://deploy@core.example:2222', address: '10.0.0.5' },
      // The address defaults to the ssh URL's host.
      { name: 'workers', host: 'ssh://workers.example', address: 'workers.example' },
    ]);
  });

  it('a consumer on another node gets the datastore at its node\'s address and published port, and does not wait for it in Compose', () => {
    expect(writtenEnv(svc(stack, 'worker-1'))).toMatchObject({
      DATABASE_URL: 'postgresql://app:${DB_PASSWORD}@10.0.0.5:5432/app',
      POSTGRES_HOST: '10.0.0.5',
      POSTGRES_PORT: '5432',
    });
    expect(svc(stack, 'worker-1').dependsOn).toEqual({});
    // On the same node, the service name as ever.
    expect(writtenEnv(svc(stack, 'api'))).toMatchObject({ POSTGRES_HOST: 'db', POSTGRES_PORT: '5432' });
    expect(svc(stack, 'api').dependsOn).toEqual({ db: 'ready' });
  });

  it('a node comes after the nodes it uses, whatever their names', () => {
    const s = resolveYaml(`nodes:
  a-workers: {host: "ssh://w"}
  b-core: {host: "ssh://c"}
services:
  db: {component: postgres, node: b-core, port: 5432, bind: 0.0.0.0}
  worker: {component: worker, node: a-workers, image: x/w:1, command: [w]}
`);
    expect(s.nodes!.map((n) => n.name)).toEqual(['b-core', 'a-workers']);
  });

  it('the host port of a datastore seen on another node is the one it publishes, not its own', () => {
    const s = resolveYaml(`${NODES}services:
  db: {component: postgres, node: core, port: 15432, bind: 0.0.0.0}
  worker: {component: worker, node: workers, image: x/w:1, command: [w]}
`);
    expect(writtenEnv(svc(s, 'worker'))).toMatchObject({ POSTGRES_HOST: '10.0.0.5', POSTGRES_PORT: '15432' });
  });

  it('Prometheus on one node scrapes what the others measure at their address and published port, under the active profiles', () => {
    const prometheus = svc(stack, 'prometheus');
    expect(prometheus.config).toMatchObject({ kind: 'scrape', targets: { 'worker-1': { targets: ['workers.example:5003'], path: '/metrics' } } });
    const scaled = resolveYaml(KTRDR, { profiles: ['scale-2'] });
    expect(Object.keys((svc(scaled, 'prometheus').config as { targets: object }).targets)).toEqual(['worker-1', 'worker-2']);
    expect(stack.warnings).toContain('prometheus on node core does not scrape tools on this machine (no node:): it runs on this machine, which has no address; give it a node:');
  });

  it('checks ports per machine: two nodes may publish the same port', () => {
    const s = resolveYaml(`${NODES}services:
  a: {component: app, node: core, image: x/a:1, port: 8000}
  b: {component: app, node: workers, image: x/b:1, port: 8000}
`);
    expect(s.services.map((x) => x.ports[0]!.host)).toEqual([8000, 8000]);
    expect(errorOf(() => resolveYaml(`${NODES}services:\n  a: {component: app, node: core, image: x/a:1, port: 8000}\n  b: {component: app, node: core, image: x/b:1, port: 8000}\n`)).message).toBe(
      'services.b: host port 8000 is already published by a in this stack; give one of them another port',
    );
  });

  it.each([
    [
      'a datastore that publishes no port',
      `${NODES}services:\n  db: {component: postgres, node: core}\n  worker: {component: worker, node: workers, image: x/w:1, command: [w]}\n`,
      'services.worker.uses: db on node core publishes no port; publish it (port: 5432, bind: 0.0.0.0) so worker on node workers can reach it at 10.0.0.5',
    ],
    [
      'a datastore that publishes on 127.0.0.1 only',
      `${NODES}services:\n  db: {component: postgres, node: core, port: 5432}\n  worker: {component: worker, node: workers, image: x/w:1, command: [w]}\n`,
      'services.worker.uses: db on node core publishes port 5432 on 127.0.0.1 only; set bind: 0.0.0.0 on db so worker on node workers can reach it at 10.0.0.5',
    ],
    [
      'a datastore on this machine',
      `${NODES}services:\n  db: {component: postgres, port: 5432, bind: 0.0.0.0}\n  worker: {component: worker, node: workers, image: x/w:1, command: [w]}\n`,
      'services.worker.uses: db runs on this machine (no node:) and worker on node workers, which cannot reach it; give db a node: too',
    ],
    ['an unknown node', `${NODES}services:\n  db: {component: postgres, node: edge}\n`, 'services.db.node: edge is not a node of this stack; its nodes: core, workers'],
    ['a node without nodes:', 'services:\n  db: {component: postgres, node: core}\n', 'services.db.node: the stack has no nodes; declare it under nodes:, like core: {host: ssh://deploy@core.example}'],
    ['node on an external datastore', `${NODES}services:\n  db: {component: postgres, external: "db.example:5432", node: core}\n`, 'services.db.node: db is external (no container runs for it), so node does not apply; drop it'],
  ])('refuses %s, naming the fix', (_, yaml, message) => {
    expect(errorOf(() => resolveYaml(yaml)).message).toBe(message);
  });

  it.each([
    ['nodes:\n  core: {host: "backend.example"}\nservices:\n  redis: {}\n', 'nodes.core.host: "backend.example" is not an ssh:// URL like ssh://deploy@backend.example:22 (user and port optional)'],
    ['nodes:\n  core: {host: "ssh://x", adress: y}\nservices:\n  redis: {}\n', 'nodes.core.adress: unknown key'],
    ['nodes:\n  core: {host: "ssh://x", address: "http://y"}\nservices:\n  redis: {}\n', 'nodes.core.address: "http://y" is not a host name or IP address'],
    ['nodes: {}\nservices:\n  redis: {}\n', 'nodes needs at least one node'],
  ])('validates nodes: %j', (yaml, message) => {
    expect(errorOf(() => resolveYaml(yaml)).message).toContain(message);
  });
});

describe('{{address}}: the address of the node a service runs on', () => {
  it('gives each worker instance its public base URL from its node and its own port', () => {
    const s = resolveYaml(`${NODES}services:
  db: {component: postgres, node: core, port: 5432, bind: 0.0.0.0}
  api: {component: app, node: core, image: x/api:1, port: 8000}
  worker:
    component: worker
    node: workers
    app: api
    command: [work, --advertise, "{{address}}:{{port}}"]
    scale: 2
    port: 5003
    uses: [db]
    env: {WORKER_PUBLIC_BASE_URL: "http://{{address}}:{{port}}"}
`);
    expect(writtenEnv(svc(s, 'worker-1')).WORKER_PUBLIC_BASE_URL).toBe('http://workers.example:5003');
    expect(writtenEnv(svc(s, 'worker-2')).WORKER_PUBLIC_BASE_URL).toBe('http://workers.example:5004');
    expect(svc(s, 'worker-2').command).toEqual(['work', '--advertise', 'workers.example:5004']);
  });

  it('on this machine (no node:) is an error naming the key and the fix', () => {
    const e = errorOf(() => resolveYaml(`services:
  api: {component: app, image: x/api:1, port: 8000, env: {PUBLIC_URL: "http://{{address}}:8000"}}
`));
    expect(e.message).toBe('services.api.env.PUBLIC_URL: {{address}} is the address of the node the service runs on, and api has no node:; place it on a node of nodes:, or write the address');
    expect(e.exitCode).toBe(2);
  });
});

describe('placement: constraints for Swarm, a nodeSelector on Kubernetes, a warning under Compose', () => {
  it('is validated with the key path and the forms it takes', () => {
    const e = errorOf(() => resolveYaml(`services:
  api: {component: app, image: x/api:1, placement: ["gpu=true"]}
`));
    expect(e.message).toMatch(/^services\.api\.placement\.0 must be a constraint like node\.labels\.gpu == true or node\.hostname != a/);
    expect(e.exitCode).toBe(2);
  });

  it('reaches every instance of the service', () => {
    const s = resolveYaml(`services:
  worker: {component: worker, image: x/w:1, command: [w], scale: 2, placement: ["node.labels.gpu == true", "node.hostname != build"]}
`);
    expect(['worker-1', 'worker-2'].map((n) => svc(s, n).placement)).toEqual([
      ['node.labels.gpu == true', 'node.hostname != build'],
      ['node.labels.gpu == true', 'node.hostname != build'],
    ]);
  });
});
