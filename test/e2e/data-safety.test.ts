/**
 * Nothing lost, nothing foreign touched, against a real engine: bind-mounted
 * data survives regenerates, clean deletes only berth's own volumes (also
 * after remove --delete-files), a database password its data was made with is
 * never replaced silently, a named network has one owner.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, volumes } from './harness.js';

const engine = inject('engine');

describe.skipIf(!engine)('data safety against a real engine', () => {
  let sb: Sandbox;
  const foreign: string[] = [];
  beforeAll(() => {
    sb = new Sandbox();
  });
  afterAll(async () => {
    for (const v of foreign) execFileSync('docker', ['volume', 'rm', '-f', v], { stdio: 'ignore' });
    await sb?.cleanup();
  });

  it('data an app writes to ./data survives regenerating from the stored stack.yaml, twice', async () => {
    const name = sb.name('bind');
    const specDir = fs.mkdtempSync(path.join(sb.home, 'src-'));
    fs.mkdirSync(path.join(specDir, 'data'));
    fs.writeFileSync(path.join(specDir, 'stack.yaml'), 'services:\n  app:\n    image: berth-test/app:latest\n    volumes: ["./data:/data"]\n');
    const first = await sb.berth(['generate', name, '-f', path.join(specDir, 'stack.yaml')]);
    expect(first.code, first.stderr).toBe(0);
    const stored = path.join(sb.home, 'stacks', name, 'stack.yaml');
    const again = await sb.berth(['generate', name, '-f', stored]);
    expect(again.code, again.stderr).toBe(0);
    expect((await sb.berth(['up', name])).code).toBe(0);
    const wrote = await sb.berth(['exec', name, 'app', '--', 'sh', '-c', 'echo kept > /data/note']);
    expect(wrote.code, wrote.stderr).toBe(0);
    const third = await sb.berth(['generate', name, '-f', stored]);
    expect(third.code, third.stderr).toBe(0);
    expect(fs.readFileSync(path.join(specDir, 'data', 'note'), 'utf8')).toBe('kept\n');
    expect(fs.existsSync(path.join(sb.home, 'stacks', name, 'data'))).toBe(false);
    expect((await sb.berth(['up', name])).code).toBe(0);
    expect((await sb.berth(['exec', name, 'app', '--', 'cat', '/data/note'])).stdout).toBe('kept\n');
    // A mount into berth's own stack folder is refused, with the fix.
    const inside = path.join(sb.home, 'stacks', name);
    const bad = path.join(specDir, 'bad.yaml');
    fs.writeFileSync(bad, `services:\n  app:\n    image: berth-test/app:latest\n    volumes: ["${inside}:/data"]\n`);
    const refused = await sb.berth(['generate', name, '-f', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^berth: error: services\.app\.volumes: .* is inside berth's stack folders, which berth replaces at every generate \(data there is lost\); use a named volume/);
  });

  it('clean deletes only the volumes berth made for the stack, also after remove --delete-files, and reports only those', async () => {
    const name = sb.name('own');
    await sb.generate(name, 'services:\n  redis: {}\n');
    expect((await sb.berth(['up', name])).code).toBe(0);
    // Any Compose project of the same name labels its volumes so: not berth's.
    const other = `${name}-foreign`;
    execFileSync('docker', ['volume', 'create', '--label', `com.docker.compose.project=${name}`, other], { stdio: 'ignore' });
    foreign.push(other);
    const rm = await sb.berth(['remove', name, '--delete-files']);
    expect(rm.code, rm.stderr).toBe(0);
    const clean = await sb.berth(['clean', name, '--yes']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`Deleted volumes: ${name}_redis-data.`);
    expect(volumes(name)).toEqual([other]);
    const again = await sb.berth(['clean', name, '--yes']);
    expect(again.code).toBe(2);
    expect(volumes(name)).toEqual([other]);
  });

  it('a new PostgreSQL password while its data exists is refused, with the fix; an explicit flag accepts it', async () => {
    const name = sb.name('pw');
    await sb.generate(name, 'services:\n  postgres: {}\n');
    expect((await sb.berth(['up', name])).code).toBe(0);
    expect((await sb.berth(['down', name])).code).toBe(0);
    const envFile = path.join(sb.home, 'stacks', name, '.env');
    const stored = path.join(sb.home, 'stacks', name, 'stack.yaml');
    // .env lost: up refuses, and so does the generate that would make a new password.
    fs.writeFileSync(envFile, '');
    const up = await sb.berth(['up', name]);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/^berth: error: the \.env of stack .* has no POSTGRES_PASSWORD; /);
    const regen = await sb.berth(['generate', name, '-f', stored]);
    expect(regen.code).toBe(1);
    expect(regen.stderr).toBe(
      `berth: error: POSTGRES_PASSWORD would get a new value, but postgres reads POSTGRES_PASSWORD only when its data is first created, and volume ${name}_postgres-data holds data made with an earlier one; pass the old value with --secret POSTGRES_PASSWORD=..., or delete that data with berth clean, or pass --allow-secret-change and change it inside postgres yourself\n`,
    );
    // remove --delete-files, then generate the same name: the same guard.
    expect((await sb.berth(['remove', name, '--delete-files'])).code).toBe(0);
    const fresh = await sb.generate(name, 'services:\n  postgres: {}\n', ['--allow-secret-change']);
    expect(fresh.stderr).toMatch(/warning: POSTGRES_PASSWORD is new, but postgres reads POSTGRES_PASSWORD only when its data is first created/);
    const refused = await sb.berth(['up', name]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^berth: error: POSTGRES_PASSWORD is not the one volume .*_postgres-data was created with/);
  });

  it('a secretsFromEnv password changed between two ups is refused', async () => {
    const name = sb.name('envpw');
    await sb.generate(name, 'secretsFromEnv: [POSTGRES_PASSWORD]\nservices:\n  postgres: {}\n');
    const first = await sb.berth(['up', name], { env: { POSTGRES_PASSWORD: 'first-password-123' } });
    expect(first.code, first.stderr).toBe(0);
    const changed = await sb.berth(['restart', name], { env: { POSTGRES_PASSWORD: 'second-password-456' } });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/POSTGRES_PASSWORD is not the one volume .*_postgres-data was created with/);
    expect(changed.stderr).not.toContain('second-password-456');
    expect(await sb.running(name, 'postgres')).toBe(1);
    const same = await sb.berth(['restart', name], { env: { POSTGRES_PASSWORD: 'first-password-123' } });
    expect(same.code, same.stderr).toBe(0);
    // The fingerprint on disk is not the password.
    expect(fs.readFileSync(path.join(sb.home, 'runtime', `${name}.json`), 'utf8')).not.toContain('first-password');
  });

  it('a network stack.yaml names has one owner', async () => {
    const a = sb.name('neta');
    const b = sb.name('netb');
    const net = `${a}-net`;
    await sb.generate(a, `network:\n  name: ${net}\nservices:\n  redis: {}\n`);
    const spec = path.join(sb.home, 'b.yaml');
    fs.writeFileSync(spec, `network:\n  name: ${net}\nservices:\n  redis: {}\n`);
    const second = await sb.berth(['generate', b, '-f', spec]);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`berth: error: network.name: ${net} is stack ${a}'s network; two stacks on one network reach each other's datastores; pick another name, or set external: true to join ${a}'s on purpose\n`);
    // A network someone else made with that name is refused at up.
    execFileSync('docker', ['network', 'create', net], { stdio: 'ignore' });
    try {
      const up = await sb.berth(['up', a]);
      expect(up.code).toBe(1);
      expect(up.stderr).toMatch(new RegExp(`^berth: error: network ${net} exists and belongs to something other than berth; `));
    } finally {
      execFileSync('docker', ['network', 'rm', net], { stdio: 'ignore' });
    }
    expect((await sb.berth(['up', a])).code).toBe(0);
    expect((await sb.berth(['down', a])).code).toBe(0);
  });
});
