/** A berth server in-process for API tests: a private home, an in-memory engine, a recording runner, SQLite records. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { InjectOptions } from 'fastify';
import { RecordingRunner, type Command } from '../../src/engine/runner.js';
import { openRecords } from '../../src/store/records/db.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { MemoryEngine } from '../helpers/engine.js';
import { testDeps } from '../helpers/deps.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const SECRET_KEY = 'test-secret-key-0123456789abcdef';

const v2 = (c: Command) => (c.argv.join(' ') === 'docker compose version --short' ? { code: 0, stdout: '2.29.1\n' } : undefined);

export type Call = Omit<InjectOptions, 'method' | 'url'> & { token?: string | null };

type Chosen = 'mode' | 'ownStack' | 'publicApi' | 'publicMetrics' | 'readOnly' | 'https' | 'now' | 'sessionTtlMs' | 'loginLimit' | 'sampleMs' | 'pollMs' | 'agentTimes';

/** Options as given; `secretKey: null` for a server without BERTH_SECRET_KEY. */
export async function testServer(o: Partial<Pick<AppOptions, Chosen>> & { home?: string; secretKey?: string | null } = {}) {
  const home = o.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'berth-server-'));
  const engine = new MemoryEngine();
  const runner = new RecordingRunner(v2);
  const deps = testDeps(home, { engine, runner });
  const records = await openRecords({ kind: 'sqlite', file: path.join(home, 'server', 'berth.db') });
  const logged: string[] = [];
  const { home: _home, secretKey, ...rest } = o;
  const server = await buildApp({
    mode: 'web',
    pollMs: 50,
    sampleMs: 0,
    ...rest,
    token: TOKEN,
    secretKey: secretKey === null ? undefined : (secretKey ?? SECRET_KEY),
    publicApi: !!o.publicApi,
    publicMetrics: !!o.publicMetrics,
    deps,
    records,
    log: (l) => logged.push(l),
  });
  onTestFinished(async () => {
    await server.close();
    if (!o.home) fs.rmSync(home, { recursive: true, force: true });
  });
  const call = (method: InjectOptions['method'], url: string, c: Call = {}) => {
    const { token = TOKEN, headers, ...rest } = c;
    return server.app.inject({ method, url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, ...rest });
  };
  return { ...server, home, engine, runner, deps, records, logged, call };
}

/** Containers of these services that come up healthy when started, as an up through the in-memory engine needs. */
export function startable(engine: MemoryEngine, stack: string, services: string[]): void {
  for (const svc of services) engine.add(stack, svc, { state: 'created' });
  const start = engine.startContainer.bind(engine);
  engine.startContainer = async (id: string) => {
    await start(id);
    const c = engine.containers.find((x) => x.Id === id);
    if (c) c.Status = 'Up 1 second (healthy)';
  };
}

export const SPEC = `services:
  postgres: {}
  redis: {}
  worker:
    component: worker
    image: x/worker:1
    command: [work]
`;

type TestApp = Awaited<ReturnType<typeof testServer>>;

/** Logs in through the form; the cookie to send back, and the CSRF token the pages carry. */
export async function login(s: TestApp, o: { remoteAddress?: string } = {}) {
  const r = await s.call('POST', '/login', { token: null, payload: `token=${encodeURIComponent(TOKEN)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...o });
  if (r.statusCode !== 303) throw new Error(`login answered ${r.statusCode}: ${r.body}`);
  const c = r.cookies[0] as { name: string; value: string };
  const cookie = `${c.name}=${encodeURIComponent(c.value)}`;
  const page = await s.call('GET', '/stacks', { token: null, headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1] ?? '';
  return { cookie, csrf, setCookie: String(r.headers['set-cookie']) };
}

/** A request as a logged-in browser makes it: the cookie, no bearer token; a form body when given one. */
export function asBrowser(s: TestApp, cookie: string) {
  return (method: 'GET' | 'POST', url: string, form?: Record<string, string>, headers: Record<string, string> = {}) =>
    s.call(method, url, {
      token: null,
      headers: { cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
}
