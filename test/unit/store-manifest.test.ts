import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseManifest } from '../../src/store/manifest.js';
import { listStackNames, readManifest } from '../../src/store/stacks.js';
import { generateStack } from '../../src/ops/generate.js';
import { parseSpecText } from '../../src/resolve/spec.js';
import { runCli } from '../helpers/cli.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';
import { MemoryEngine } from '../helpers/engine.js';
import { errorOf } from './_resolve.js';

function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-manifest-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const make = (home: string, name: string, yaml = 'services:\n  redis: {}\n') =>
  generateStack(testDeps(home), { name, spec: parseSpecText(yaml), specText: yaml, specDir: home, random: countingSecrets(), makeCert: fakeCert, probeHost: false });

/** What berth wrote before manifests had a format. */
const FORMAT_0 = {
  stack: 'old',
  berthVersion: '0.1.0',
  profiles: [],
  knownProfiles: [],
  services: [{ name: 'redis', component: 'redis', role: 'service', image: 'redis:7', profiles: [], replicas: 1, ports: [], healthcheck: true, build: false, dependsOn: {} }],
  volumes: ['redis-data'],
};

describe('.berth.json', () => {
  it('keeps where provider secrets come from (never a value), and refuses a source it does not know as damaged', async () => {
    const home = tmp();
    await make(home, 'a', 'secrets:\n  REDIS_PASSWORD: vault:secret/redis#password\nservices:\n  redis: {}\n');
    const m = readManifest(home, 'a')!;
    expect(m).toMatchObject({ secrets: ['REDIS_PASSWORD'], secretSources: { REDIS_PASSWORD: { provider: 'vault', path: 'secret/redis', field: 'password' } } });
    const text = JSON.stringify({ ...m, secretSources: { REDIS_PASSWORD: { provider: 'keychain', path: 'x' } } });
    expect(errorOf(() => parseManifest(text, '/x/.berth.json', 'a')).message).toMatch(/^\/x\/\.berth\.json: damaged \(secretSources\.REDIS_PASSWORD\.provider: /);
  });

  it('is written with its format, the volumes the stack ever had and the names (never values) of its secrets', async () => {
    const home = tmp();
    await make(home, 'a', 'services:\n  postgres: {}\n  redis: {}\n');
    await make(home, 'a', 'services:\n  redis: {}\n');
    const m = readManifest(home, 'a')!;
    expect(m).toMatchObject({ format: 1, volumes: ['redis-data'], volumesEver: ['postgres-data', 'redis-data'], secrets: ['REDIS_PASSWORD'], specDir: home });
    expect(fs.readFileSync(path.join(home, 'stacks', 'a', '.berth.json'), 'utf8')).not.toContain('test-password');
  });

  it('of an older berth (no format) is read and migrated', () => {
    const m = parseManifest(JSON.stringify(FORMAT_0), '/x/.berth.json', 'old');
    expect(m).toMatchObject({ format: 1, stack: 'old', volumes: ['redis-data'], volumesEver: ['redis-data'], secrets: [], initOnlySecrets: [] });
  });

  it.each([
    ['null', 'expected an object, got null'],
    ['[]', 'expected an object, got a list'],
    ['{"services": 5}', 'stack: Invalid key'],
    [JSON.stringify({ ...FORMAT_0, services: 'x' }), 'services: Invalid type'],
    [JSON.stringify({ ...FORMAT_0, stack: 'other' }), `it is stack "other"'s, not old's`],
    [JSON.stringify({ ...FORMAT_0, services: [{ ...FORMAT_0.services[0], dependsOn: { ghost: 'service_healthy' } }] }), 'services.redis depends on ghost'],
  ])('%s is damaged, named with the file and the fix', (text, why) => {
    const e = errorOf(() => parseManifest(text, '/x/.berth.json', 'old'));
    expect(e.message).toContain(`/x/.berth.json: damaged (${why}`);
    expect(e.message).toMatch(/; rewrite it from the stored stack\.yaml with berth generate old$/);
    expect(e).toMatchObject({ code: 'damaged', path: '/x/.berth.json' });
  });

  it('of a newer berth says to upgrade', () => {
    const e = errorOf(() => parseManifest(JSON.stringify({ ...FORMAT_0, format: 9 }), '/x/.berth.json', 'old'));
    expect(e.message).toBe('/x/.berth.json: written by a newer berth (format 9; this berth reads up to 1); upgrade berth');
  });

  it('of the wrong shape, or null, shows as damaged in list while the other stacks stay visible', async () => {
    const home = tmp();
    await make(home, 'good');
    await make(home, 'shape');
    await make(home, 'nul');
    fs.writeFileSync(path.join(home, 'stacks', 'shape', '.berth.json'), '{"services": {"a": 1}}');
    fs.writeFileSync(path.join(home, 'stacks', 'nul', '.berth.json'), 'null');
    const r = await runCli(['list'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^good +1 /m);
    expect(r.stdout).toMatch(/^nul +damaged/m);
    expect(r.stdout).toMatch(/^shape +damaged/m);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('an interrupted swap', () => {
  it('(killed between the two renames) is seen through by list, which puts the previous stack back', async () => {
    const home = tmp();
    await make(home, 'prod');
    const stacks = path.join(home, 'stacks');
    // What a kill between "move the old dir aside" and "rename the new one in" leaves.
    fs.renameSync(path.join(stacks, 'prod'), path.join(stacks, '.old-prod.0badc0de'));
    fs.mkdirSync(path.join(stacks, '.tmp-prod.0badc0de'));
    fs.writeFileSync(path.join(stacks, '.tmp-prod.0badc0de', '.berth.json'), '{"half":');
    expect(listStackNames(home)).toEqual(['prod']);
    expect(fs.readdirSync(stacks)).toEqual(['prod']);
    expect(readManifest(home, 'prod')?.stack).toBe('prod');
    const r = await runCli(['list'], { home });
    expect(r.stdout).toMatch(/^prod +1 /m);
  });
});
