import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { snapshot, newHome } from './_util.js';

const GOOD = [
  'services:',
  '  postgres: {}',
  '  redis: {}',
  '  prometheus: {}',
  '  grafana: {}',
  '  api:',
  '    component: app',
  '    image: registry.local/api:1',
  '    port: 8000',
  '',
].join('\n');

/** Failing generates of every kind, over the existing stack `prod`. */
const FAILING: { what: string; args: string[]; yaml?: string; images?: string }[] = [
  { what: 'bad port flag', args: ['--web', '--port', '99999'] },
  { what: 'mutually exclusive flags', args: ['--web', '--reporting'] },
  { what: 'unknown key', args: ['-f', 'bad.yaml'], yaml: GOOD.replace('  redis: {}', '  redis:\n    persistance: none') },
  { what: 'unknown component', args: ['-f', 'bad.yaml'], yaml: GOOD + '  rediss: {}\n' },
  { what: 'YAML syntax', args: ['-f', 'bad.yaml'], yaml: GOOD + '  [oops\n' },
  { what: 'port twice', args: ['-f', 'bad.yaml'], yaml: GOOD.replace('    port: 8000', '    port: 3000') + '  web:\n    port: 3000\n' },
  { what: 'cycle', args: ['-f', 'bad.yaml'], yaml: GOOD + '    dependsOn: [w]\n  w:\n    component: worker\n    app: api\n    command: run\n    dependsOn: [api]\n' },
  { what: 'undefined var', args: ['-f', 'bad.yaml'], yaml: GOOD + '    env:\n      X: ${UNDEFINED_VAR}\n' },
  { what: 'unused profile', args: ['-f', 'bad.yaml', '--profile', 'nope'], yaml: GOOD },
  { what: 'memory budget', args: ['-f', 'bad.yaml', '--memory-budget', '512m'], yaml: GOOD },
  { what: 'memory budget with --rotate-secrets', args: ['-f', 'bad.yaml', '--memory-budget', '512m', '--rotate-secrets'], yaml: GOOD },
  { what: 'unknown secret', args: ['-f', 'bad.yaml', '--secret', 'NOPE=abcdefghijklmnop'], yaml: GOOD },
  { what: 'a var .env cannot hold', args: ['-f', 'bad.yaml'], yaml: "vars:\n  MOTD: \"it's\"\n" + GOOD },
  { what: 'bad --image', args: ['-f', 'bad.yaml', '--image', 'redis=has space'], yaml: GOOD },
  { what: 'bad images.yaml', args: ['-f', 'bad.yaml'], yaml: GOOD, images: 'postgres: [\n' },
];

describe('a failing generate leaves the stack byte-for-byte as it was', () => {
  it.each(FAILING.map((f) => [f.what, f] as const))('%s', async (_what, f) => {
    const home = newHome();
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    fs.writeFileSync(path.join(cwd, 'stack.yaml'), GOOD);
    const first = await runCli(['generate', 'prod', '-f', 'stack.yaml'], { home, cwd });
    expect(first.code).toBe(0);
    const dir = path.join(home, 'stacks', 'prod');
    const before = snapshot(dir);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['.env', 'docker-compose.yaml', 'stack.yaml', '.berth.json', 'prometheus/prometheus.yml']));

    if (f.yaml !== undefined) fs.writeFileSync(path.join(cwd, 'bad.yaml'), f.yaml);
    if (f.images !== undefined) fs.writeFileSync(path.join(home, 'images.yaml'), f.images);
    const r = await runCli(['generate', 'prod', ...f.args], { home, cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^berth: error: /);

    expect(snapshot(dir)).toEqual(before);
    expect(fs.readdirSync(path.join(home, 'stacks'))).toEqual(['prod']);
    expect(fs.readdirSync(path.join(home, 'locks'))).toEqual([]);
  });

  it('a failing generate of a new stack creates nothing, and leaves the other stacks alone', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'prod', '--web', '--postgres'], { home })).code).toBe(0);
    const before = snapshot(path.join(home, 'stacks'));
    const r = await runCli(['generate', 'fresh', '--web', '--postgres', '--memory-budget', '100m'], { home });
    expect(r.code).toBe(2);
    expect(fs.readdirSync(path.join(home, 'stacks'))).toEqual(['prod']);
    expect(snapshot(path.join(home, 'stacks'))).toEqual(before);
  });

  it('--dry-run writes nothing, for a new stack or over an existing one', async () => {
    const home = newHome();
    const dry = await runCli(['generate', 'prod', '--web', '--dry-run'], { home });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^# berth stack prod\. /);
    expect(fs.existsSync(path.join(home, 'stacks', 'prod'))).toBe(false);
    expect((await runCli(['generate', 'prod', '--web'], { home })).code).toBe(0);
    const before = snapshot(path.join(home, 'stacks', 'prod'));
    expect((await runCli(['generate', 'prod', '--web', '--postgres', '--rotate-secrets', '--dry-run'], { home })).code).toBe(0);
    expect(snapshot(path.join(home, 'stacks', 'prod'))).toEqual(before);
  });

  it('a crash that left the stack moved aside is repaired by the next command', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'prod', '--web'], { home })).code).toBe(0);
    const stacks = path.join(home, 'stacks');
    const before = snapshot(path.join(stacks, 'prod'));
    fs.renameSync(path.join(stacks, 'prod'), path.join(stacks, '.old-prod.0badc0de'));
    fs.mkdirSync(path.join(stacks, '.tmp-prod.0badc0de'));
    const show = await runCli(['show', 'prod', '--json'], { home });
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).stack).toBe('prod');
    expect(fs.readdirSync(stacks)).toEqual(['prod']);
    expect(snapshot(path.join(stacks, 'prod'))).toEqual(before);
  });

  it('regenerating twice with the same input gives the same files', async () => {
    const home = newHome();
    expect((await runCli(['generate', 'prod', '--web', '--postgres', '--monitoring'], { home })).code).toBe(0);
    const dir = path.join(home, 'stacks', 'prod');
    const content = (d: string) => Object.fromEntries(Object.entries(snapshot(d)).map(([k, v]) => [k, v.split(' ').slice(0, 2).join(' ')]));
    const before = content(dir);
    expect((await runCli(['generate', 'prod', '--web', '--postgres', '--monitoring'], { home })).code).toBe(0);
    expect(content(dir)).toEqual(before);
  });
});
