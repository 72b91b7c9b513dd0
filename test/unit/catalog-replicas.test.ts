import { describe, expect, it } from 'vitest';
import { errorOf, resolveYaml, svc } from './_resolve.js';

describe('replicas and host ports', () => {
  it('refuses an app with replicas that publishes one host port', () => {
    const e = errorOf(() => resolveYaml('services:\n  api:\n    component: app\n    image: x/api:1.0\n    port: 8000\n    replicas: 2\n'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('services.api.replicas: 2 replicas cannot share host port 8000; drop port (put nginx in front) or use instances with one port each');
  });

  it('refuses a worker with replicas that publishes one host port', () => {
    const e = errorOf(() => resolveYaml('services:\n  w:\n    component: worker\n    image: x/w:1.0\n    port: 5003\n    replicas: 3\n'));
    expect(e.message).toMatch(/^services\.w\.replicas: 3 replicas cannot share host port 5003; use scale: 3/);
  });

  it('allows replicas without a host port, and renders them as deploy.replicas', () => {
    const stack = resolveYaml('services:\n  api:\n    component: app\n    image: x/api:1.0\n    replicas: 2\n');
    expect(svc(stack, 'api').replicas).toBe(2);
    expect(svc(stack, 'api').ports).toEqual([]);
  });
});
