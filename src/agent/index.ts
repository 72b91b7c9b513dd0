/**
 * `berth agent`: the daemon (daemon.ts) and the agent's own /healthz, which
 * the agent component's health check asks (200 once it has enrolled and
 * while heartbeats get through; 503 otherwise), and /metrics, which its
 * scrape target asks. What the CLI loads when it runs the command, and
 * nothing else of the CLI loads.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BerthError } from '../errors.js';
import type { OpsDeps } from '../ops/deps.js';
import type { AgentConfig } from './config.js';
import { AgentDaemon } from './daemon.js';
import { agentMetrics } from './metrics.js';
import { Transport } from './transport.js';

export { agentConfig, trustOf, serverUrlOf, type AgentConfig, type AgentFlags } from './config.js';
export { Transport, replyError } from './transport.js';

export interface RunningAgent {
  /** Where its /healthz answers. */
  url: string;
  agentId: string;
  /** Resolves when the agent stops by itself (its credential was revoked). */
  ended: Promise<BerthError>;
  close(): Promise<void>;
}

function healthServer(d: AgentDaemon, cfg: AgentConfig): Promise<http.Server> {
  const metrics = agentMetrics(d.status);
  const server = http.createServer((req, res) => {
    if (!['GET', 'HEAD'].includes(req.method ?? '')) return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (req.url === '/metrics') {
      return void metrics.metrics().then((text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text), () => res.writeHead(500).end());
    }
    if (req.url !== '/healthz') return void res.writeHead(404).end();
    const ok = d.status.enrolled && !d.status.lastError;
    const { enrolled, lastHeartbeat, lastError, runningJob } = d.status;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok, enrolled, lastHeartbeat, lastError, runningJob }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new BerthError(`--port: ${cfg.port} is taken on ${cfg.host}; stop what listens there or pick another port`, { code: 'conflict' }) : e));
    server.listen(cfg.port, cfg.host, () => resolve(server));
  });
}

export async function startAgent(cfg: AgentConfig, deps: OpsDeps, log: (line: string) => void): Promise<RunningAgent> {
  const transport = new Transport(cfg.serverUrl, cfg.trust);
  if (cfg.trust.kind === 'insecure') log("--insecure: the server's certificate is not checked; anyone between this host and the server can read the agent's credential");
  const daemon = new AgentDaemon(cfg, deps, transport, log);
  let server: http.Server | undefined;
  try {
    server = await healthServer(daemon, cfg);
    await daemon.start();
  } catch (e) {
    server?.close();
    transport.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  log(`berth agent for ${cfg.serverUrl}: heartbeat every ${cfg.intervalSeconds} s, /healthz on port ${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    agentId: (await daemon.enroll()).agentId,
    ended: daemon.ended,
    async close() {
      await daemon.close();
      await new Promise((r) => server!.close(r));
      transport.close();
    },
  };
}
