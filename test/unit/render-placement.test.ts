/** placement: on Swarm the service's constraints (beside a manager for one with volumes); on Kubernetes a nodeSelector; under Compose a warning. */
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { resolveYaml } from './_resolve.js';
import { renderSwarm } from '../../src/render/swarm/index.js';
import { renderKubernetes } from '../../src/render/kubernetes/index.js';
import { renderBundle } from '../../src/render/compose/bundle.js';

const STACK = `services:
  redis: {placement: ["node.labels.disk == ssd"]}
  api: {component: app, image: registry.example/api:1, port: 8000, placement: ["node.labels.gpu == true", "node.hostname != build-1"]}
`;

describe('placement', () => {
  const stack = resolveYaml(STACK);

  it('becomes Swarm constraints, after the manager constraint of a service with volumes', () => {
    const doc = parse(renderSwarm(stack, { network: 'host', imageStart: () => ({ entrypoint: [], cmd: ['app'] }) }).file) as { services: Record<string, any> };
    expect(doc.services.api.deploy.placement).toEqual({ constraints: ['node.labels.gpu == true', 'node.hostname != build-1'] });
    expect(doc.services.redis.deploy.placement).toEqual({ constraints: ['node.role == manager', 'node.labels.disk == ssd'] });
  });

  it('on Kubernetes, node labels are a nodeSelector; a constraint without that form is a warning', () => {
    const b = renderKubernetes(stack, { format: 'plain' });
    const objects = b.files.filter((f) => f.path.endsWith('.yaml')).flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS())).filter(Boolean);
    const podOf = (name: string) => objects.find((o: any) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.name === name).spec.template.spec;
    expect(podOf('api').nodeSelector).toEqual({ gpu: 'true' });
    expect(podOf('redis').nodeSelector).toEqual({ disk: 'ssd' });
    expect(b.warnings).toContain('services.api.placement: node.hostname != build-1 has no nodeSelector form on Kubernetes (only node.labels.<k> == <v> has); left out');
  });

  it('under Compose it is said once per service to be unused, and the Compose file has no trace of it', () => {
    const b = renderBundle(stack, STACK);
    const said = (svc: string) => `services.${svc}.placement: Compose runs on one machine, so it is not used there; it places the service's tasks on Docker Swarm (berth deploy --swarm) and on Kubernetes`;
    expect(b.warnings.filter((w) => w.includes('.placement:')).sort()).toEqual([said('api'), said('redis')]);
    expect(b.files.find((f) => f.path === 'docker-compose.yaml')!.content).not.toContain('placement');
  });
});
