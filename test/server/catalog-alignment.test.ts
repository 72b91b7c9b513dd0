/**
 * What a generated stack expects of berth's server is what the server does:
 * the web and reporting components' command starts it, their health probe
 * passes against it, and Prometheus's scrape settings for them (scheme,
 * certificate, path, no token) get the metrics. The same of the agent
 * component and berth agent: its command and environment enroll it with its
 * server (with the server's token, as a stack gives it), its probe passes
 * and its scrape target answers.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import type { IO } from '../../src/cli/io.js';
import { renderPrometheus } from '../../src/render/prometheus.js';
import { composeText } from '../../src/render/compose/text.js';
import { healthTest } from '../../src/render/compose/probe.js';
import { MemoryEngine } from '../helpers/engine.js';
import { resolveYaml, svc } from '../unit/_resolve.js';
import type { AddressInfo } from 'node:net';
import { TOKEN, testServer } from './_app.js';

/** Starts the server as the component's command says, on a free port; its URL and how to stop it. */
async function serveAsGenerated(command: string[], environment: Record<string, string>) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-align-'));
  const signals = new EventEmitter();
  let out = '';
  // The stack's own values, but a private data folder, this test's token, and a free port.
  const env = { ...environment, BERTH_DATA_DIR: path.join(home, 'data'), BERTH_AUTH_TOKEN: TOKEN, BERTH_HOME: home };
  const io: IO = { out: (t) => void (out += t), err: (t) => void (out += t), env, cwd: home, isTTY: false, stdinTTY: false, signals: signals as unknown as IO['signals'] };
  const argv = [...command.slice(1).map((a, i, all) => (all[i - 1] === '--port' ? '0' : a)), '--host', '127.0.0.1'];
  const done = main(argv, io, undefined, new MemoryEngine());
  for (let i = 0; i < 250 && !/serving on/.test(out); i++) await new Promise((r) => setTimeout(r, 20));
  const url = /serving on (\S+);/.exec(out)?.[1];
  if (!url) throw new Error(`the server did not start: ${out}`);
  onTestFinished(async () => {
    signals.emit('SIGTERM', 'SIGTERM');
    await done;
    fs.rmSync(home, { recursive: true, force: true });
  });
  return { url, port: Number(new URL(url).port) };
}

function getInsecure(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

describe.each(['web', 'reporting'])('the %s component and berth serve', (component) => {
  it('its command starts the server, its probe passes, and its scrape settings get the metrics', async () => {
    const stack = resolveYaml(`services:\n  ${component}: {}\n  prometheus: {}\n`);
    const s = svc(stack, component);
    const env = Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, composeText(v)]));
    const { url, port } = await serveAsGenerated(s.command!.map(composeText), env);
    expect(url).toMatch(/^https:/);
    // The probe, as Docker and berth run it in the container, against this server's port.
    expect(s.probe).toMatchObject({ http: { scheme: 'https', path: '/healthz' }, via: 'node' });
    const [form, node, ...args] = healthTest(s.probe!);
    expect([form, node]).toEqual(['CMD', 'node']);
    const probe = args.map((a) => a.replace(`port:${s.metrics!.port}`, `port:${port}`));
    expect(probe.join(' ')).toContain(`port:${port},path:'/healthz'`);
    // Run aside: the server answers from this very process.
    await expect(promisify(execFile)(process.execPath, probe, { timeout: 10_000 })).resolves.toBeDefined();
    // Prometheus's job for it: scheme, certificate check, path; no token.
    const prom = parse(renderPrometheus(stack)[0]!.content) as { scrape_configs: Record<string, any>[] };
    const job = prom.scrape_configs.find((j) => j.job_name === component)!;
    expect(job).toMatchObject({ scheme: 'https', tls_config: { insecure_skip_verify: true }, metrics_path: '/metrics', static_configs: [{ targets: [`${component}:${s.metrics!.port}`] }] });
    expect(job.authorization).toBeUndefined();
    const metrics = await getInsecure(`${job.scheme}://127.0.0.1:${port}${job.metrics_path}`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('berth_http_requests_total');
    // The API itself still needs the token.
    expect((await getInsecure(`${url}/api/v1/stacks`)).status).toBe(401);
  });
});

describe('the agent component and berth agent', () => {
  it('its command and environment enroll it with its server, its probe passes, and its scrape target answers', async () => {
    const server = await testServer();
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const serverUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    const stack = resolveYaml(`services:\n  agent: {serverUrl: "${serverUrl}"}\n  prometheus: {}\n`);
    const s = svc(stack, 'agent');
    const env = Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, composeText(v)]));
    expect(env).toMatchObject({ BERTH_SERVER_URL: serverUrl, BERTH_AUTH_TOKEN: '${BERTH_AUTH_TOKEN}', BERTH_DATA_DIR: '/data' });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-align-agent-'));
    const signals = new EventEmitter();
    let out = '';
    const io: IO = { out: (t) => void (out += t), err: (t) => void (out += t), env: { ...env, BERTH_AUTH_TOKEN: TOKEN, BERTH_DATA_DIR: path.join(home, 'data'), BERTH_HOME: home }, cwd: home, isTTY: false, stdinTTY: false, signals: signals as unknown as IO['signals'] };
    const argv = [...s.command!.map(composeText).slice(1).map((a, i, all) => (all[i - 1] === '--port' ? '0' : a)), '--host', '127.0.0.1'];
    const done = main(argv, io, undefined, new MemoryEngine());
    onTestFinished(async () => {
      signals.emit('SIGTERM', 'SIGTERM');
      await done;
      fs.rmSync(home, { recursive: true, force: true });
    });
    for (let i = 0; i < 500 && !/healthz on port \d+/.test(out); i++) await new Promise((r) => setTimeout(r, 20));
    const port = Number(/healthz on port (\d+)/.exec(out)?.[1]);
    expect(port, out).toBeGreaterThan(0);
    expect((await server.call('GET', '/api/v1/agents')).json().agents).toEqual([expect.objectContaining({ online: true })]);
    expect(fs.statSync(path.join(home, 'data', 'credential.json')).mode & 0o777).toBe(0o600);
    const [form, node, ...args] = healthTest(s.probe!);
    expect([form, node]).toEqual(['CMD', 'node']);
    const probe = args.map((a) => a.replace(`127.0.0.1:${s.metrics!.port}/`, `127.0.0.1:${port}/`));
    expect(probe.join(' ')).toContain(`http://127.0.0.1:${port}/healthz`);
    await expect(promisify(execFile)(process.execPath, probe, { timeout: 10_000 })).resolves.toBeDefined();
    const prom = parse(renderPrometheus(stack)[0]!.content) as { scrape_configs: Record<string, any>[] };
    const job = prom.scrape_configs.find((j) => j.job_name === 'agent')!;
    expect(job).toMatchObject({ static_configs: [{ targets: [`agent:${s.metrics!.port}`] }] });
    const metrics = await fetch(`${job.scheme ?? 'http'}://127.0.0.1:${port}${job.metrics_path ?? '/metrics'}`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('berth_agent_enrolled 1');
  });
});
