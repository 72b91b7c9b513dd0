import type { ComponentDef } from './types.js';
import { name, names, opt } from '../spec/fields.js';
import { baseService, envStrings } from './_base.js';
import { UsageError } from '../errors.js';
import { WORKLOAD_OPTIONS, buildOf, mountsOf, secretEnv, toArgv, workloadSecrets, type WorkloadOptions } from './_workload.js';
import { localImage } from './app.js';
import { inheritFromApp } from './worker.js';

export interface JobOptions extends Omit<WorkloadOptions, 'health' | 'metrics' | 'gpu'> {
  app?: string;
  before?: string[];
}

const { health: _h, metrics: _m, containerPort: _c, ...JOB_OPTIONS } = WORKLOAD_OPTIONS;

export const job: ComponentDef<JobOptions> = {
  name: 'job',
  summary: 'One-shot task (migrate, seed, cert setup): runs to completion; the services it gates wait for it to exit 0',
  category: 'application',
  image: '',
  memory: '256m',
  consumer: true,
  secretsFor: workloadSecrets,
  options: {
    ...JOB_OPTIONS,
    app: opt(name, 'service', 'app whose image (and build, env, uses) it reuses'),
    before: opt(names, 'list', 'services that wait for it to complete successfully', 'every app, worker, web and reporting service'),
  },
  build(ctx) {
    const o = ctx.options;
    const where = `services.${ctx.service}`;
    const parent = inheritFromApp(ctx, o.app, where);
    const image = o.image ?? parent?.image;
    if (!image && !o.build) throw new UsageError(`${where}: a job needs app: <app service>, image: <ref> or build: <context>`);
    if (!o.command && !parent) throw new UsageError(`${where}.command: a job needs the command it runs`);
    const { mounts, named } = mountsOf(o.volumes ?? parent?.volumes, ctx.specDir);
    const svc = baseService(ctx, job, {
      role: 'job',
      restart: 'no',
      build: buildOf(o.build ?? parent?.build, ctx.specDir),
      command: toArgv(o.command),
      entrypoint: toArgv(o.entrypoint),
      mounts,
      privileged: o.privileged,
      capAdd: o.capAdd,
      ports: [],
    });
    svc.image = image ?? localImage(ctx.stack.name, ctx.service);
    svc.environment = { ...secretEnv(o.secrets ?? parent?.secrets), ...envStrings(parent?.env), ...svc.environment };
    return { services: [svc], volumes: named };
  },
};
