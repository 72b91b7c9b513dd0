import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/render/env.js';
import { runCli } from '../helpers/cli.js';
import { stderrOf, newHome } from './_util.js';

type Compose = { services: Record<string, { image?: string; ports?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; profiles?: string[]; mem_limit: string; command?: string[] }>; volumes?: Record<string, unknown> };

const compose = (home: string, name: string): Compose => parse(fs.readFileSync(path.join(home, 'stacks', name, 'docker-compose.yaml'), 'utf8'));
const env = (home: string, name: string) => parseEnv(fs.readFileSync(path.join(home, 'stacks', name, '.env'), 'utf8'));

describe('generate from flags', () => {
  it('--web --postgres --monitoring: the seed stack, default ports, human summary', async () => {
    const home = newHome();
    const r = await runCli(['generate', 'prod', '--web', '--postgres', '--monitoring'], { home });
    expect(r.code).toBe(0);
    expect(stderrOf(r)).toBe('');
    const dir = path.join(home, 'stacks', 'prod');
    expect(r.stdout.split('\n')[0]).toBe(`Generated stack prod in ${dir}`);
    expect(r.stdout).toMatch(/^SERVICE +COMPONENT +IMAGE +PORTS +PROFILES$/m);
    expect(r.stdout).toContain('6 services, 6 volumes; generated 6 secret(s) into .env (mode 0600).\nNext: berth up prod\n');
    const c = compose(home, 'prod');
    expect(Object.keys(c.services)).toEqual(['grafana', 'influxdb', 'postgres', 'postgres-exporter', 'prometheus', 'web']);
    expect(Object.fromEntries(Object.entries(c.services).map(([k, s]) => [k, s.ports ?? []]))).toEqual({
      grafana: ['0.0.0.0:3000:3000'],
      influxdb: ['127.0.0.1:8086:8086'],
      postgres: ['127.0.0.1:5432:5432'],
      'postgres-exporter': [],
      prometheus: ['0.0.0.0:9090:9090'],
      web: ['0.0.0.0:8080:8080'],
    });
    expect(c.services.web!.depends_on).toEqual({ influxdb: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    expect(c.services.web!.environment!.DATABASE_URL).toBe('postgresql://app:${POSTGRES_PASSWORD}@postgres:5432/app');
    expect(c.services.postgres!.mem_limit).toBe('1024m');
    expect(c.services.postgres!.command).toContain('shared_buffers=256MB');
    expect(fs.readdirSync(dir).sort()).toEqual(['.berth.json', '.env', 'docker-compose.yaml', 'grafana', 'prometheus', 'stack.yaml']);
    expect(env(home, 'prod')).toMatchObject({ COMPOSE_PROJECT_NAME: 'prod', COMPOSE_PROFILES: '' });

    const again = await runCli(['generate', 'prod', '--web', '--postgres', '--monitoring'], { home });
    expect(again.stdout.split('\n')[0]).toBe(`Regenerated stack prod in ${dir}`);
    expect(again.stdout).toContain('6 services, 6 volumes.\n');
  });

  it('every port flag lands in the Compose file', async () => {
    const home = newHome();
    const r = await runCli(
      ['generate', 'p', '--web', '--postgres', '--monitoring', '--agent', '--port', '18080', '--agent-port', '18090', '--postgres-port', '15432', '--grafana-port', '13000', '--prometheus-port', '19090', '--influxdb-port', '18086'],
      { home },
    );
    expect(r.code).toBe(0);
    const c = compose(home, 'p');
    expect(c.services.web!.ports).toEqual(['0.0.0.0:18080:8080']);
    expect(c.services.agent!.ports).toEqual(['0.0.0.0:18090:8090']);
    expect(c.services.postgres!.ports).toEqual(['127.0.0.1:15432:5432']);
    expect(c.services.grafana!.ports).toEqual(['0.0.0.0:13000:3000']);
    expect(c.services.prometheus!.ports).toEqual(['0.0.0.0:19090:9090']);
    expect(c.services.influxdb!.ports).toEqual(['127.0.0.1:18086:8086']);
    expect(c.services.agent!.environment!.BERTH_SERVER_URL).toBe('https://web:8080');
  });

  it('--reporting, and --agent with --server-url', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'reports', '--reporting', '--port', '8081'], { home })).code).toBe(0);
    expect(compose(home, 'reports').services.reporting!.ports).toEqual(['0.0.0.0:8081:8080']);
    // The read-only dashboard signs its sessions too.
    expect(compose(home, 'reports').services.reporting!.environment!.BERTH_SECRET_KEY).toBe('${BERTH_SECRET_KEY}');
    expect(Object.keys(env(home, 'reports')).filter((k) => !k.startsWith('COMPOSE_')).sort()).toEqual(['BERTH_AUTH_TOKEN', 'BERTH_SECRET_KEY']);
    expect((await runCli(['generate', 'gpu1', '--agent', '--server-url', 'https://server:8080', '--gpus', 'all'], { home })).code).toBe(0);
    const agent = compose(home, 'gpu1').services.agent!;
    expect(agent.environment!.BERTH_SERVER_URL).toBe('https://server:8080');
    expect(agent.ports).toEqual(['0.0.0.0:8090:8090']);
    expect(Object.keys(env(home, 'gpu1')).filter((k) => !k.startsWith('COMPOSE_'))).toEqual(['BERTH_AUTH_TOKEN']);
  });

  it('--with adds catalog components and wires their connection env', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'p', '--web', '--with', 'redis,clickhouse', '--with', 'mongodb'], { home })).code).toBe(0);
    const c = compose(home, 'p');
    expect(Object.keys(c.services)).toEqual(['clickhouse', 'mongodb', 'redis', 'web']);
    expect(c.services.web!.environment).toMatchObject({
      REDIS_URL: 'redis://:${REDIS_PASSWORD}@redis:6379/0',
      CLICKHOUSE_URL: 'http://app:${CLICKHOUSE_PASSWORD}@clickhouse:8123/?database=app',
      MONGODB_URL: 'mongodb://root:${MONGODB_PASSWORD}@mongodb:27017/?authSource=admin',
    });
    expect(Object.keys(c.services.web!.depends_on!).sort()).toEqual(['clickhouse', 'mongodb', 'redis']);
    expect(c.services.redis!.ports).toBeUndefined();
  });

  it('stores the spec the flags built; generate -f of it gives the same stack', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'a', '--web', '--postgres', '--postgres-port', '5433'], { home })).code).toBe(0);
    const spec = fs.readFileSync(path.join(home, 'stacks', 'a', 'stack.yaml'), 'utf8');
    expect(parse(spec)).toEqual({ version: 1, services: { web: { port: 8080 }, postgres: { port: 5433 } } });
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    fs.writeFileSync(path.join(cwd, 'stack.yaml'), spec);
    expect((await runCli(['generate', 'b', '-f', 'stack.yaml'], { home, cwd })).code).toBe(0);
    // Identical but for the stack name (header comment, labels, and the stack the web server runs in).
    const read = (n: string) => fs.readFileSync(path.join(home, 'stacks', n, 'docker-compose.yaml'), 'utf8').replace(`# berth stack ${n}.`, '').replaceAll(`dev.berth.stack: ${n}\n`, '').replace(`BERTH_OWN_STACK: ${n}\n`, '');
    expect(read('b')).toBe(read('a'));
  });

  it('--json prints only JSON of a fixed shape', async () => {
    const home = newHome();
    const r = await runCli(['generate', 'prod', '--web', '--postgres', '--json'], { home });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['stack', 'dir', 'created', 'written', 'profiles', 'services', 'files', 'generatedSecrets', 'warnings']);
    expect(j).toMatchObject({ stack: 'prod', dir: path.join(home, 'stacks', 'prod'), created: true, written: true, profiles: [], warnings: [] });
    expect(j.services).toEqual([
      { name: 'postgres', component: 'postgres', image: 'postgres:17.5-bookworm', ports: [{ host: 5432, container: 5432, bind: '127.0.0.1' }], profiles: [], replicas: 1 },
      { name: 'web', component: 'web', image: 'ghcr.io/berth-stack/berth:0.1.0', ports: [{ host: 8080, container: 8080, bind: '0.0.0.0' }], profiles: [], replicas: 1 },
    ]);
    expect(j.files).toEqual(['stack.yaml', 'docker-compose.yaml', '.env', '.berth.json']);
    expect(j.generatedSecrets).toEqual(['BERTH_AUTH_TOKEN', 'BERTH_SECRET_KEY', 'POSTGRES_PASSWORD']);
    const again = JSON.parse((await runCli(['generate', 'prod', '--web', '--postgres', '--json', '--dry-run'], { home })).stdout);
    expect(again).toMatchObject({ created: false, written: false, generatedSecrets: [] });
  });

  it('a port another stack publishes is a warning naming that stack; the stack is still written', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'a', '--web', '--postgres'], { home })).code).toBe(0);
    const r = await runCli(['generate', 'b', '--web', '--postgres', '--postgres-port', '5433'], { home });
    expect(r.code).toBe(0);
    expect(stderrOf(r)).toBe('berth: warning: port 8080 (web) is also published by stack a (web); the two cannot run at once on one host\n');
    expect(fs.existsSync(path.join(home, 'stacks', 'b', 'docker-compose.yaml'))).toBe(true);
    const j = JSON.parse((await runCli(['generate', 'b', '--web', '--postgres', '--postgres-port', '5433', '--json'], { home })).stdout);
    expect(j.warnings).toContain('port 8080 (web) is also published by stack a (web); the two cannot run at once on one host');
    // Regenerating a stack does not warn about its own ports.
    expect(stderrOf(await runCli(['generate', 'a', '--web', '--postgres'], { home }))).not.toContain('stack a');
  });
});

describe('generate from stack.yaml', () => {
  const spec = [
    'description: workers',
    'services:',
    '  postgres: {}',
    '  api:',
    '    component: app',
    '    image: registry.local/api:1',
    '    port: 8000',
    '    health: /health',
    '  backtest:',
    '    component: worker',
    '    app: api',
    '    command: [python, -m, backtest]',
    '    port: 5003',
    '    scale: 3',
    '    env:',
    '      WORKER_PUBLIC_BASE_URL: http://workers:{{port}}',
    '  migrate:',
    '    component: job',
    '    app: api',
    '    command: [alembic, upgrade, head]',
    '',
  ].join('\n');

  it('takes -f relative to the working directory and stores the file as given', async () => {
    const home = newHome();
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    fs.mkdirSync(path.join(cwd, 'deploy'));
    fs.writeFileSync(path.join(cwd, 'deploy', 'stack.yaml'), spec);
    const r = await runCli(['generate', 'ktrdr', '--file', 'deploy/stack.yaml'], { home, cwd });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(home, 'stacks', 'ktrdr', 'stack.yaml'), 'utf8')).toBe(spec);
    const c = compose(home, 'ktrdr');
    expect(Object.keys(c.services)).toEqual(['api', 'backtest-1', 'backtest-2', 'backtest-3', 'migrate', 'postgres']);
    expect(c.services['backtest-1']!.profiles).toBeUndefined();
    expect(c.services['backtest-2']!.profiles).toEqual(['scale-2', 'scale-3']);
    expect(c.services['backtest-3']!.profiles).toEqual(['scale-3']);
    expect(c.services['backtest-3']!.ports).toEqual(['0.0.0.0:5005:5005']);
    expect(c.services['backtest-2']!.environment!.WORKER_PUBLIC_BASE_URL).toBe('http://workers:5004');
    expect(c.services.api!.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' }, postgres: { condition: 'service_healthy' } });
    expect(c.services['backtest-2']!.depends_on!.migrate).toEqual({ condition: 'service_completed_successfully' });
    expect(c.services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('--profile records the active profiles in COMPOSE_PROFILES and in list/show', async () => {
    const home = newHome();
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    fs.writeFileSync(path.join(cwd, 'stack.yaml'), spec);
    expect((await runCli(['generate', 'k', '-f', 'stack.yaml', '--profile', 'scale-3'], { home, cwd })).code).toBe(0);
    expect(env(home, 'k').COMPOSE_PROFILES).toBe('scale-3');
    const show = JSON.parse((await runCli(['show', 'k', '--json'], { home })).stdout);
    expect(show.profiles).toEqual(['scale-3']);
    expect(show.knownProfiles).toEqual(['scale-2', 'scale-3']);
    expect(JSON.parse((await runCli(['list', '--json'], { home })).stdout)[0].profiles).toEqual(['scale-3']);
    expect((await runCli(['generate', 'k', '-f', 'stack.yaml', '--profile', 'scale-2,scale-3'], { home, cwd })).code).toBe(0);
    expect(env(home, 'k').COMPOSE_PROFILES).toBe('scale-2,scale-3');
    expect((await runCli(['generate', 'k', '-f', 'stack.yaml'], { home, cwd })).code).toBe(0);
    expect(env(home, 'k').COMPOSE_PROFILES).toBe('');
  });

  it('vars: go to .env, not into the Compose file', async () => {
    const home = newHome();
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    fs.writeFileSync(path.join(cwd, 'stack.yaml'), 'vars:\n  TAG: "1.2"\nservices:\n  api:\n    component: app\n    image: registry.local/api:${TAG}\n');
    expect((await runCli(['generate', 'v', '-f', 'stack.yaml'], { home, cwd })).code).toBe(0);
    expect(env(home, 'v').TAG).toBe('1.2');
    expect(compose(home, 'v').services.api!.image).toBe('registry.local/api:${TAG}');
  });
});
