import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { newHome } from './_util.js';
import { COMPONENTS } from '../../src/catalog/index.js';
import { BERTH_VERSION } from '../../src/catalog/_berth.js';

const COMMANDS = ['generate', 'list', 'ls', 'show', 'config', 'catalog'];

describe('--help and --version work everywhere', () => {
  it.each(COMMANDS)('%s --help', async (cmd) => {
    const r = await runCli([cmd, '--help'], { home: newHome() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const name = cmd === 'ls' ? 'list' : cmd;
    expect(r.stdout).toMatch(new RegExp(`^Usage: berth ${name}(\\|ls)? \\[options\\]`));
    expect(r.stdout).toContain('--json');
  });

  it('generate --help documents every seed flag', async () => {
    const r = await runCli(['generate', '-h'], { home: newHome() });
    for (const flag of ['--web', '--reporting', '--agent', '--postgres', '--monitoring', '--with', '--port', '--agent-port', '--postgres-port', '--grafana-port', '--prometheus-port', '--influxdb-port', '--auth-token', '--secret-key', '--postgres-password', '--server-url', '--image', '--memory-budget', '--rotate-secrets', '-f, --file']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it.each([[['--version']], [['-v']], ...COMMANDS.map((c) => [[c, '--version']]), [['show', 'prod', '--version']]])('%j', async (argv) => {
    const r = await runCli(argv, { home: newHome() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${BERTH_VERSION}\n`);
    expect(r.stderr).toBe('');
  });

  it('--version --json', async () => {
    const r = await runCli(['list', '--version', '--json'], { home: newHome() });
    expect(JSON.parse(r.stdout)).toEqual({ version: BERTH_VERSION });
  });

  it('--help at the top lists the commands', async () => {
    const r = await runCli(['--help'], { home: newHome() });
    expect(r.code).toBe(0);
    for (const c of ['generate', 'list|ls', 'show', 'config', 'catalog']) expect(r.stdout).toContain(c);
  });

  it('help <command> shows that command\'s help; help alone the program\'s', async () => {
    const r = await runCli(['help', 'generate'], { home: newHome() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: berth generate \[options\] <name>/);
    const top = await runCli(['help'], { home: newHome() });
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: berth /);
  });

  it('no arguments prints the help and exits 2', async () => {
    const r = await runCli([], { home: newHome() });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Usage: berth /);
  });
});

describe('list', () => {
  it('says how to start when there are no stacks; --json gives []', async () => {
    const home = newHome();
    const r = await runCli(['list'], { home });
    expect(r).toEqual({ code: 0, stdout: 'No stacks yet. Create one: berth generate <name> --web --postgres --monitoring\n', stderr: '' });
    expect(JSON.parse((await runCli(['list', '--json'], { home })).stdout)).toEqual([]);
  });

  it('lists stacks by name with services, ports and profiles; ls is the same', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'prod', '--web', '--postgres', '--monitoring'], { home })).code).toBe(0);
    expect((await runCli(['generate', 'agent1', '--agent', '--server-url', 'https://prod:8080'], { home })).code).toBe(0);
    const r = await runCli(['list'], { home });
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^NAME +SERVICES +PORTS +PROFILES +UPDATED$/);
    expect(rows[1]).toMatch(/^agent1 +1 +8090 +- +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(rows[2]).toMatch(/^prod +6 +3000,5432,8080,8086,9090 +- +\d{4}-/);
    expect((await runCli(['ls'], { home })).stdout).toBe(r.stdout);

    const json = JSON.parse((await runCli(['ls', '--json'], { home })).stdout);
    expect(json.map((s: { name: string }) => s.name)).toEqual(['agent1', 'prod']);
    expect(Object.keys(json[1]).sort()).toEqual(['damaged', 'dir', 'name', 'ports', 'profiles', 'services', 'updated']);
    expect(json[1]).toMatchObject({
      name: 'prod',
      damaged: false,
      services: ['grafana', 'influxdb', 'postgres', 'postgres-exporter', 'prometheus', 'web'],
      ports: [3000, 5432, 8080, 8086, 9090],
      profiles: [],
      dir: path.join(home, 'stacks', 'prod'),
    });
    expect(new Date(json[1].updated).toISOString()).toBe(json[1].updated);
  });

  it('marks a stack with a damaged manifest and still lists the others', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'good', '--postgres'], { home })).code).toBe(0);
    expect((await runCli(['generate', 'bad', '--postgres'], { home })).code).toBe(0);
    fs.writeFileSync(path.join(home, 'stacks', 'bad', '.berth.json'), '{ not json');
    const r = await runCli(['list'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bad +damaged +- +- +-$/m);
    expect(r.stdout).toMatch(/^good +1 +5432 /m);
    expect(r.stderr).toMatch(/^berth: warning: .*stacks\/bad\/\.berth\.json: damaged .*; rewrite it from the stored stack.yaml with berth generate bad\n$/);
  });
});

describe('show', () => {
  it('prints services, ports, dependencies, volumes, env names and files', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'prod', '--web', '--postgres'], { home })).code).toBe(0);
    const r = await runCli(['show', 'prod'], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Stack prod\n  dir: ${path.join(home, 'stacks', 'prod')}\n  profiles: (none active)\n`);
    expect(r.stdout).toMatch(/^postgres +postgres +service +postgres:17\.5-bookworm +127\.0\.0\.1:5432->5432 +- +-$/m);
    expect(r.stdout).toMatch(/^web +web +service +ghcr\.io\/berth-stack\/berth:0\.1\.0 +0\.0\.0\.0:8080->8080 +- +postgres$/m);
    expect(r.stdout).toContain('volumes: postgres-data, web-data\n');
    expect(r.stdout).toContain('.env variables (values not shown): BERTH_AUTH_TOKEN, BERTH_SECRET_KEY, POSTGRES_PASSWORD\n');
    expect(r.stdout).toContain('files:\n  .berth.json\n  .env\n  docker-compose.yaml\n  stack.yaml\n');
  });

  it('--json: the manifest plus dir, files and env names', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'prod', '--web', '--postgres'], { home })).code).toBe(0);
    const m = JSON.parse((await runCli(['show', 'prod', '--json'], { home })).stdout);
    expect(Object.keys(m).sort()).toEqual(['berthVersion', 'dir', 'envNames', 'files', 'format', 'initOnlySecrets', 'knownProfiles', 'profiles', 'secrets', 'services', 'specDir', 'stack', 'urlSecrets', 'volumes', 'volumesEver']);
    expect(m.urlSecrets).toEqual({ POSTGRES_PASSWORD: ['web.DATABASE_URL'] });
    expect(m).toMatchObject({ stack: 'prod', berthVersion: BERTH_VERSION, profiles: [], knownProfiles: [], volumes: ['postgres-data', 'web-data'] });
    expect(m.files).toEqual(['.berth.json', '.env', 'docker-compose.yaml', 'stack.yaml']);
    expect(m.envNames).toEqual(['BERTH_AUTH_TOKEN', 'BERTH_SECRET_KEY', 'POSTGRES_PASSWORD']);
    expect(m.services[1]).toEqual({
      name: 'web',
      component: 'web',
      role: 'service',
      image: 'ghcr.io/berth-stack/berth:0.1.0',
      profiles: [],
      replicas: 1,
      ports: [{ host: 8080, container: 8080, bind: '0.0.0.0' }],
      healthcheck: true,
      build: false,
      dependsOn: { postgres: 'service_healthy' },
      volumes: ['web-data'],
    });
  });
});

describe('config', () => {
  it('prints the rendered Compose file exactly; --json gives it as JSON', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'prod', '--web', '--postgres', '--monitoring'], { home })).code).toBe(0);
    const file = fs.readFileSync(path.join(home, 'stacks', 'prod', 'docker-compose.yaml'), 'utf8');
    const r = await runCli(['config', 'prod'], { home });
    expect(r).toEqual({ code: 0, stdout: file, stderr: '' });
    expect(JSON.parse((await runCli(['config', 'prod', '--json'], { home })).stdout)).toEqual(parse(file));
  });
});

describe('catalog', () => {
  it('lists every component', async () => {
    const r = await runCli(['catalog'], { home: newHome() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^COMPONENT +CATEGORY +IMAGE +CONNECTION ENV +SUMMARY\n/);
    for (const c of COMPONENTS) expect(r.stdout).toMatch(new RegExp(`^${c.name} `, 'm'));
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('berth catalog <component> shows its options, connection env and secrets.');
  });

  it('<component> shows options, the connection env it offers and its secrets', async () => {
    const r = await runCli(['catalog', 'postgres'], { home: newHome() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^postgres: PostgreSQL/);
    expect(r.stdout).toContain('\nOPTIONS\n');
    expect(r.stdout).toMatch(/^maxConnections +number +100 +max_connections$/m);
    expect(r.stdout).toContain('\nCONNECTION ENV');
    for (const env of ['DATABASE_URL', 'POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_PASSWORD']) expect(r.stdout).toMatch(new RegExp(`^${env} `, 'm'));
    expect(r.stdout).toMatch(/^<SERVICE>_PASSWORD +password +/m);
    const redis = await runCli(['catalog', 'redis'], { home: newHome() });
    expect(redis.stdout).toMatch(/^REDIS_URL +redis:\/\/:password@host:port\/0$/m);
  });

  it('--json: all components, or one', async () => {
    const all = JSON.parse((await runCli(['catalog', '--json'], { home: newHome() })).stdout);
    expect(all.map((c: { name: string }) => c.name)).toEqual(COMPONENTS.map((c) => c.name));
    const pg = JSON.parse((await runCli(['catalog', 'postgres', '--json'], { home: newHome() })).stdout);
    expect(Object.keys(pg).sort()).toEqual(['category', 'exporter', 'image', 'memory', 'name', 'offers', 'options', 'port', 'secrets', 'summary', 'variants']);
    expect(pg).toMatchObject({ name: 'postgres', category: 'datastore', port: 5432, memory: '1g', variants: { timescaledb: expect.any(String) } });
    expect(pg.offers.map((o: { env: string }) => o.env)).toContain('DATABASE_URL');
    expect(pg.options.find((o: { name: string }) => o.name === 'port')).toEqual({ name: 'port', type: 'port | false', default: null, doc: expect.any(String) });
    expect(pg.secrets).toEqual([{ env: '<SERVICE>_PASSWORD', kind: 'password', doc: 'password of the owner role' }]);
    expect(pg.exporter).toEqual({ name: 'postgres-exporter', image: expect.stringMatching(/postgres-exporter:v/), port: 9187 });
  });
});

describe('a damaged stack', () => {
  it('does not block generating another stack; show names the file in one line', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'a', '--web'], { home })).code).toBe(0);
    fs.writeFileSync(path.join(home, 'stacks', 'a', '.berth.json'), '{broken');
    const b = await runCli(['generate', 'b', '--postgres'], { home });
    expect(b.code).toBe(0);
    const show = await runCli(['show', 'a'], { home });
    expect(show.code).toBe(1);
    expect(show.stderr).toMatch(/^berth: error: .*\.berth\.json: damaged \(.*\); rewrite it from the stored stack.yaml with berth generate a\n$/);
    // The command the error gives repairs it.
    const fix = await runCli(['generate', 'a'], { home });
    expect(fix.code, fix.stderr).toBe(0);
    expect(fix.stdout).toContain('Regenerated stack a');
    expect((await runCli(['show', 'a'], { home })).code).toBe(0);
  });
});

describe('generate <name> alone', () => {
  it('regenerates a stack from its stored stack.yaml, keeping its secrets; flag-only options are refused', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'prod', '--postgres'], { home })).code).toBe(0);
    const env = fs.readFileSync(path.join(home, 'stacks', 'prod', '.env'), 'utf8');
    const again = await runCli(['generate', 'prod'], { home });
    expect(again.code, again.stderr).toBe(0);
    expect(fs.readFileSync(path.join(home, 'stacks', 'prod', '.env'), 'utf8')).toBe(env);
    const port = await runCli(['generate', 'prod', '--postgres-port', '5433'], { home });
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/^berth: error: --postgres-port only applies with component flags; set it in .*stack\.yaml and run berth generate prod\n$/);
    const none = await runCli(['generate', 'other'], { home });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no components given/);
  });
});
