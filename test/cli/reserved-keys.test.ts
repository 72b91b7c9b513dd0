/** Keys JavaScript objects give a meaning of their own: never dropped without a word. */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/render/env.js';
import { runCli } from '../helpers/cli.js';
import { expectUsageError, newHome, stderrOf } from './_util.js';

const NAMES = ['constructor', 'prototype', '__proto__'];

async function generate(yaml: string) {
  const home = newHome();
  const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
  fs.writeFileSync(path.join(cwd, 'stack.yaml'), yaml);
  const r = await runCli(['generate', 's', '-f', 'stack.yaml'], { home, cwd });
  const dir = path.join(home, 'stacks', 's');
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return { r, home, cwd, dir, read, again: () => runCli(['generate', 's', '-f', 'stack.yaml'], { home, cwd }) };
}

type Compose = { services: Record<string, { environment?: Record<string, string>; labels?: Record<string, string> }> };
const own = (o: object | undefined, k: string) => (o && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined);

describe.each(NAMES)('%s', (name) => {
  it('as a service name is refused, naming it', async () => {
    const { r, dir } = await generate(`services:\n  ${name}:\n    component: redis\n`);
    const rename = `${name.replace(/_/g, '')}-1`;
    expect(expectUsageError(r)).toBe(`services.${name}: ${name} is a reserved name (JavaScript objects give it a meaning of their own); rename the service, like ${rename}`);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('as an env key reaches the container', async () => {
    const { r, read } = await generate(`services:\n  api:\n    component: app\n    image: x:1\n    env:\n      ${name}: from-env\n      OTHER: "{{name}}"\n`);
    expect(stderrOf(r)).toBe('');
    expect(r.code).toBe(0);
    const env = (parse(read('docker-compose.yaml')) as Compose).services.api!.environment;
    expect(own(env, name)).toBe('from-env');
    expect(own(env, 'OTHER')).toBe('api');
  });

  it('as a vars key is written to .env, usable as ${VAR}, and kept on regenerate', async () => {
    const { r, read, again } = await generate(`vars:\n  ${name}: from-vars\nservices:\n  api:\n    component: app\n    image: x:1\n    env:\n      V: \${${name}}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(read('.env')).toContain(`\n${name}=from-vars\n`);
    expect(own(parseEnv(read('.env')), name)).toBe('from-vars');
    expect((await again()).code).toBe(0);
    expect(read('.env')).toContain(`\n${name}=from-vars\n`);
  });

  it('as a label key is a container label', async () => {
    const { r, read } = await generate(`services:\n  api:\n    component: app\n    image: x:1\n    labels:\n      ${name}: from-labels\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(own((parse(read('docker-compose.yaml')) as Compose).services.api!.labels, name)).toBe('from-labels');
  });

  it('as a {{placeholder}} is not one berth knows', async () => {
    const { r } = await generate(`services:\n  api:\n    component: app\n    image: x:1\n    env:\n      X: "{{${name}}}"\n`);
    expect(expectUsageError(r)).toMatch(new RegExp(`^services\\.api\\.env\\.X: \\{\\{${name}\\}\\} is not a placeholder berth knows; `));
  });
});

describe('an option key of a service', () => {
  it.each(NAMES)('%s is an unknown key, not ignored', async (name) => {
    const { r } = await generate(`services:\n  redis:\n    ${name}: 1\n`);
    expect(expectUsageError(r)).toMatch(new RegExp(`^services\\.redis\\.${name}: unknown key; `));
  });
});
