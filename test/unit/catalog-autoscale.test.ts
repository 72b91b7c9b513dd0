/** autoscale: on apps and workers; Compose runs min replicas and says so, the model keeps the bounds and targets. */
import { describe, expect, it } from 'vitest';
import { errorOf, resolveYaml, svc } from './_resolve.js';
import { renderBundle } from '../../src/render/compose/bundle.js';

const app = (extra: string) => `services:\n  api:\n    component: app\n    image: x/api:1.0\n${extra}`;

describe('autoscale', () => {
  it('runs min replicas and keeps the bounds and the CPU target', () => {
    const s = svc(resolveYaml(app('    autoscale: { min: 2, max: 10, cpu: 70 }\n')), 'api');
    expect(s.replicas).toBe(2);
    expect(s.autoscale).toEqual({ min: 2, max: 10, cpuPercent: 70 });
  });

  it('scales on CPU at 80% when no target is given, and on memory alone when only memory is', () => {
    expect(svc(resolveYaml(app('    autoscale: { min: 1, max: 3 }\n')), 'api').autoscale).toEqual({ min: 1, max: 3, cpuPercent: 80 });
    expect(svc(resolveYaml(app('    autoscale: { min: 1, max: 3, memory: 75 }\n')), 'api').autoscale).toEqual({ min: 1, max: 3, memoryPercent: 75 });
  });

  it('works on workers too', () => {
    const s = svc(resolveYaml('services:\n  w:\n    component: worker\n    image: x/w:1\n    autoscale: { min: 1, max: 4 }\n'), 'w');
    expect([s.replicas, s.autoscale?.max]).toEqual([1, 4]);
  });

  it('refuses max below min, replicas beside it, instances, scale and a shared host port', () => {
    expect(errorOf(() => resolveYaml(app('    autoscale: { min: 3, max: 2 }\n'))).message).toMatch(/^services\.api\.autoscale\.max must be at least min/);
    expect(errorOf(() => resolveYaml(app('    replicas: 2\n    autoscale: { min: 1, max: 2 }\n'))).message).toMatch(/^services\.api: use either replicas or autoscale/);
    expect(errorOf(() => resolveYaml(app('    autoscale: { min: 1, max: 2 }\n    instances: { a: {} }\n'))).message).toMatch(/^services\.api\.autoscale: each instance/);
    expect(errorOf(() => resolveYaml('services:\n  w:\n    component: worker\n    image: x/w:1\n    scale: 2\n    autoscale: { min: 1, max: 4 }\n')).message).toMatch(/^services\.w\.autoscale: scaled instances/);
    expect(errorOf(() => resolveYaml(app('    port: 8000\n    autoscale: { min: 2, max: 4 }\n'))).message).toMatch(/^services\.api\.autoscale: 2 replicas cannot share host port 8000/);
  });

  it('is an option jobs do not have', () => {
    const e = errorOf(() => resolveYaml('services:\n  j:\n    component: job\n    image: x/j:1\n    autoscale: { min: 1, max: 2 }\n'));
    expect(e.message).toMatch(/services\.j\.autoscale: unknown key/);
  });

  it('makes the Compose target warn that scaling by load is Kubernetes-only', () => {
    const stack = resolveYaml(app('    autoscale: { min: 2, max: 10 }\n'));
    expect(renderBundle(stack, '').warnings).toEqual([
      'services.api.autoscale: Compose runs 2 replica(s); scaling up to 10 by load is Kubernetes-only (berth export test --to kubernetes)',
    ]);
  });
});
