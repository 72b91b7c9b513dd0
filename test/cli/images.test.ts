import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { newHome } from './_util.js';

async function images(home: string, name: string): Promise<Record<string, string>> {
  const r = await runCli(['config', name, '--json'], { home });
  expect(r.code).toBe(0);
  const compose = JSON.parse(r.stdout) as { services: Record<string, { image: string }> };
  return Object.fromEntries(Object.entries(compose.services).map(([k, v]) => [k, v.image]));
}

describe('image overrides', () => {
  it('$BERTH_HOME/images.yaml applies to every stack', async () => {
    const home = newHome();
    fs.writeFileSync(path.join(home, 'images.yaml'), 'postgres: mirror.local/postgres:17.5\nweb: mirror.local/berth:0.1.0\npostgres-exporter: mirror.local/pe:1\n');
    expect((await runCli(['generate', 'a', '--web', '--postgres', '--monitoring'], { home })).code).toBe(0);
    expect((await runCli(['generate', 'b', '--postgres', '--postgres-port', '5433'], { home })).code).toBe(0);
    const a = await images(home, 'a');
    expect(a).toMatchObject({ postgres: 'mirror.local/postgres:17.5', web: 'mirror.local/berth:0.1.0', 'postgres-exporter': 'mirror.local/pe:1', grafana: 'grafana/grafana:11.4.0' });
    expect((await images(home, 'b')).postgres).toBe('mirror.local/postgres:17.5');
  });

  it('--image beats images.yaml; the override is not remembered for the next generate', async () => {
    const home = newHome();
    fs.writeFileSync(path.join(home, 'images.yaml'), 'postgres: mirror.local/postgres:17.5\n');
    expect((await runCli(['generate', 'a', '--postgres', '--image', 'postgres=cli.local/postgres:17.6', '--image', 'redis=cli.local/redis:7', '--with', 'redis'], { home })).code).toBe(0);
    expect(await images(home, 'a')).toEqual({ postgres: 'cli.local/postgres:17.6', redis: 'cli.local/redis:7' });
    expect((await runCli(['generate', 'a', '--postgres'], { home })).code).toBe(0);
    expect((await images(home, 'a')).postgres).toBe('mirror.local/postgres:17.5');
  });

  it('service image: > --image > stack.yaml images: > images.yaml > catalog pin', async () => {
    const home = newHome();
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    fs.writeFileSync(path.join(home, 'images.yaml'), 'postgres: user/pg:1\nredis: user/redis:1\nmongodb: user/mongo:1\nkafka: user/kafka:1\n');
    fs.writeFileSync(
      path.join(cwd, 'stack.yaml'),
      'images:\n  postgres: spec/pg:1\n  redis: spec/redis:1\n  mongodb: spec/mongo:1\nservices:\n  postgres:\n    image: own/pg:1\n  redis: {}\n  mongodb: {}\n  kafka: {}\n  clickhouse: {}\n',
    );
    const r = await runCli(['generate', 'a', '-f', 'stack.yaml', '--image', 'postgres=cli/pg:1', '--image', 'redis=cli/redis:1'], { home, cwd });
    expect(r.code).toBe(0);
    expect(await images(home, 'a')).toEqual({
      postgres: 'own/pg:1',
      redis: 'cli/redis:1',
      mongodb: 'spec/mongo:1',
      kafka: 'user/kafka:1',
      clickhouse: 'clickhouse/clickhouse-server:24.8.14.39',
    });
    // The manifest (show --json) agrees with the Compose file.
    const show = JSON.parse((await runCli(['show', 'a', '--json'], { home })).stdout) as { services: { name: string; image: string }[] };
    expect(Object.fromEntries(show.services.map((s) => [s.name, s.image]))).toEqual(await images(home, 'a'));
    // The compose file on disk says the same.
    const compose = parse(fs.readFileSync(path.join(home, 'stacks', 'a', 'docker-compose.yaml'), 'utf8'));
    expect(compose.services.postgres.image).toBe('own/pg:1');
  });
});
