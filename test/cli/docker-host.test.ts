import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectUsageError, newHome } from './_util.js';

describe('DOCKER_HOST berth cannot use', () => {
  it('an empty unix path is a usage error naming DOCKER_HOST, for every command that talks to the engine', async () => {
    const home = newHome();
    const env = { DOCKER_HOST: 'unix://' };
    const msg = "DOCKER_HOST=unix:// has no socket path; set it to unix:///var/run/docker.sock (or your engine's socket) or tcp://host:2375, or unset it for the default socket";
    expect(expectUsageError(await runCli(['status'], { home, env }))).toBe(msg);
    expect((await runCli(['generate', 'prod', '--postgres'], { home })).code).toBe(0);
    expect(expectUsageError(await runCli(['down', 'prod'], { home, env }))).toBe(msg);
    const json = await runCli(['status', 'prod', '--json'], { home, env });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'usage', message: msg, path: 'DOCKER_HOST' } });
  });

  it('a web server where the engine should be: one line naming the endpoint, exit 1', async () => {
    const dir = fs.mkdtempSync(path.join(newHome(), 'sock-'));
    const sock = path.join(dir, 'web.sock');
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>hello</html>');
    });
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    onTestFinished(() => {
      server.closeAllConnections();
      server.close();
    });
    const r = await runCli(['status'], { home: newHome(), env: { DOCKER_HOST: `unix://${sock}` } });
    expect(r.stderr).toBe(
      `berth: error: what answers at unix://${sock} is not a Docker engine: it answered GET /containers/json with 200 text/html, not JSON; point DOCKER_HOST at the engine (unix:///var/run/docker.sock by default)\n`,
    );
    expect(r.code).toBe(1);
  });
});
