/** A stack on nodes as one bundle per machine: this machine's in the stack dir, each node's in nodes/<node>/, self-contained, with only the secrets its services use. */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderMachines } from '../../src/render/nodes.js';
import { parseEnv } from '../../src/render/env.js';
import { composeSchemaErrors } from '../golden/_compose.js';
import { resolveYaml } from './_resolve.js';

const SPEC = `nodes:
  core: {host: "ssh://deploy@core.example", address: 10.0.0.5}
  workers: {host: "ssh://workers.example"}
vars: {IMAGE_TAG: "1.0"}
services:
  db: {component: postgres, node: core, port: 5432, bind: 0.0.0.0}
  api: {component: app, node: core, image: "x/api:\${IMAGE_TAG}", port: 8000, health: /health, secrets: [JWT_SECRET], uses: [db]}
  worker: {component: worker, node: workers, image: "x/api:\${IMAGE_TAG}", command: [work], port: 5003, metrics: true, uses: [db]}
  prometheus: {node: core}
  cache: {component: redis}
`;

describe('bundles per machine', () => {
  const stack = resolveYaml(SPEC);
  const files = renderMachines(stack, SPEC).files;
  const file = (p: string) => files.find((f) => f.path === p) ?? { path: p, content: '', mode: undefined };

  it('this machine keeps its services in the stack dir; each node gets nodes/<node>/ without stack.yaml', () => {
    expect(files.map((f) => f.path).sort()).toEqual([
      '.berth.json',
      '.env',
      'docker-compose.yaml',
      'nodes/core/.berth.json',
      'nodes/core/.env',
      'nodes/core/docker-compose.yaml',
      'nodes/core/prometheus/prometheus.yml',
      'nodes/workers/.berth.json',
      'nodes/workers/.env',
      'nodes/workers/docker-compose.yaml',
      'stack.yaml',
    ]);
    expect(Object.keys(parseYaml(file('docker-compose.yaml').content).services)).toEqual(['cache', 'cache-exporter']);
    expect(Object.keys(parseYaml(file('nodes/core/docker-compose.yaml').content).services)).toEqual(['api', 'db', 'db-exporter', 'prometheus']);
    expect(Object.keys(parseYaml(file('nodes/workers/docker-compose.yaml').content).services)).toEqual(['worker']);
  });

  it('a node\'s .env holds only the secrets its services use (mode 0600); this machine\'s holds them all, so a regenerate keeps them', () => {
    const secrets = (p: string) => Object.keys(parseEnv(file(p).content)).filter((k) => !k.startsWith('COMPOSE_') && k !== 'IMAGE_TAG').sort();
    expect(secrets('nodes/workers/.env')).toEqual(['DB_PASSWORD']);
    expect(secrets('nodes/core/.env')).toEqual(['DB_PASSWORD', 'JWT_SECRET']);
    expect(secrets('.env')).toEqual(['CACHE_PASSWORD', 'DB_PASSWORD', 'JWT_SECRET']);
    expect(parseEnv(file('nodes/workers/.env').content)).toMatchObject({ COMPOSE_PROJECT_NAME: 'test-workers', IMAGE_TAG: '1.0' });
    for (const p of ['.env', 'nodes/core/.env', 'nodes/workers/.env']) expect(file(p).mode).toBe(0o600);
  });

  it('each node is a Compose project of its own, valid, whose config mounts are files of its own bundle', () => {
    for (const node of ['core', 'workers']) {
      const doc = parseYaml(file(`nodes/${node}/docker-compose.yaml`).content);
      expect(composeSchemaErrors(doc)).toEqual([]);
      for (const svc of Object.values(doc.services) as { labels: Record<string, string>; volumes?: string[] }[]) {
        expect(svc.labels['dev.berth.stack']).toBe(`test-${node}`);
        for (const v of svc.volumes ?? []) {
          const source = v.split(':')[0]!;
          if (source.startsWith('.')) expect(files.map((f) => f.path)).toContain(`nodes/${node}/${source.replace(/^\.\//, '')}`);
          else expect(source).not.toMatch(/^\//);
        }
      }
    }
    expect(JSON.parse(file('nodes/core/.berth.json').content)).toMatchObject({ stack: 'test-core', secrets: ['DB_PASSWORD', 'JWT_SECRET'] });
  });

  it('this machine\'s manifest names the nodes with their projects, in deploy order', () => {
    expect(JSON.parse(file('.berth.json').content).nodes).toEqual([
      { name: 'core', host: 'ssh://deploy@core.example', address: '10.0.0.5', project: 'test-core' },
      { name: 'workers', host: 'ssh://workers.example', address: 'workers.example', project: 'test-workers' },
    ]);
  });

  it('Prometheus on the core node scrapes the worker at the workers node\'s address', () => {
    const prom = parseYaml(file('nodes/core/prometheus/prometheus.yml').content) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] };
    expect(prom.scrape_configs.find((j) => j.job_name === 'worker')?.static_configs?.[0]?.targets).toEqual(['workers.example:5003']);
  });
});
