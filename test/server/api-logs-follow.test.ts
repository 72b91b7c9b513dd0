/**
 * Following a stack's logs through the API: the tail first, then lines as
 * the engine writes them, one JSON record a line, until the caller goes
 * away (which stops the engine stream); a bad stack is an ordinary error.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { LogOptions } from '../../src/engine/docker-api.js';
import type { LogLine } from '../../src/engine/log-stream.js';
import { SPEC, TOKEN, testServer } from './_app.js';

describe('GET /api/v1/stacks/{name}/logs/follow', () => {
  it('streams the tail, then new lines, and stops reading the engine when the caller closes', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    s.engine.add('prod', 'redis', { health: 'healthy' });
    let stopped!: () => void;
    const engineStopped = new Promise<void>((r) => (stopped = r));
    s.engine.streamLogs = async (_id: string, o: LogOptions, onLine: (l: LogLine) => void, signal?: AbortSignal) => {
      onLine({ stream: 'stdout', time: '2026-12-02T10:00:00.000000001Z', text: 'ready to accept connections' });
      if (!o.follow) return;
      setTimeout(() => onLine({ stream: 'stderr', time: '2026-12-02T10:00:01.000000001Z', text: 'a later line' }), 20);
      await new Promise<void>((r) => signal?.addEventListener('abort', () => r(), { once: true }));
      stopped();
    };
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = s.app.server.address() as AddressInfo;
    const lines: unknown[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/stacks/prod/logs/follow?tail=10', headers: { authorization: `Bearer ${TOKEN}` } });
    const res = await new Promise<http.IncomingMessage>((r) => req.on('response', r));
    expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'application/x-ndjson; charset=utf-8']);
    let buf = '';
    await new Promise<void>((done) => {
      res.setEncoding('utf8').on('data', (c: string) => {
        buf += c;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          lines.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
        if (lines.length >= 2) done();
      });
    });
    expect(lines).toEqual([
      expect.objectContaining({ service: 'redis', replica: 1, stream: 'stdout', line: 'ready to accept connections' }),
      expect.objectContaining({ service: 'redis', stream: 'stderr', line: 'a later line' }),
    ]);
    req.destroy();
    await engineStopped;
  });

  it('a stack that does not exist, or a service it lacks, is answered as an error before any stream', async () => {
    const s = await testServer();
    expect((await s.call('GET', '/api/v1/stacks/nope/logs/follow')).statusCode).toBe(404);
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    const r = await s.call('GET', '/api/v1/stacks/prod/logs/follow?service=nope');
    expect([r.statusCode, r.json().error.code]).toEqual([400, 'usage']);
    expect((await s.call('GET', '/api/v1/stacks/prod/logs/follow', { token: null })).statusCode).toBe(401);
  });
});
