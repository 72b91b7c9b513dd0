/** DOCKER_HOST and answers that do not come from a Docker engine: one clear line, never a JSON parse error. */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DockerApi, endpointFromEnv } from '../../src/engine/docker-api.js';
import { BerthError } from '../../src/errors.js';

const FIX = "set it to unix:///var/run/docker.sock (or your engine's socket) or tcp://host:2375, or unset it for the default socket";

function caught(fn: () => unknown): BerthError {
  try {
    fn();
  } catch (e) {
    return e as BerthError;
  }
  throw new Error('expected an error');
}

describe('DOCKER_HOST', () => {
  it.each([
    [undefined, { socketPath: '/var/run/docker.sock' }],
    ['', { socketPath: '/var/run/docker.sock' }],
    ['unix:///run/user/1000/docker.sock', { socketPath: '/run/user/1000/docker.sock' }],
    ['tcp://10.0.0.5', { host: '10.0.0.5', port: 2375 }],
    ['tcp://engine.local:2376/', { host: 'engine.local', port: 2376 }],
    ['tcp://[::1]:2375', { host: '::1', port: 2375 }],
  ])('%j is an endpoint', (value, want) => {
    expect(endpointFromEnv({ DOCKER_HOST: value })).toMatchObject(want);
  });

  it.each([
    ['unix://', `DOCKER_HOST=unix:// has no socket path; ${FIX}`],
    ['tcp://', `DOCKER_HOST=tcp:// is not tcp://host:port; ${FIX}`],
    ['tcp://host:99999', `DOCKER_HOST=tcp://host:99999 is not tcp://host:port; ${FIX}`],
    ['tcp://host:abc', `DOCKER_HOST=tcp://host:abc is not tcp://host:port; ${FIX}`],
    ['garbage', `DOCKER_HOST=garbage is not an engine address berth can use (unix:// or tcp://); ${FIX}`],
    ['npipe:////./pipe/docker_engine', `DOCKER_HOST=npipe:////./pipe/docker_engine is not an engine address berth can use (unix:// or tcp://); ${FIX}`],
    [
      'ssh://deploy@build-1',
      'DOCKER_HOST=ssh://deploy@build-1: berth talks to unix:// and tcp:// engines, not ssh://; run berth on that host, or forward its socket (ssh -N -L /tmp/docker.sock:/var/run/docker.sock deploy@build-1) and set DOCKER_HOST=unix:///tmp/docker.sock',
    ],
    [
      'ssh://deploy@build-1:2222',
      'DOCKER_HOST=ssh://deploy@build-1:2222: berth talks to unix:// and tcp:// engines, not ssh://; run berth on that host, or forward its socket (ssh -N -L /tmp/docker.sock:/var/run/docker.sock -p 2222 deploy@build-1) and set DOCKER_HOST=unix:///tmp/docker.sock',
    ],
  ])('%j is a usage error naming DOCKER_HOST', (value, message) => {
    const e = caught(() => new DockerApi({ DOCKER_HOST: value }));
    expect(e).toBeInstanceOf(BerthError);
    expect(e.message).toBe(message);
    expect(e.code).toBe('usage');
    expect(e.exitCode).toBe(2);
    expect(e.path).toBe('DOCKER_HOST');
  });
});

/** A server on a unix socket in a temp folder; DOCKER_HOST for it. */
async function serve(server: net.Server): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sock-'));
  const sock = path.join(dir, 'docker.sock');
  const open = new Set<net.Socket>();
  server.on('connection', (c: net.Socket) => (open.add(c), c.on('close', () => open.delete(c))));
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  onTestFinished(async () => {
    for (const c of open) c.destroy();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return `unix://${sock}`;
}

describe('an answer that is not from a Docker engine', () => {
  it('a web server (HTML, 200 or 404): an engine error naming the endpoint, not a JSON parse error', async () => {
    const host = await serve(
      http.createServer((req, res) => {
        res.writeHead(req.url === '/_ping' ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><html><body>It works!</body></html>');
      }),
    );
    const api = new DockerApi({ DOCKER_HOST: host });
    onTestFinished(() => api.close());
    const list = await api.listContainers(['x']).catch((e: BerthError) => e);
    expect(list).toBeInstanceOf(BerthError);
    expect((list as BerthError).message).toBe(
      `what answers at ${host} is not a Docker engine: it answered GET /containers/json with 200 text/html, not JSON; point DOCKER_HOST at the engine (unix:///var/run/docker.sock by default)`,
    );
    expect((list as BerthError).code).toBe('engine_failed');
    await expect(api.ping()).rejects.toThrow(`what answers at ${host} is not a Docker engine: it answered GET /_ping with 404 text/html;`);
    await expect(api.inspect('abc')).rejects.toThrow(/^what answers at .* is not a Docker engine/);
  });

  it('something that does not speak HTTP', async () => {
    const host = await serve(net.createServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n')));
    const api = new DockerApi({ DOCKER_HOST: host });
    onTestFinished(() => api.close());
    await expect(api.listContainers(['x'])).rejects.toThrow(`what answers at ${host} is not a Docker engine: it does not speak HTTP;`);
  });

  it('an engine error keeps the engine message', async () => {
    const host = await serve(
      http.createServer((_req, res) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'disk full' }));
      }),
    );
    const api = new DockerApi({ DOCKER_HOST: host });
    onTestFinished(() => api.close());
    await expect(api.listContainers(['x'])).rejects.toMatchObject({ message: 'Docker engine: GET /containers/json failed (500): disk full', code: 'engine_failed' });
  });

  it('nothing listening: engine_unreachable', async () => {
    const api = new DockerApi({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    onTestFinished(() => api.close());
    await expect(api.ping()).rejects.toMatchObject({ code: 'engine_unreachable' });
  });
});
