import type { ComponentDef } from './types.js';
import { httpUrl, opt } from '../spec/fields.js';
import { AUTH_TOKEN, BERTH_IMAGE, berthService } from './_berth.js';
import { gpuOf, gpuSchema } from './_workload.js';
import { UsageError } from '../errors.js';

interface Options {
  serverUrl?: string;
  gpu?: boolean | number | 'all';
}

export const agent: ComponentDef<Options> = {
  name: 'agent',
  summary: 'berth agent daemon for remote (GPU) hosts: registers with a berth web server and runs work on its behalf',
  category: 'berth',
  image: BERTH_IMAGE,
  port: 8090,
  memory: '512m',
  options: {
    serverUrl: opt(httpUrl, 'url', 'berth web server to register with (--server-url)', 'the web service of this stack'),
    gpu: opt(gpuSchema, 'true | n | all', 'reserve NVIDIA GPUs for the agent'),
  },
  secrets: [{ ...AUTH_TOKEN, sharedWith: (o) => (typeof o.serverUrl === 'string' ? `the berth server at ${o.serverUrl}` : undefined) }],
  build(ctx) {
    const webs = ctx.stack.byComponent('web');
    const serverUrl = ctx.options.serverUrl ?? (webs[0] ? `https://${webs[0]}:8080` : undefined);
    if (!serverUrl) {
      throw new UsageError(`services.${ctx.service}.serverUrl: the agent needs the berth server to register with; pass --server-url https://server:8080 or add web to the stack`);
    }
    const svc = berthService(ctx, agent, ['agent'], 8090, { BERTH_SERVER_URL: serverUrl, BERTH_AUTH_TOKEN: ctx.secret('authToken') });
    // The agent runs containers on this host on the server's behalf.
    svc.mounts.push({ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' });
    svc.gpu = gpuOf(ctx.options.gpu);
    if (webs[0] && !ctx.options.serverUrl) svc.dependsOn[webs[0]] = 'ready';
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
