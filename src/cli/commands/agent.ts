/**
 * berth agent: run this host's agent for a berth server until SIGINT or
 * SIGTERM (or until the server revokes it); berth agent token create: a
 * one-time enrollment token from the server's API, asked with
 * BERTH_AUTH_TOKEN (so it works from any machine that has the token and
 * reaches the server, and the server alone writes its records).
 */
import type { CommandSpec } from '../spec.js';
import type { Context } from '../context.js';
import { opsDeps } from '../deps.js';
import { printJson } from '../output.js';

const TRUST_FLAGS = [
  { flags: '--server-url <url>', doc: 'the berth web server (default: $BERTH_SERVER_URL)' },
  { flags: '--ca-file <file>', doc: "trust the server's certificate through this CA (PEM; default: $BERTH_SERVER_CA)" },
  { flags: '--server-fingerprint <sha256>', doc: "trust exactly the certificate with this SHA-256 fingerprint (the server logs it; default: $BERTH_SERVER_FINGERPRINT)" },
  { flags: '--insecure', doc: "do not check the server's certificate at all" },
];

async function tokenCreate(ctx: Context, opts: Record<string, unknown>): Promise<number> {
  const { UsageError } = await import('../../errors.js');
  const { serverUrlOf, trustOf, Transport, replyError } = await import('../../agent/index.js');
  const apiToken = ctx.io.env.BERTH_AUTH_TOKEN?.trim();
  if (!apiToken) throw new UsageError('BERTH_AUTH_TOKEN: is not set; the server makes enrollment tokens only for its API token: export BERTH_AUTH_TOKEN=<the server\'s token>', undefined, { path: 'BERTH_AUTH_TOKEN' });
  const ttl = opts.ttl === undefined ? undefined : Number(opts.ttl);
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 60 && ttl <= 604_800)) throw new UsageError(`--ttl: ${JSON.stringify(opts.ttl)} is not a number of seconds from 60 to 604800`);
  const serverUrl = serverUrlOf((opts.serverUrl as string | undefined) ?? ctx.io.env.BERTH_SERVER_URL);
  const transport = new Transport(serverUrl, trustOf(opts, ctx.io.env, ctx.io.cwd));
  try {
    const r = await transport.request('POST', '/api/v1/agents/tokens', { bearer: apiToken, body: ttl ? { ttlSeconds: ttl } : {} });
    if (r.status !== 201) throw replyError('berth agent token create', r);
    if (opts.json) printJson(ctx.io, r.body);
    else ctx.io.out(`${r.body.token}\n`);
    if (!opts.json) ctx.io.err(`One agent can enroll with it until ${r.body.expiresAt}: berth agent --server-url ${serverUrl} (with BERTH_ENROLL_TOKEN set to it)\n`);
    return 0;
  } finally {
    transport.close();
  }
}

async function runAgent(ctx: Context, opts: Record<string, unknown>): Promise<number> {
  // The agent and its libraries load only for this command.
  const { agentConfig, startAgent } = await import('../../agent/index.js');
  const cfg = agentConfig(opts, ctx.io.env, ctx.home, ctx.io.cwd);
  const line = (l: string) => ctx.io.out(`${new Date().toISOString()} ${l}\n`);
  const agent = await startAgent(cfg, opsDeps(ctx), line);
  const stopped = await new Promise<'signal' | Error>((resolve) => {
    ctx.io.signals?.on('SIGINT', () => resolve('signal'));
    ctx.io.signals?.on('SIGTERM', () => resolve('signal'));
    void agent.ended.then(resolve);
  });
  line('stopping');
  await agent.close();
  line('stopped');
  if (stopped instanceof Error) throw stopped;
  return 0;
}

export const agent: CommandSpec = {
  name: 'agent',
  doc: "run this host's agent for a berth server (enrolls once with --enroll-token or $BERTH_ENROLL_TOKEN), or `agent token create` for a one-time enrollment token (needs BERTH_AUTH_TOKEN)",
  args: [['[action...]', 'nothing to run the agent; token create for an enrollment token']],
  flags: [
    ...TRUST_FLAGS,
    { flags: '--enroll-token <token>', doc: 'one-time enrollment token (better: $BERTH_ENROLL_TOKEN, kept off the command line)' },
    { flags: '--port <port>', doc: "port of the agent's /healthz", default: '8090' },
    { flags: '--host <address>', doc: 'address of /healthz', default: '0.0.0.0' },
    { flags: '--interval <seconds>', doc: 'seconds between heartbeats (offline after 3 missed)', default: '10' },
    { flags: '--data-dir <dir>', doc: 'where the agent keeps its credential (default: $BERTH_DATA_DIR, else $BERTH_HOME/agent)' },
    { flags: '--name <name>', doc: 'the name the server shows (default: the hostname)' },
    { flags: '--ttl <seconds>', doc: 'token create: how long the token can be used (default 3600)' },
  ],
  async run(ctx, [action], opts) {
    const words = (action as string[] | undefined) ?? [];
    if (words.length === 0) return runAgent(ctx, opts);
    if (words.join(' ') === 'token create') return tokenCreate(ctx, opts);
    const { UsageError } = await import('../../errors.js');
    throw new UsageError(`agent: ${JSON.stringify(words.join(' '))} is not an agent command; use berth agent (run it) or berth agent token create`);
  },
};
