import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listStackNames, otherStacksPorts, readStackEnv, requireManifest, stackExists } from '../../src/store/stacks.js';
import { readUserImages, validateImageMap } from '../../src/store/images.js';
import { generateStack } from '../../src/ops/generate.js';
import { parseSpecText } from '../../src/resolve/spec.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';
import { errorOf } from './_resolve.js';

/** A temp dir removed when the test finishes. */
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-store-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function make(home: string, name: string, yaml: string) {
  return generateStack(testDeps(home), { name, spec: parseSpecText(yaml), specText: yaml, specDir: home, random: countingSecrets(), makeCert: fakeCert, probeHost: false });
}

describe('stored stacks', () => {
  it('lists stack dirs by name, skipping temp and hidden dirs and stray files', async () => {
    const home = tmp();
    expect(listStackNames(home)).toEqual([]);
    await make(home, 'zeta', 'services:\n  redis: {}\n');
    await make(home, 'alpha', 'services:\n  redis: {}\n');
    fs.mkdirSync(path.join(home, 'stacks', '.tmp-alpha.1234'));
    fs.mkdirSync(path.join(home, 'stacks', '.hidden'));
    fs.writeFileSync(path.join(home, 'stacks', 'file'), 'x');
    expect(listStackNames(home)).toEqual(['alpha', 'zeta']);
  });

  it('collects the ports other stacks publish', async () => {
    const home = tmp();
    await make(home, 'a', 'services:\n  web:\n    port: 8080\n  postgres:\n    port: 5432\n');
    await make(home, 'b', 'services:\n  grafana:\n    port: 3000\n');
    expect(otherStacksPorts(home, 'b')).toEqual([
      { stack: 'a', service: 'postgres', port: 5432 },
      { stack: 'a', service: 'web', port: 8080 },
    ]);
    expect(otherStacksPorts(home, 'c').map((p) => p.port)).toEqual([5432, 8080, 3000]);
  });

  it('reads the .env it wrote', async () => {
    const home = tmp();
    await make(home, 'a', 'services:\n  redis: {}\n');
    expect(readStackEnv(home, 'a')).toEqual({ COMPOSE_PROJECT_NAME: 'a', COMPOSE_PROFILES: '', REDIS_PASSWORD: 'test-password-0001' });
    expect(readStackEnv(home, 'missing')).toEqual({});
  });

  it('requireManifest names a missing stack and how to create it', () => {
    const e = errorOf(() => requireManifest(tmp(), 'nope'));
    expect(e.message).toBe('no stack named nope; berth list shows the stacks, berth generate nope ... creates it');
    expect(e.exitCode).toBe(2);
  });

  it('a stack a crash left moved aside is found again (and put back)', async () => {
    const home = tmp();
    await make(home, 'prod', 'services:\n  redis: {}\n');
    const stacks = path.join(home, 'stacks');
    fs.renameSync(path.join(stacks, 'prod'), path.join(stacks, '.old-prod.deadbeef'));
    expect(stackExists(home, 'prod')).toBe(true);
    expect(fs.readdirSync(stacks)).toEqual(['prod']);
    expect(requireManifest(home, 'prod').stack).toBe('prod');
  });
});

describe('images.yaml in BERTH_HOME', () => {
  it('is optional', () => {
    expect(readUserImages(tmp())).toEqual({});
  });

  it('maps components (and variants, exporters) to images', () => {
    const home = tmp();
    fs.writeFileSync(path.join(home, 'images.yaml'), 'postgres: registry.local/pg:17\ntimescaledb: registry.local/ts:2\nredis-exporter: registry.local/re:1\n');
    expect(readUserImages(home)).toEqual({ postgres: 'registry.local/pg:17', timescaledb: 'registry.local/ts:2', 'redis-exporter': 'registry.local/re:1' });
  });

  it('an empty file is no overrides', () => {
    const home = tmp();
    fs.writeFileSync(path.join(home, 'images.yaml'), '# nothing yet\n');
    expect(readUserImages(home)).toEqual({});
  });

  it('names the file and the key on bad input', () => {
    const home = tmp();
    const file = path.join(home, 'images.yaml');
    fs.writeFileSync(file, 'postgress: registry.local/pg:17\n');
    expect(errorOf(() => readUserImages(home)).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: postgress is not a component; did you mean postgres\\? images are keyed by component: `));
    fs.writeFileSync(file, 'postgres: "not an image"\n');
    expect(errorOf(() => readUserImages(home)).message).toBe(`${file}: postgres: "not an image" is not an image reference like registry.example.com/postgres:17.2 (a lowercase name, then :tag or @sha256:digest)`);
    fs.writeFileSync(file, 'postgres: [a\n');
    const syntax = errorOf(() => readUserImages(home));
    expect(syntax.message.startsWith(`${file}:2:1: `)).toBe(true);
    expect(syntax.message).toMatch(/[^:]; fix the YAML syntax$/);
    fs.writeFileSync(file, 'postgres: a/b:1\npostgres: a/b:2\n');
    expect(errorOf(() => readUserImages(home)).message).toBe(`${file}:2:1: Map keys must be unique; fix the YAML syntax`);
    expect(syntax.message).not.toContain('\n');
    expect(syntax.exitCode).toBe(2);
  });

  it('validateImageMap refuses what is not a map, naming where', () => {
    expect(errorOf(() => validateImageMap(['postgres=x'], '/h/images.yaml')).message).toBe('/h/images.yaml: expected a map (key: value lines), got a list; write it as a map');
    expect(errorOf(() => validateImageMap('postgres', '/h/images.yaml')).message).toBe('/h/images.yaml: must be a map of component: image, got "postgres"');
    expect(errorOf(() => validateImageMap({ postgres: 5 }, '/h/images.yaml')).message).toBe('/h/images.yaml: postgres must be an image reference like registry.example.com/postgres:17.2, got 5');
  });
});

describe('readers and a generate in progress', () => {
  it('show/config (requireManifest, stackExists) leave the temp dir of a generate that holds the lock alone', async () => {
    const { withLock } = await import('../../src/store/lock.js');
    const home = tmp();
    await make(home, 'prod', 'services:\n  redis: {}\n');
    const stacks = path.join(home, 'stacks');
    const inProgress = path.join(stacks, '.tmp-prod.0f0f0f0f');
    await withLock(home, 'prod', 'generate', () => {
      // What replaceDir has half-written while it holds the lock.
      fs.mkdirSync(inProgress);
      fs.writeFileSync(path.join(inProgress, 'docker-compose.yaml'), 'half');
      // Another berth process runs `berth show prod` now.
      expect(requireManifest(home, 'prod').stack).toBe('prod');
      expect(stackExists(home, 'prod')).toBe(true);
      expect(fs.existsSync(inProgress)).toBe(true);
    });
    // Once the lock is free, leftovers are cleared by the next reader.
    expect(requireManifest(home, 'prod').stack).toBe('prod');
    expect(fs.readdirSync(stacks)).toEqual(['prod']);
  });

  it('a reader does not move the old dir back during the swap of a generate that holds the lock', async () => {
    const { withLock } = await import('../../src/store/lock.js');
    const home = tmp();
    await make(home, 'prod', 'services:\n  redis: {}\n');
    const stacks = path.join(home, 'stacks');
    await withLock(home, 'prod', 'generate', () => {
      fs.renameSync(path.join(stacks, 'prod'), path.join(stacks, '.old-prod.0f0f0f0f'));
      fs.mkdirSync(path.join(stacks, '.tmp-prod.0f0f0f0f'));
      stackExists(home, 'prod');
      expect(fs.readdirSync(stacks).sort()).toEqual(['.old-prod.0f0f0f0f', '.tmp-prod.0f0f0f0f']);
      // The generate finishes its swap.
      fs.renameSync(path.join(stacks, '.tmp-prod.0f0f0f0f'), path.join(stacks, 'prod'));
      fs.rmSync(path.join(stacks, '.old-prod.0f0f0f0f'), { recursive: true });
    });
    expect(fs.readdirSync(stacks)).toEqual(['prod']);
  });
});

describe('a damaged manifest', () => {
  it('does not block generating other stacks; reading it names the file and the fix', async () => {
    const home = tmp();
    await make(home, 'a', 'services:\n  web:\n    port: 8080\n');
    const file = path.join(home, 'stacks', 'a', '.berth.json');
    fs.writeFileSync(file, '{broken');
    expect(otherStacksPorts(home, 'b')).toEqual([]);
    await expect(make(home, 'b', 'services:\n  redis: {}\n')).resolves.toMatchObject({ created: true });
    const e = errorOf(() => requireManifest(home, 'a'));
    expect(e.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: damaged \\(.*\\); rewrite it from the stored stack\\.yaml with berth generate a$`));
    expect(e.message).not.toContain('\n');
  });
});
