import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseInterpolated, scanInterpolation, writeInterpolated } from '../../src/spec/interpolation.js';
import { textValue } from '../../src/model/text.js';
import { errorOf, resolveYaml } from './_resolve.js';
import { needTool, pool, run } from '../golden/_tools.js';
import { fastStartEnv } from '../golden/_compose.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const app = (name: string, ...extra: string[]) => [`  ${name}:`, '    component: app', '    image: x:1', ...extra];

/** Texts berth writes as they are, with the variables they refer to. */
const ACCEPTED: [string, string[]][] = [
  ['plain text', []],
  ['$$', []],
  ['5$$ and $$HOME and $${X}', []],
  ['$A', ['A']],
  ['$A-b.c/d', ['A']],
  ['${A}', ['A']],
  ['${_a1}', ['_a1']],
  ['${A:-x}', ['A']],
  ['${A-x y}', ['A']],
  ['${A:-}', ['A']],
  ['${A:?need A}', ['A']],
  ['${A?x}', ['A']],
  ['${A:-{}', ['A']],
  ['${A}}', ['A']],
  ['pre-${A}-$B-$$-${C:-d}', ['A', 'B', 'C']],
];

/** Texts Compose refuses: docker-compose 1.29 exits with "Invalid interpolation format". */
const REFUSED = ['cost $5', 'a$', '${}', '$(id)', '${TAG', '${#VAR}', '$1', '${1A}', '${A:x}', '${A:+x}', '${A+x}', '$ ', '$-', 'ok $A then $'];

/** Texts v1 keeps as written but v2 expands: refused so both read the same. */
const AMBIGUOUS = ['${A:-${B}}', '${A:-$B}', '${A:-a$$b}', '${A:?cost $$5}'];

describe('Compose interpolation grammar', () => {
  it.each(ACCEPTED)('%j is written as is', (text, refs) => {
    expect(scanInterpolation(text)).toEqual({ refs });
  });

  it.each(REFUSED)('%j has a bare $', (text) => {
    expect(scanInterpolation(text).problem).toBe('bare-dollar');
  });

  it.each(AMBIGUOUS)('%j has a $ inside a default', (text) => {
    expect(scanInterpolation(text).problem).toBe('dollar-in-default');
  });

  it('docker-compose 1.29 reads what berth accepts and refuses what berth calls a bare $', async (ctx) => {
    const compose = needTool('docker-compose', ctx.skip, 'the interpolation grammar against Compose v1');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-interp-'));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, A: 'a', B: 'b', C: 'c', _a1: 'x', ...(await fastStartEnv(compose, dir)) };
    const check = async (texts: string[], i: number) => {
      const sub = path.join(dir, String(i));
      fs.mkdirSync(sub);
      const environment = Object.fromEntries(texts.map((t, j) => [`V${j}`, t]));
      fs.writeFileSync(path.join(sub, 'docker-compose.yaml'), JSON.stringify({ services: { a: { image: 'busybox', environment } } }));
      return run(compose, ['config', '-q'], { cwd: sub, env });
    };
    const ok = await check(ACCEPTED.map(([t]) => t), 0);
    expect(ok.code, ok.stderr).toBe(0);
    const refused = await pool(REFUSED.map((t, i) => () => check([t], i + 1)), 2);
    refused.forEach((r, i) => expect(r.stderr, REFUSED[i]).toMatch(/Invalid interpolation format/));
  });
});

describe('a $ Compose would refuse is an error naming the key', () => {
  it.each([
    ['env', ['    env:', '      PRICE: "cost $5"'], 'services.api.env.PRICE: "cost $5" has a $ that is not a ${VAR} reference; write $$ for a literal dollar'],
    ['command', ['    command: [sh, -c, "echo $(id)"]'], 'services.api.command: "echo $(id)" has a $ that is not a ${VAR} reference'],
    ['entrypoint', ['    entrypoint: "run a$"'], 'services.api.entrypoint: "run a$" has a $'],
    ['health', ['    health:', '      command: "test ${#X}"'], 'services.api.health.command: "test ${#X}" has a $'],
    ['labels', ['    labels:', '      cost: "${}"'], 'services.api.labels.cost: "${}" has a $'],
    ['volumes', ['    volumes: ["/srv/${TAG:/data"]'], 'services.api.volumes: "/srv/${TAG:/data" has a $'],
    ['build args', ['    build:', '      context: .', '      args:', '        V: "$1"'], 'services.api.build.args.V: "$1" has a $'],
    ['a default with a $', ['    env:', '      X: "${A:-$B}"'], 'services.api.env.X: "${A:-$B}" has a $ inside the default or error of a ${VAR:-...}'],
  ])('in %s', (_what, extra, message) => {
    const e = errorOf(() => resolveYaml(lines('vars:', '  A: a', '  B: b', 'services:', ...app('api', ...extra))));
    expect(e.message.startsWith(message), e.message).toBe(true);
    expect(e.exitCode).toBe(2);
  });

  it('names the key of an instance the user wrote', () => {
    const e = errorOf(() => resolveYaml(lines('services:', ...app('api', '    instances:', '      a:', '        env:', '          PRICE: "cost $5"'))));
    expect(e.message).toMatch(/^services\.api\.instances\.a\.env\.PRICE: "cost \$5" has a \$/);
  });

  it('$$ stays a literal dollar, and defined references pass', () => {
    expect(() => resolveYaml(lines('vars:', '  A: a', 'services:', ...app('api', '    env:', '      PRICE: "cost $$5"', '      X: "${A:-d} $A"')))).not.toThrow();
  });
});

/** What Compose makes of a text that follows the grammar, given the values of its variables. */
const valueOf = (text: string, values: Record<string, string>) => textValue(parseInterpolated(text), values);

describe('Text: what Compose makes of a text', () => {
  const vars = { A: 'a', EMPTY: '' };
  it.each([
    ['$A/${A}', 'a/a'],
    ['5$$', '5$'],
    ['${EMPTY:-d}|${EMPTY-d}|${NOPE-d}|${NOPE:-d}', 'd||d|d'],
    ['${A:?x}${A?x}', 'aa'],
  ])('%j is %j', (text, out) => {
    expect(valueOf(text, vars)).toBe(out);
  });

  it('is undefined when a variable it needs has no value here', () => {
    expect(valueOf('/srv/${SECRET}', vars)).toBeUndefined();
    expect(valueOf('/srv/$SECRET', vars)).toBeUndefined();
  });
});

describe('Text read from the spec syntax and written back', () => {
  it.each(ACCEPTED)('%j round-trips (a $NAME comes back as ${NAME})', (text) => {
    expect(writeInterpolated(parseInterpolated(text))).toBe(text.replace(/\$\$|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, name?: string) => (name ? `\${${name}}` : m)));
  });

  it('literal parts are the text itself: $$ is one dollar, references are data', () => {
    expect(parseInterpolated('5$$ and ${A:-x}/$B')).toEqual(['5$ and ', { var: 'A', op: ':-', arg: 'x' }, '/', { var: 'B' }]);
    expect(parseInterpolated('plain')).toBe('plain');
    expect(writeInterpolated(['cost $5 for ', { secret: 'PW' }])).toBe('cost $$5 for ${PW}');
  });
});
