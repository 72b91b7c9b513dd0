import * as v from 'valibot';
import type { ComponentDef } from './types.js';
import { httpUrl, opt } from '../spec/fields.js';
import { AUTH_TOKEN, BERTH_IMAGE, berthService } from './_berth.js';
import { gpuOf, gpuSchema } from './_workload.js';
import { UsageError } from '../errors.js';

interface Options {
  serverUrl?: string;
  serverFingerprint?: string;
  home?: string;
  gpu?: boolean | number | 'all';
}

const fingerprint = v.pipe(v.string('must be a SHA-256 fingerprint'), v.regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, 'must be a SHA-256 fingerprint like AB:CD:...:EF (32 pairs), as berth serve logs it'));
const absolutePath = v.pipe(v.string('must be an absolute path'), v.regex(/^\/[^\0\n\r:]*$/, 'must be an absolute path on the host, without ":"'));

export const agent: ComponentDef<Options> = {
  name: 'agent',
  summary: 'berth agent daemon for remote (GPU) hosts: registers with a berth web server and runs work on its behalf',
  category: 'berth',
  image: BERTH_IMAGE,
  port: 8090,
  memory: '512m',
  options: {
    serverUrl: opt(httpUrl, 'url', 'berth web server to register with (--server-url)', 'the web service of this stack'),
    serverFingerprint: opt(fingerprint, 'AB:CD:...', "SHA-256 fingerprint of the server's self-signed certificate, pinned by the agent (--server-fingerprint)"),
    home: opt(absolutePath, 'path', "the folder on the host where the agent keeps the stacks it runs, mounted at the same path (Compose's bind mounts name host paths)", '/var/lib/berth/<stack>-<service>'),
    gpu: opt(gpuSchema, 'true | n | all', 'reserve NVIDIA GPUs for the agent'),
  },
  secrets: [{ ...AUTH_TOKEN, sharedWith: (o) => (typeof o.serverUrl === 'string' ? `the berth server at ${o.serverUrl}` : undefined) }],
  build(ctx) {
    const webs = ctx.stack.byComponent('web');
    const serverUrl = ctx.options.serverUrl ?? (webs[0] ? `https://${webs[0]}:8080` : undefined);
    if (!serverUrl) {
      throw new UsageError(`services.${ctx.service}.serverUrl: the agent needs the berth server to register with; pass --server-url https://server:8080 or add web to the stack`);
    }
    const home = ctx.options.home ?? `/var/lib/berth/${ctx.stack.name}-${ctx.service}`;
    const env = { BERTH_SERVER_URL: serverUrl, BERTH_AUTH_TOKEN: ctx.secret('authToken'), BERTH_HOME: home, ...(ctx.options.serverFingerprint ? { BERTH_SERVER_FINGERPRINT: ctx.options.serverFingerprint } : {}) };
    const svc = berthService(ctx, agent, ['agent'], 8090, env);
    // The agent runs Compose against this host's engine on the server's behalf. The engine reads
    // the bind mounts of those stacks on the host, so their folder is at the same path inside;
    // and whoever holds the socket is root on the host anyway, so the agent runs as root.
    svc.mounts.push({ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' });
    svc.mounts.push({ type: 'bind', source: home, target: home });
    svc.user = '0:0';
    svc.gpu = gpuOf(ctx.options.gpu);
    if (webs[0] && !ctx.options.serverUrl) svc.dependsOn[webs[0]] = 'ready';
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
