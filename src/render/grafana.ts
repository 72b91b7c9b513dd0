/** Grafana provisioning: datasources for what the stack has, a dashboard provider, and one overview dashboard. */
import type { ConfigFile } from '../model/files.js';
import type { ResolvedStack } from '../model/stack.js';
import { toYaml } from '../util/yaml.js';

interface Datasource {
  name: string;
  uid: string;
  type: string;
  access: 'proxy';
  url: string;
  isDefault: boolean;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

function datasources(stack: ResolvedStack): Datasource[] {
  const out: Datasource[] = [];
  const of = (c: string) => stack.services.filter((s) => s.component === c);
  for (const s of of('prometheus')) out.push({ name: `Prometheus (${s.name})`, uid: s.name, type: 'prometheus', access: 'proxy', url: `http://${s.name}:9090`, isDefault: false });
  for (const s of of('victoria-metrics')) out.push({ name: `VictoriaMetrics (${s.name})`, uid: s.name, type: 'prometheus', access: 'proxy', url: `http://${s.name}:8428`, isDefault: false });
  for (const s of of('influxdb')) {
    const token = stack.secretNames[s.name]?.token;
    out.push({
      name: `InfluxDB (${s.name})`,
      uid: s.name,
      type: 'influxdb',
      access: 'proxy',
      url: `http://${s.name}:8086`,
      isDefault: false,
      jsonData: { version: 'Flux', organization: s.environment.DOCKER_INFLUXDB_INIT_ORG, defaultBucket: s.environment.DOCKER_INFLUXDB_INIT_BUCKET },
      // Grafana expands $NAME from its own environment: the token stays in .env.
      secureJsonData: { token: `$${token}` },
    });
  }
  for (const s of of('jaeger')) out.push({ name: `Jaeger (${s.name})`, uid: s.name, type: 'jaeger', access: 'proxy', url: `http://${s.name}:16686`, isDefault: false });
  if (out[0]) out[0].isDefault = true;
  return out;
}

/** Queries per measured component, for the overview dashboard. */
const PANELS: Record<string, { title: string; expr: string; unit: string }[]> = {
  postgres: [
    { title: 'PostgreSQL connections', expr: 'sum by (service) (pg_stat_database_numbackends)', unit: 'short' },
    { title: 'PostgreSQL transactions/s', expr: 'sum by (service) (rate(pg_stat_database_xact_commit[5m]))', unit: 'ops' },
  ],
  redis: [
    { title: 'Redis memory', expr: 'redis_memory_used_bytes', unit: 'bytes' },
    { title: 'Redis commands/s', expr: 'rate(redis_commands_processed_total[5m])', unit: 'ops' },
  ],
  mongodb: [{ title: 'MongoDB connections', expr: 'mongodb_ss_connections{conn_type="current"}', unit: 'short' }],
  kafka: [{ title: 'Kafka consumer lag', expr: 'sum by (consumergroup) (kafka_consumergroup_lag)', unit: 'short' }],
  clickhouse: [{ title: 'ClickHouse queries', expr: 'ClickHouseMetrics_Query', unit: 'short' }],
  nginx: [{ title: 'nginx requests/s', expr: 'rate(nginx_http_requests_total[5m])', unit: 'reqps' }],
};

function dashboard(stack: ResolvedStack, promUid: string | undefined): Record<string, unknown> {
  const ds = promUid ? { type: 'prometheus', uid: promUid } : undefined;
  const byName = new Map(stack.services.map((s) => [s.name, s]));
  const measured = new Set(
    stack.services.filter((s) => s.metrics).map((s) => byName.get(s.origin.exporterOf ?? '')?.component ?? s.component),
  );
  const specs = [
    { title: 'Targets up', expr: 'up', unit: 'short', legend: '{{job}}' },
    { title: 'Resident memory', expr: 'process_resident_memory_bytes', unit: 'bytes', legend: '{{job}}' },
    ...Object.entries(PANELS).filter(([c]) => measured.has(c)).flatMap(([, p]) => p.map((x) => ({ ...x, legend: '' }))),
  ];
  const panels = ds
    ? specs.map((p, i) => ({
        id: i + 1,
        type: 'timeseries',
        title: p.title,
        datasource: ds,
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        targets: [{ refId: 'A', datasource: ds, expr: p.expr, legendFormat: p.legend }],
      }))
    : [
        {
          id: 1,
          type: 'text',
          title: `Stack ${stack.name}`,
          gridPos: { h: 8, w: 24, x: 0, y: 0 },
          options: { mode: 'markdown', content: `Services: ${stack.services.map((s) => s.name).join(', ')}.\n\nAdd prometheus or victoria-metrics to the stack for metrics panels.` },
        },
      ];
  return {
    uid: `berth-${stack.name}`.slice(0, 40),
    title: `${stack.name} overview`,
    tags: ['berth', stack.name],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    panels,
  };
}

export function renderGrafana(stack: ResolvedStack): ConfigFile[] {
  const sources = datasources(stack);
  const prom = sources.find((d) => d.type === 'prometheus');
  return stack.services.flatMap((g) => {
    if (g.config?.kind !== 'grafana') return [];
    const { dir } = g.config;
    const consumers = [g.name];
    return [
      { path: `${dir}/provisioning/datasources/berth.yaml`, content: toYaml({ apiVersion: 1, datasources: sources }), consumers },
      {
        path: `${dir}/provisioning/dashboards/berth.yaml`,
        content: toYaml({
          apiVersion: 1,
          providers: [{ name: 'berth', folder: stack.name, type: 'file', disableDeletion: false, allowUiUpdates: true, options: { path: '/etc/grafana/dashboards' } }],
        }),
        consumers,
      },
      { path: `${dir}/dashboards/${stack.name}-overview.json`, content: JSON.stringify(dashboard(stack, prom?.uid), null, 2) + '\n', consumers },
    ];
  });
}
