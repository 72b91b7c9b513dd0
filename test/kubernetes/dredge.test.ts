/**
 * DREDGE as it runs on Kubernetes (examples/dredge-kubernetes), read back
 * from its manifests: the exact network edges of its wiring, the autoscaled
 * server, the GPU server on a GPU node, Redis on its own claim, TLS at the
 * ingress from cert-manager, the registry credentials on every pod; and
 * what the other examples lose is said in warnings naming the service.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportExample, manifestObjects, type Exported } from './_export.js';
import { allowedEdges, find, mainContainer, podSpec, workloadOf, WORKLOAD_KINDS, type Obj } from './_read.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('DREDGE on Kubernetes', () => {
  let e: Exported;
  let objects: Obj[];
  beforeAll(async () => {
    e = await exportExample('dredge-kubernetes', temps);
    objects = manifestObjects(e.files) as Obj[];
  });

  it('lets in exactly the edges of its wiring, scrapes and ingress routes', () => {
    expect(allowedEdges(objects)).toEqual([
      'dredge-server -> redis:6379', // REDIS_URL
      'grafana -> prometheus:9090', // its datasource
      'ingress -> dredge-server:3001', // route /
      'ingress -> quasimoto-mcp:3002', // route /mcp/
      'prometheus -> dredge-server:9090', // scrape
      'prometheus -> grafana:3000',
      'prometheus -> redis-exporter:9121',
      'quasimoto-mcp -> redis:6379',
      'redis-exporter -> redis:6379',
      'worker -> redis:6379',
    ]);
  });

  it('autoscales the server 2-10 on CPU against the CPU it asks for', () => {
    expect(find(objects, 'HorizontalPodAutoscaler', 'dredge-server')?.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'dredge-server' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(mainContainer(workloadOf(objects, 'dredge-server')!).resources).toEqual({ limits: { cpu: '1', memory: '1024Mi' }, requests: { cpu: '1', memory: '1024Mi' } });
    // Its name resolves to every replica, so Prometheus (dns_sd) scrapes each one, as under Compose.
    expect(find(objects, 'Service', 'dredge-server')?.spec.clusterIP).toBe('None');
  });

  it('puts the MCP server on a GPU node with its GPU, and no other pod there', () => {
    const mcp = podSpec(workloadOf(objects, 'quasimoto-mcp')!);
    expect(mcp.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(mcp.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(mcp.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(objects.filter((o) => WORKLOAD_KINDS.includes(o.kind) && podSpec(o).nodeSelector).map((o) => o.metadata!.name)).toEqual(['quasimoto-mcp']);
  });

  it('keeps Redis in a StatefulSet with a 5Gi claim, and its password in the Secret', () => {
    const redis = workloadOf(objects, 'redis')!;
    expect(redis.kind).toBe('StatefulSet');
    expect(redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('5Gi');
    expect(mainContainer(redis).env).toEqual([{ name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'dredge-kubernetes-secrets', key: 'REDIS_PASSWORD' } } }]);
    expect(mainContainer(redis).args).toContain('$(REDISCLI_AUTH)');
    const url = mainContainer(workloadOf(objects, 'dredge-server')!).env.find((v: any) => v.name === 'REDIS_URL');
    expect(url.value).toBe('redis://:$(REDIS_PASSWORD)@redis:6379/0');
  });

  it('serves TLS at the ingress with a certificate from the issuer, and pulls every image with the registry secret', () => {
    const ingress = find(objects, 'Ingress', 'nginx')!;
    expect((ingress.metadata as any).annotations).toMatchObject({ 'cert-manager.io/cluster-issuer': 'letsencrypt', 'nginx.ingress.kubernetes.io/limit-rps': '10' });
    expect(ingress.spec.tls).toEqual([{ hosts: ['dredge.example.com'], secretName: 'nginx-tls' }]);
    for (const w of objects.filter((o) => WORKLOAD_KINDS.includes(o.kind))) expect(podSpec(w).imagePullSecrets, w.metadata!.name).toEqual([{ name: 'ghcr-secret' }]);
  });

  it('runs the server read-only as uid 1000, with /tmp in memory', () => {
    const pod = podSpec(workloadOf(objects, 'dredge-server')!);
    expect(pod.containers[0].securityContext).toEqual({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsUser: 1000, runAsNonRoot: true });
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { medium: 'Memory' } }]);
  });
});

describe('what does not carry over is a warning naming the service', () => {
  it('ktrdr-core: the host paths of backend and nfs-server, nfs-server privileged, the secrets read from the environment', async () => {
    const { result } = await exportExample('ktrdr-core', temps);
    expect(result.warnings.filter((w) => /host path/.test(w)).map((w) => w.split(':')[0])).toEqual(['services.backend', 'services.nfs-server', 'services.nfs-server']);
    expect(result.warnings).toContainEqual(expect.stringMatching(/^services\.nfs-server\.privileged: kept as a privileged container/));
    expect(result.warnings).toContainEqual(expect.stringMatching(/^secretsFromEnv: DB_PASSWORD, JWT_SECRET are never stored by berth; create Secret ktrdr-core-env/));
  });

  it("kitt-gpu-agent: the agent's Docker socket and its gpu: all", async () => {
    const { result } = await exportExample('kitt-gpu-agent', temps);
    expect(result.warnings).toContainEqual(expect.stringMatching(/^services\.agent: mounts the Docker socket \/var\/run\/docker\.sock/));
    expect(result.warnings).toContainEqual(expect.stringMatching(/^services\.agent\.gpu: all means every GPU of the host/));
  });

  it('an autoscaled app without cpus: the CPU each replica asks for', async () => {
    const { renderKubernetes } = await import('../../src/render/kubernetes/index.js');
    const { resolveYaml } = await import('../unit/_resolve.js');
    const stack = resolveYaml('services:\n  api:\n    component: app\n    image: x/api:1\n    autoscale: { min: 1, max: 3 }\n');
    expect(renderKubernetes(stack).warnings).toContainEqual(expect.stringMatching(/^services\.api\.autoscale: scaling on CPU .* each asks for 100m/));
  });

  it('dredge: the nginx exporter, whose nginx is an Ingress', async () => {
    const { result } = await exportExample('dredge', temps);
    expect(result.warnings).toContainEqual(expect.stringMatching(/^services\.nginx-exporter: reads the status page of nginx/));
  });
});
