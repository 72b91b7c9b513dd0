import type { ComponentDef } from './types.js';
import { baseService, configMount, volume } from './_base.js';
import { FAST, httpGet } from './_health.js';
import { goMemLimit } from './_memory.js';

export const grafana: ComponentDef<Record<string, never>> = {
  name: 'grafana',
  summary: 'Grafana with provisioned datasources (Prometheus, VictoriaMetrics, InfluxDB, Jaeger) and a dashboard for the stack',
  category: 'observability',
  image: 'grafana/grafana:11.4.0',
  port: 3000,
  memory: '192m',
  storage: '1g',
  options: {},
  secrets: [{ key: 'adminPassword', suffix: 'ADMIN_PASSWORD', kind: 'password', doc: 'password of the admin user', initOnly: true }],
  build(ctx) {
    const dir = ctx.service;
    const svc = baseService(ctx, grafana, {
      environment: {
        GF_SECURITY_ADMIN_USER: 'admin',
        GF_SECURITY_ADMIN_PASSWORD: ctx.secret('adminPassword'),
        GF_USERS_ALLOW_SIGN_UP: 'false',
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
        GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
        GF_PATHS_PROVISIONING: '/etc/grafana/provisioning',
        GOMEMLIMIT: goMemLimit(ctx.memoryMiB),
      },
      mounts: [
        volume(`${ctx.service}-data`, '/var/lib/grafana'),
        configMount(`${dir}/provisioning`, '/etc/grafana/provisioning'),
        configMount(`${dir}/dashboards`, '/etc/grafana/dashboards'),
      ],
      // curl, not wget --spider: the image's working dir is not writable (grafana#60915).
      probe: httpGet(3000, '/api/health', FAST, 'curl'),
      metrics: { port: 3000, path: '/metrics' },
      config: { kind: 'grafana', dir },
    });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
