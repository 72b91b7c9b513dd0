/**
 * berth's own image and its control plane, on the real engine: a stack with
 * the dashboard runs on a machine no registry reaches (berth builds its image
 * from this installation), answers over HTTPS, keeps its records in the
 * stack's PostgreSQL, and Prometheus scrapes it; it manages this host's
 * stacks through the CLI's home (its own listed, and left alone), and what
 * it writes there stays the home owner's. Then the agent component
 * in the same image, on this engine's socket: it enrolls with that server
 * (pinning the fingerprint the server logged), and a stack deployed to it
 * through the API runs on this engine, started by the Compose inside it.
 * Then the reporting component reads the same stacks and changes nothing;
 * and last, over a home uid 1000 owns, the server drops from root to that
 * owner, and what it writes there is theirs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IMAGES_FILE, Sandbox, freePort, until } from './harness.js';
import { BERTH_IMAGE } from '../../src/catalog/_berth.js';

const engine = inject('engine');

/** A GET over HTTPS to berth's self-signed server. */
function get(url: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { rejectUnauthorized: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

function post(url: string, token: string, body: string, type = 'text/yaml'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', rejectUnauthorized: false, headers: { authorization: `Bearer ${token}`, 'content-type': type } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(!engine)('the control plane in its own image', () => {
  let sb: Sandbox;
  /** The web stack of the first test, which the agent enrolls with. */
  let ctl: { name: string; port: number; token: string } | undefined;
  beforeAll(() => {
    sb = new Sandbox();
    // Built afresh from this installation: no registry can give it.
    execFileSync('docker', ['image', 'rm', '-f', BERTH_IMAGE], { stdio: 'ignore' });
  });
  afterAll(async () => sb?.cleanup());

  it('web + PostgreSQL + Prometheus: image built locally, HTTPS, records in PostgreSQL, scraped', async () => {
    const name = sb.name('ctl');
    const [web, pg, prom] = [await freePort(), await freePort(), await freePort()];
    const gen = await sb.berth(['generate', name, '--web', '--postgres', '--with', 'prometheus', '--port', String(web), '--postgres-port', String(pg), '--prometheus-port', String(prom)]);
    expect(gen.code, gen.stderr).toBe(0);
    const up = await sb.berth(['up', name, '--timeout', '240'], { env: { BERTH_NODE_IMAGE: 'berth-test/node:20' } });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(new RegExp(`${BERTH_IMAGE.replace(/[.]/g, '\\.')} cannot be pulled \\(.*\\); building it from this installation of berth`));

    const health = await get(`https://127.0.0.1:${web}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', mode: 'web', storage: 'postgres' });
    const token = /^BERTH_AUTH_TOKEN=(.+)$/m.exec(fs.readFileSync(path.join(sb.home, 'stacks', name, '.env'), 'utf8'))![1]!;
    expect((await get(`https://127.0.0.1:${web}/api/v1/stacks`)).status).toBe(401);
    expect((await get(`https://127.0.0.1:${web}/api/v1/stacks`, token)).status).toBe(200);
    ctl = { name, port: web, token };

    // It manages this host's stacks, with the CLI's home: its own is listed as running, and left alone.
    const listed = await until('the server to list its own stack running', async () => {
      const r = JSON.parse((await get(`https://127.0.0.1:${web}/api/v1/stacks`, token)).body) as { stacks: { name: string; state: string }[] };
      return r.stacks.find((x) => x.name === name && x.state === 'running');
    }, 30_000, 1000);
    expect(listed).toBeTruthy();
    const own = await post(`https://127.0.0.1:${web}/api/v1/stacks/${name}/down`, token, '{}', 'application/json');
    expect([own.status, JSON.parse(own.body).error.code]).toEqual([409, 'conflict']);

    // A stack made through the server lands in the CLI's home, the user's own, and an action on it is a row in PostgreSQL.
    const demo = sb.name('demo');
    const made = await post(`https://127.0.0.1:${web}/api/v1/stacks/${demo}`, token, 'services:\n  redis: {}\n');
    expect(made.status, made.body).toBe(201);
    const spec = fs.statSync(path.join(sb.home, 'stacks', demo, 'stack.yaml'));
    expect([spec.uid, spec.gid]).toEqual([fs.statSync(sb.home).uid, fs.statSync(sb.home).gid]);
    expect((await sb.berth(['show', demo])).code).toBe(0);
    const job = await post(`https://127.0.0.1:${web}/api/v1/stacks/${demo}/down`, token, '{}', 'application/json');
    expect(job.status, job.body).toBe(202);
    const rows = await until('the job row in PostgreSQL', async () => {
      const r = await sb.berth(['exec', name, 'postgres', '--', 'psql', '-U', 'app', '-d', 'app', '-tAc', `select count(*) from jobs where stack = '${demo}'`]);
      return r.code === 0 && Number(r.stdout.trim()) >= 1 && r.stdout.trim();
    });
    expect(Number(rows)).toBeGreaterThanOrEqual(1);

    const targets = await until('Prometheus to scrape the web server', async () => {
      const r = await fetch(`http://127.0.0.1:${prom}/api/v1/targets`);
      const data = (await r.json()) as { data: { activeTargets: { labels: { job: string }; health: string }[] } };
      const t = data.data.activeTargets.find((x) => x.labels.job === 'web');
      return t?.health === 'up' && t;
    }, 90_000, 2000);
    expect(targets.health).toBe('up');
  });

  it('the agent component in the same image enrolls with that server and runs a stack sent to it on this engine', async () => {
    if (!ctl) throw new Error('the web stack of the test before did not come up');
    const { name, port, token } = ctl;
    const logs = await sb.berth(['logs', name, 'web', '--tail', '200']);
    const fingerprint = /fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(logs.stdout + logs.stderr)?.[1];
    expect(fingerprint, logs.stdout + logs.stderr).toBeTruthy();
    // Containers reach this machine's published ports at the default bridge's gateway.
    const gateway = execFileSync('docker', ['network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}'], { encoding: 'utf8' }).trim();
    const gpu = sb.name('gpu');
    const specDir = fs.mkdtempSync(path.join(sb.home, 'agent-spec-'));
    const home = path.join(sb.home, 'agent-home');
    // The agent's own home names the stand-in images, as every berth home of this tier does.
    fs.mkdirSync(home);
    fs.copyFileSync(IMAGES_FILE, path.join(home, 'images.yaml'));
    fs.writeFileSync(path.join(specDir, 'stack.yaml'), [
      'secrets:',
      '  BERTH_AUTH_TOKEN: env:CTL_TOKEN',
      'services:',
      '  agent:',
      `    serverUrl: https://${gateway}:${port}`,
      `    serverFingerprint: "${fingerprint}"`,
      `    home: ${home}`,
      `    port: ${await freePort()}`,
      '',
    ].join('\n'));
    const gen = await sb.berth(['generate', gpu, '-f', path.join(specDir, 'stack.yaml')]);
    expect(gen.code, gen.stderr).toBe(0);
    const up = await sb.berth(['up', gpu, '--timeout', '180'], { env: { CTL_TOKEN: token } });
    expect(up.code, up.stderr).toBe(0);

    const base = `https://127.0.0.1:${port}`;
    const agent = await until('the agent to show online', async () => {
      const r = await get(`${base}/api/v1/agents`, token);
      return (JSON.parse(r.body).agents as any[]).find((a) => a.online && a.facts);
    }, 90_000, 500);
    expect(agent.facts.composeVersion).toMatch(/^1\.29/);

    const deployed = sb.name('onagent');
    const job = await post(`${base}/api/v1/agents/${agent.id}/jobs`, token, JSON.stringify({ action: 'deploy', stack: deployed, spec: 'services:\n  redis: {}\n', timeoutSeconds: 180 }), 'application/json');
    expect(job.status, job.body).toBe(202);
    const id = JSON.parse(job.body).job.id;
    const done = await until('the deploy job to end', async () => {
      const j = JSON.parse((await get(`${base}/api/v1/jobs/${id}`, token)).body);
      return ['succeeded', 'failed'].includes(j.job.state) && j;
    }, 240_000, 500);
    expect(done.job, JSON.stringify(done)).toMatchObject({ state: 'succeeded', result: { ready: true } });
    // The stack runs on this engine, its files in the agent's folder on this host, at the same path.
    expect(await sb.running(deployed, 'redis')).toBe(1);
    expect(fs.existsSync(path.join(home, 'stacks', deployed, 'docker-compose.yaml'))).toBe(true);
  });

  it('the reporting component reads this host\'s stacks and changes nothing', async () => {
    if (!ctl) throw new Error('the web stack of the first test did not come up');
    const rep = sb.name('rep');
    const port = await freePort();
    const gen = await sb.berth(['generate', rep, '--reporting', '--port', String(port)]);
    expect(gen.code, gen.stderr).toBe(0);
    const up = await sb.berth(['up', rep, '--timeout', '180']);
    expect(up.code, up.stderr).toBe(0);
    const token = /^BERTH_AUTH_TOKEN=(.+)$/m.exec(fs.readFileSync(path.join(sb.home, 'stacks', rep, '.env'), 'utf8'))![1]!;
    const base = `https://127.0.0.1:${port}`;
    expect(JSON.parse((await get(`${base}/healthz`)).body)).toMatchObject({ status: 'ok', mode: 'reporting' });
    expect((await get(`${base}/api/v1/stacks`)).status).toBe(401);
    const names = await until('the reporting server to list the web stack running', async () => {
      const r = JSON.parse((await get(`${base}/api/v1/stacks`, token)).body) as { stacks: { name: string; state: string }[] };
      return r.stacks.some((x) => x.name === ctl!.name && x.state === 'running') && r.stacks.map((x) => x.name);
    }, 30_000, 1000);
    expect(names).toContain(rep);
    const refused = await post(`${base}/api/v1/stacks/${ctl.name}/down`, token, '{}', 'application/json');
    expect(refused.status).toBe(405);
    expect(await sb.running(ctl.name, 'web')).toBe(1);
  });

  it("in its container over a home someone else owns, the server becomes that owner and writes there as them", async () => {
    if (!ctl) throw new Error('the image of the first test was not built');
    const home = fs.mkdtempSync(path.join(sb.home, 'owned-'));
    fs.copyFileSync(IMAGES_FILE, path.join(home, 'images.yaml'));
    execFileSync('chown', ['-R', '1000:1000', home]);
    const container = sb.name('self');
    const port = await freePort();
    const token = 't'.repeat(40);
    execFileSync('docker', ['run', '-d', '--name', container, '--init', '-u', '0:0', '-p', `127.0.0.1:${port}:8080`,
      '-e', `BERTH_AUTH_TOKEN=${token}`, '-e', `BERTH_SECRET_KEY=${'k'.repeat(40)}`, '-e', 'BERTH_OWN_STACK=self', '-e', `BERTH_HOME=${home}`,
      '-v', '/var/run/docker.sock:/var/run/docker.sock', '-v', `${home}:${home}`, BERTH_IMAGE, 'berth', 'serve', 'web', '--port', '8080'], { stdio: 'ignore' });
    try {
      const base = `https://127.0.0.1:${port}`;
      await until('the server to answer', async () => (await get(`${base}/healthz`).catch(() => ({ status: 0 }))).status === 200, 60_000, 500);
      expect(execFileSync('docker', ['logs', container], { encoding: 'utf8' })).toContain(`running as 1000:1000, the owner of ${home}`);
      const made = await post(`${base}/api/v1/stacks/made`, token, 'services:\n  redis: {}\n');
      expect(made.status, made.body).toBe(201);
      for (const f of ['stack.yaml', '.env']) expect(fs.statSync(path.join(home, 'stacks', 'made', f)).uid).toBe(1000);
      // It still reaches the engine, through the socket's group.
      const listed = JSON.parse((await get(`${base}/api/v1/stacks`, token)).body);
      expect(listed).toMatchObject({ engine: { ok: true }, stacks: [{ name: 'made' }] });
    } finally {
      execFileSync('docker', ['rm', '-f', container], { stdio: 'ignore' });
    }
  });
});
