/** berth serve web|reporting: the REST API and the dashboard (and, read-only, the reporting server) until SIGINT or SIGTERM. */
import type { CommandSpec } from '../spec.js';
import { opsDeps } from '../deps.js';
import { dropToHomeOwner } from '../../host/privileges.js';

export const serve: CommandSpec = {
  name: 'serve',
  doc: "run berth's server: web (REST API and dashboard over this host's stacks) or reporting (read-only); needs BERTH_AUTH_TOKEN, and BERTH_SECRET_KEY for the dashboard",
  args: [['<mode>', 'web or reporting']],
  flags: [
    { flags: '--port <port>', doc: 'port to listen on', default: '8080' },
    { flags: '--host <address>', doc: 'address to listen on', default: '0.0.0.0' },
    { flags: '--tls-cert <file>', doc: 'TLS certificate (PEM); default: a self-signed one kept in the data folder' },
    { flags: '--tls-key <file>', doc: 'TLS private key (PEM), with --tls-cert' },
    { flags: '--no-tls', doc: 'plain HTTP: only behind a proxy that terminates TLS' },
    { flags: '--data-dir <dir>', doc: 'where the server keeps its records and certificate (default: $BERTH_DATA_DIR, else $BERTH_HOME/server)' },
    { flags: '--public', doc: 'reporting only: answer the read-only API and dashboard without a token or login' },
    { flags: '--public-metrics', doc: 'answer /metrics without a token (it holds no secret)' },
  ],
  async run(ctx, [mode], opts) {
    // The server and its libraries load only for this command.
    const { serveConfig, startServer } = await import('../../server/index.js');
    const cfg = serveConfig(String(mode), opts, ctx.io.env, ctx.home, ctx.io.cwd);
    if (cfg.ownStack) {
      // In its stack's container, over this host's stacks: what it writes in the home stays the owner's.
      const who = dropToHomeOwner(ctx.home, cfg.dataDir);
      if (who) ctx.io.out(`${new Date().toISOString()} running as ${who.uid}:${who.gid}, the owner of ${ctx.home}\n`);
    }
    const server = await startServer(cfg, opsDeps(ctx), (line) => ctx.io.out(`${new Date().toISOString()} ${line}\n`));
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      ctx.io.signals?.on('SIGINT', stop);
      ctx.io.signals?.on('SIGTERM', stop);
    });
    ctx.io.out(`${new Date().toISOString()} stopping: waiting for running jobs\n`);
    await server.close();
    ctx.io.out(`${new Date().toISOString()} stopped\n`);
    return 0;
  },
};
