import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import type { Engine } from '../../src/engine/docker-api.js';
import { expectUsageError, newHome } from './_util.js';

interface Case {
  what: string;
  args: string[];
  yaml?: string;
  images?: string;
  /** The whole message after `berth: error: `, or fragments it must contain (the key path first). */
  message?: string;
  contains?: string[];
}

const app = (name: string, ...extra: string[]) => [`  ${name}:`, '    component: app', '    image: x:1', ...extra].join('\n');

const CASES: Case[] = [
  // stack names
  ...['../x', 'a/b', '.hidden', 'Prod', 'x'.repeat(64)].map((n) => ({
    what: `stack name ${n}`,
    args: ['generate', n, '--web'],
    message: `stack name ${JSON.stringify(n)} is not valid; use up to 63 lowercase letters, digits, - and _, starting with a letter or digit (e.g. prod, gpu-1)`,
  })),
  // ports
  { what: '--port out of range', args: ['generate', 's', '--web', '--port', '70000'], message: '--port: "70000" is not a port (1-65535)' },
  { what: '--agent-port not a number', args: ['generate', 's', '--agent', '--server-url', 'https://x:1', '--agent-port', 'http'], message: '--agent-port: "http" is not a port (1-65535)' },
  { what: '--postgres-port 0', args: ['generate', 's', '--postgres', '--postgres-port', '0'], message: '--postgres-port: "0" is not a port (1-65535)' },
  { what: '--grafana-port', args: ['generate', 's', '--monitoring', '--grafana-port', '65536'], message: '--grafana-port: "65536" is not a port (1-65535)' },
  { what: '--prometheus-port', args: ['generate', 's', '--monitoring', '--prometheus-port', '1.5'], message: '--prometheus-port: "1.5" is not a port (1-65535)' },
  { what: '--influxdb-port', args: ['generate', 's', '--monitoring', '--influxdb-port', '-3'], contains: ['--influxdb-port'] },
  { what: 'stack.yaml port', args: ['generate', 's', '-f', 'stack.yaml'], yaml: 'services:\n  postgres:\n    port: 70000\n', message: 'services.postgres.port: 70000 is not a port (1-65535)' },
  {
    what: 'a host port twice in one stack (flags)',
    args: ['generate', 's', '--web', '--postgres', '--port', '5432'],
    message: 'services.web: host port 5432 is already published by postgres in this stack; give one of them another port',
  },
  {
    what: 'a host port twice in one stack (--monitoring ports)',
    args: ['generate', 's', '--monitoring', '--grafana-port', '9090'],
    message: 'services.prometheus: host port 9090 is already published by grafana in this stack; give one of them another port',
  },
  // unknown keys and components
  { what: 'unknown service key', args: ['generate', 's', '-f', 'stack.yaml'], yaml: 'services:\n  postgres:\n    prot: 5433\n', contains: ['services.postgres.prot: unknown key; did you mean port?'] },
  {
    what: 'unknown top-level key',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: 'servics:\n  postgres: {}\n',
    message: 'servics: unknown key; did you mean services? valid keys here: version, description, profiles, memoryBudget, images, vars, secretsFromEnv, secrets, network, nodes, services',
  },
  { what: 'unknown component (stack.yaml)', args: ['generate', 's', '-f', 'stack.yaml'], yaml: 'services:\n  postgress: {}\n', contains: ['services.postgress: "postgress" is not a catalog component; did you mean postgres?'] },
  ...[',,', 'redis,', ':6380', ''].map((w) => ({
    what: `--with ${JSON.stringify(w)}`,
    args: ['generate', 's', '--with', w],
    message: `--with: ${JSON.stringify(w)} has an empty component name; list components separated by commas, like --with redis,mongodb`,
  })),
  { what: 'unknown component (--with)', args: ['generate', 's', '--with', 'redis,clickhous'], contains: ['--with: "clickhous" cannot be added this way; did you mean clickhouse?'] },
  { what: 'unknown images: key', args: ['generate', 's', '-f', 'stack.yaml'], yaml: 'images:\n  redsi: r/x:1\nservices:\n  redis: {}\n', contains: ['images.redsi: unknown component; did you mean redis?'] },
  { what: 'YAML syntax', args: ['generate', 's', '-f', 'stack.yaml'], yaml: 'services:\n  postgres: {}\n  postgres: {}\n', message: 'stack.yaml:3:3: Map keys must be unique; fix the YAML syntax' },
  // graph
  {
    what: 'dependency cycle',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: ['services:', app('a', '    dependsOn: [b]'), app('b', '    dependsOn: [a]'), ''].join('\n'),
    message: 'dependency cycle: a -> b -> a; remove one of these dependencies (dependsOn, uses or before)',
  },
  // mutually exclusive
  { what: '--web with --reporting', args: ['generate', 's', '--web', '--reporting'], message: '--web and --reporting are mutually exclusive; pick one (reporting is the read-only dashboard)' },
  { what: '-f with component flags', args: ['generate', 's', '-f', 'stack.yaml', '--postgres'], yaml: 'services:\n  redis: {}\n', message: 'use either -f stack.yaml or component flags (--web, --postgres, ...), not both' },
  { what: '-f with --port', args: ['generate', 's', '-f', 'stack.yaml', '--port', '8081'], yaml: 'services:\n  redis: {}\n', message: '--port only applies with component flags; set it in stack.yaml instead' },
  { what: '--server-url without --agent', args: ['generate', 's', '--web', '--server-url', 'https://x:1'], message: '--server-url is for the agent; add --agent, or drop --server-url' },
  // references, profiles
  {
    what: 'undefined ${VAR}',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: ['services:', app('api', '    env:', '      FOO: ${NOPE}'), ''].join('\n'),
    message: 'services.api.env.FOO: ${NOPE} is not defined; define it under vars: in stack.yaml, or write $$ for a literal dollar',
  },
  {
    what: 'a $ that is not a reference',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: ['services:', app('api', '    env:', '      PRICE: "cost $5"'), ''].join('\n'),
    message: 'services.api.env.PRICE: "cost $5" has a $ that is not a ${VAR} reference; write $$ for a literal dollar',
  },
  ...['a$', '${}', '$(id)', '${TAG', '${#VAR}'].map((text) => ({
    what: `${text} in a command`,
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: ['services:', app('api', `    command: [run, ${JSON.stringify(text)}]`), ''].join('\n'),
    message: `services.api.command: ${JSON.stringify(text)} has a $ that is not a \${VAR} reference; write $$ for a literal dollar`,
  })),
  {
    what: 'two mounts on one container path',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: ['services:', app('api', '    volumes: [a:/data, b:/data]'), ''].join('\n'),
    message: 'services.api.volumes: b:/data and a:/data both mount on /data; a container path takes one mount, so drop one or mount it elsewhere',
  },
  { what: 'unused profile (--profile)', args: ['generate', 's', '--postgres', '--profile', 'debug'], message: 'profiles: debug is not a profile of any service; no service has profiles' },
  {
    what: 'unused profile (stack.yaml)',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: 'profiles: [debgu]\nservices:\n  grafana:\n    profiles: [debug]\n',
    message: 'profiles: debgu is not a profile of any service; known profiles: debug',
  },
  {
    what: 'dependency on a profile-gated service',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: ['services:', '  redis:', '    profiles: [cache]', app('api', '    dependsOn: [redis]'), ''].join('\n'),
    message: 'services.api: depends on redis, which only runs under profile cache; give api the same profiles, or take them off redis',
  },
  {
    what: 'uses a profile-gated datastore',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: ['services:', '  redis:', '    profiles: [cache]', app('api', '    uses: [redis]'), ''].join('\n'),
    contains: ['services.api.uses: redis only runs under profile cache'],
  },
  // other flags
  { what: 'no components', args: ['generate', 's'], contains: ['no components given; pass at least one of --web'] },
  { what: 'bad --memory-budget', args: ['generate', 's', '--web', '--memory-budget', 'lots'], message: '--memory-budget: "lots" is not a size; use a number with a unit, like 512m or 1.5g' },
  { what: 'bad --image', args: ['generate', 's', '--web', '--image', 'postgres'], contains: ['--image: "postgres" is not component=image'] },
  {
    what: 'an image reference Docker refuses (stack.yaml)',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: 'services:\n  api:\n    component: app\n    image: "x/a::::"\n',
    message: 'services.api.image: "x/a::::" is not an image reference like registry.example.com/postgres:17.2 (a lowercase name, then :tag or @sha256:digest)',
  },
  {
    what: 'an image reference Docker refuses (--image)',
    args: ['generate', 's', '--postgres', '--image', 'postgres=-x'],
    message: '--image: postgres: "-x" is not an image reference like registry.example.com/postgres:17.2 (a lowercase name, then :tag or @sha256:digest)',
  },
  { what: '--image of an unknown component', args: ['generate', 's', '--web', '--image', 'postgress=r/pg:1'], contains: ['--image: postgress is not a component; did you mean postgres?'] },
  { what: 'a secret no service uses', args: ['generate', 's', '--web', '--postgres-password', 'abcdefghijklmnop'], contains: ['secret POSTGRES_PASSWORD: no service in this stack uses it'] },
  { what: 'a secret with bad characters', args: ['generate', 's', '--web', '--auth-token', 'has space in it'], message: 'secret BERTH_AUTH_TOKEN: contains characters that break .env or URLs; use letters, digits and . _ ~ + = - only' },
  {
    what: '--server-url with a line break',
    args: ['generate', 's', '--agent', '--server-url', 'http://x\nEVIL=1'],
    message: '--server-url: "http://x\\nEVIL=1" is not a URL like https://server:8080: it has a space, line break or other control character',
  },
  { what: '--server-url with a space', args: ['generate', 's', '--agent', '--server-url', 'http://x y'], contains: ['--server-url: "http://x y" is not a URL like https://server:8080: it has a space'] },
  { what: '--server-url not http(s)', args: ['generate', 's', '--agent', '--server-url', 'ftp://x'], message: '--server-url: "ftp://x" is not a URL like https://server:8080: only http and https are served' },
  { what: '--server-url not a URL', args: ['generate', 's', '--agent', '--server-url', 'http://'], message: '--server-url: "http://" is not a URL like https://server:8080' },
  {
    what: 'serverUrl with a line break (stack.yaml)',
    args: ['generate', 's', '-f', 'stack.yaml'],
    yaml: 'services:\n  agent:\n    serverUrl: "http://x\\tEVIL=1"\n',
    message: 'services.agent.serverUrl: "http://x\\tEVIL=1" is not a URL like https://server:8080: it has a space, line break or other control character',
  },
  { what: '--secret with a line break in its name', args: ['generate', 's', '--with', 'redis', '--secret', 'A\nB=x'], message: '--secret: "A\\nB" is not a variable name; write --secret NAME=value with letters, digits and _' },
  { what: 'an empty --secret', args: ['generate', 's', '--with', 'redis', '--secret', 'REDIS_PASSWORD='], message: 'secret REDIS_PASSWORD: the value given is empty; give one, or leave it out and berth generates it' },
  { what: 'an empty --auth-token', args: ['generate', 's', '--web', '--auth-token', ''], message: 'secret BERTH_AUTH_TOKEN: the value given is empty; give one, or leave it out and berth generates it' },
  { what: 'a --secret value with a line break', args: ['generate', 's', '--with', 'redis', '--secret', 'REDIS_PASSWORD=a\nEVIL=1'], contains: ['secret REDIS_PASSWORD: contains characters that break .env or URLs'] },
  { what: 'a missing -f file', args: ['generate', 's', '-f', 'nope.yaml'], message: '-f nope.yaml: cannot read it (ENOENT); check the path' },
  { what: 'a bad images.yaml', args: ['generate', 's', '--postgres'], images: 'postgress: r/pg:1\n', contains: ['images.yaml: postgress is not a component; did you mean postgres?'] },
  // commander
  { what: 'unknown option', args: ['generate', 's', '--web', '--bogus'], message: 'unknown option --bogus; see berth generate --help' },
  // A value typed after a misspelt flag may be a secret: never echoed.
  ...[['--postgres-pasword=S3cret'], ['--postgres-pasword', 'S3cret']].map((typo) => ({
    what: `a misspelt flag with a value (${typo.join(' ')})`,
    args: ['generate', 's', '--postgres', ...typo],
    message: 'unknown option --postgres-pasword; did you mean --postgres-password? see berth generate --help',
  })),
  { what: 'an unknown short flag with its value attached', args: ['generate', 's', '--postgres', '-xS3cret'], message: 'unknown option -x; see berth generate --help' },
  { what: 'a misspelt flag of an alias', args: ['ls', '--jsno'], message: 'unknown option --jsno; did you mean --json? see berth ls --help' },
  { what: 'a kitt-style --name', args: ['start', '--name', 'prod', '--timeout', '10'], message: 'the stack name is an argument, not --name; run berth start prod --timeout 10' },
  { what: 'missing argument', args: ['generate'], message: "missing required argument 'name'; see berth generate --help" },
  { what: 'unknown command', args: ['frobnicate'], message: 'unknown command frobnicate; see berth --help' },
  { what: 'misspelt command', args: ['generat', 's', '--web'], message: 'unknown command generat; did you mean generate? see berth --help' },
  { what: 'help of an unknown command', args: ['help', 'frob'], message: 'unknown command frob; see berth --help' },
  { what: '--help of an unknown command', args: ['frob', '--help'], message: 'unknown command frob; see berth --help' },
  { what: 'too many arguments', args: ['show', 'a', 'b'], message: "too many arguments for 'show'. Expected 1 argument but got 2; see berth show --help" },
  { what: 'show of a missing stack', args: ['show', 'nope'], message: 'no stack named nope; berth list shows the stacks, berth generate nope ... creates it' },
  { what: 'config of a missing stack', args: ['config', 'nope'], message: 'no stack named nope; berth list shows the stacks, berth generate nope ... creates it' },
  { what: 'show with a bad name', args: ['show', '../etc'], contains: ['stack name "../etc" is not valid'] },
  { what: 'catalog of an unknown component', args: ['catalog', 'postgress'], message: 'catalog: no component "postgress"; did you mean postgres? berth catalog lists them' },
];

describe('bad input: one line on stderr, exit 2, nothing written', () => {
  it.each(CASES.map((c) => [c.what, c] as const))('%s', async (_what, c) => {
    const home = newHome();
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    if (c.yaml !== undefined) fs.writeFileSync(path.join(cwd, 'stack.yaml'), c.yaml);
    if (c.images !== undefined) fs.writeFileSync(path.join(home, 'images.yaml'), c.images);
    const before = fs.readdirSync(home).sort();
    const r = await runCli(c.args, { home, cwd });
    expect(r.stderr).not.toContain('S3cret');
    const message = expectUsageError(r, ...(c.contains ?? []));
    if (c.message !== undefined) expect(message).toBe(c.message);
    // Nothing for the stack: no stack dir, no lock left behind.
    expect(fs.existsSync(path.join(home, 'stacks'))).toBe(false);
    const after = fs.readdirSync(home).filter((e) => e !== 'locks').sort();
    expect(after).toEqual(before);
    if (fs.existsSync(path.join(home, 'locks'))) expect(fs.readdirSync(path.join(home, 'locks'))).toEqual([]);
  });

  it.each(CASES.map((c) => [c.what, c] as const))('with --json: %s', async (_what, c) => {
    const home = newHome();
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    if (c.yaml !== undefined) fs.writeFileSync(path.join(cwd, 'stack.yaml'), c.yaml);
    if (c.images !== undefined) fs.writeFileSync(path.join(home, 'images.yaml'), c.images);
    const text = await runCli(c.args, { home, cwd });
    const r = await runCli([...c.args, '--json'], { home, cwd });
    expectJsonError(r, 2, { message: expect.stringContaining(text.stderr.slice('berth: error: '.length, -1).split('; run berth')[0]!) });
    expect(['usage', 'not_found']).toContain(JSON.parse(r.stdout).error.code);
  });
});

/** One JSON object on stdout, nothing on stderr, the exit code kept. */
function expectJsonError(r: CliResult, code: number, error: Record<string, unknown>): Record<string, unknown> {
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^\{[^\n]*\}\n$/);
  const parsed = JSON.parse(r.stdout);
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(parsed.error).toMatchObject(error);
  expect(r.code).toBe(code);
  return parsed.error;
}

describe('--json: every error is one JSON object on stdout', () => {
  it('a usage error from commander, with the option as its path', async () => {
    const r = await runCli(['generate', 's', '--postgres-pasword=S3cret', '--json'], { home: newHome() });
    expectJsonError(r, 2, { code: 'usage', path: '--postgres-pasword', message: 'unknown option --postgres-pasword; did you mean --postgres-password? see berth generate --help' });
    expect(r.stdout).not.toContain('S3cret');
  });

  it('a usage error with a key path and the details (the memory table)', async () => {
    const r = await runCli(['generate', 's', '--web', '--postgres', '--memory-budget', '1g', '--json'], { home: newHome() });
    const e = expectJsonError(r, 2, { code: 'usage', message: expect.stringMatching(/^memory budget exceeded/) });
    expect(e.details).toContain('  total');
  });

  it('a file system error: code io, with the path', async () => {
    const file = path.join(newHome(), 'home-file');
    fs.writeFileSync(file, '');
    const r = await runCli(['generate', 'a', '--postgres', '--json'], { home: file });
    expectJsonError(r, 1, { code: 'io', path: `${file}/locks`, message: expect.stringContaining('(ENOTDIR)') });
  });

  it('an internal error: code failed with its message, and no stack unless BERTH_DEBUG', async () => {
    const engine = { listContainers: async () => { throw new TypeError('boom'); } } as unknown as Engine;
    const r = await runCli(['status', '--json'], { home: newHome(), engine });
    expectJsonError(r, 1, { code: 'failed', message: 'boom' });
    const debug = await runCli(['status', '--json'], { home: newHome(), engine, env: { BERTH_DEBUG: '1' } });
    expect(JSON.parse(debug.stdout)).toEqual({ error: { code: 'failed', message: 'boom' } });
    expect(debug.stderr).toMatch(/^TypeError: boom\n\s+at /);
    expect(debug.code).toBe(1);
  });

  it('--json after -- belongs to the command exec runs, not to berth', async () => {
    const r = await runCli(['exec', 'nope', 'web', '--', 'cat', '--json'], { home: newHome() });
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^berth: error: no stack named nope/);
  });
});

describe('memory budget', () => {
  it('--memory-budget that does not fit: the message line, then the table, exit 2, nothing written', async () => {
    const home = newHome();
    const r = await runCli(['generate', 's', '--web', '--postgres', '--monitoring', '--memory-budget', '2g'], { home });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('berth: error: memory budget exceeded: the services need 2.75g, the budget is 2g; lower some memory: limits or raise --memory-budget');
    expect(lines.slice(1)).toEqual([
      '  SERVICE              LIMIT    x    TOTAL',
      '  postgres                1g    1       1g',
      '  influxdb              512m    1     512m',
      '  prometheus            512m    1     512m',
      '  web                   512m    1     512m',
      '  grafana               192m    1     192m',
      '  postgres-exporter      64m    1      64m',
      '  total                              2.75g',
      '  budget                                2g',
    ]);
    expect(fs.existsSync(path.join(home, 'stacks'))).toBe(false);
  });

  it('--memory-budget under 1m is shown as given, not as 1m', async () => {
    const r = await runCli(['generate', 's', '--web', '--memory-budget', '1k'], { home: newHome() });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('berth: error: memory budget exceeded: the services need 512m, the budget is 1k; lower some memory: limits or raise --memory-budget');
    expect(r.stderr).toMatch(/^  budget +1k$/m);
  });

  it('--memory-budget 7.7g fits the seed stack', async () => {
    const r = await runCli(['generate', 's', '--web', '--postgres', '--monitoring', '--memory-budget', '7.7g'], { home: newHome() });
    expect(r.code).toBe(0);
  });

  it('memoryBudget: in stack.yaml, with replicas and active profiles', async () => {
    const home = newHome();
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    const yaml = ['memoryBudget: 1000m', 'services:', '  redis:', '    memory: 256m', '  api:', '    component: app', '    image: x:1', '    memory: 256m', '    replicas: 2', '  grafana:', '    memory: 256m', '    profiles: [obs]', ''].join('\n');
    fs.writeFileSync(path.join(cwd, 'stack.yaml'), yaml);
    expect((await runCli(['generate', 's', '-f', 'stack.yaml'], { home, cwd })).code).toBe(0);
    const r = await runCli(['generate', 's', '-f', 'stack.yaml', '--profile', 'obs'], { home, cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('berth: error: memory budget exceeded: the services need 1g, the budget is 1000m; lower some memory: limits or raise --memory-budget');
    expect(r.stderr).toMatch(/^  api +256m +2 +512m$/m);
  });
});
