import type { ComponentDef } from './types.js';
import { UsageError } from '../errors.js';
import { name, names, opt } from '../spec/fields.js';
import { WORKLOAD_OPTIONS, workloadSecrets, type WorkloadOptions } from './_workload.js';
import { derivedService } from './_derived.js';

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
    if (ctx.options.port !== undefined) throw new UsageError(`services.${ctx.service}.port: a job runs once and serves nothing, so it publishes no port; drop port`);
    const { svc, named } = derivedService(ctx, job, { role: 'job', restart: 'never', ports: [] });
    return { services: [svc], volumes: named };
  },
};
