import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerView, serviceView } from '../../src/engine/state.js';
import { forgetScaled, recordScaled } from '../../src/ops/runtime-choices.js';
import { fileStore } from '../../src/store/store.js';
import type { ManifestService } from '../../src/render/manifest.js';

const worker: ManifestService = { name: 'worker', component: 'worker', role: 'service', image: 'x/y:1', profiles: [], replicas: 1, ports: [], healthcheck: true, build: false, dependsOn: {} };

describe('a service with no container', () => {
  it('is down, unless berth scale set it to 0 (stopped) or its profile is off (inactive)', () => {
    expect(serviceView(worker, [], [])).toMatchObject({ state: 'down', ready: false, problem: true });
    expect(serviceView(worker, [], [], 0)).toMatchObject({ state: 'stopped', ready: true, problem: false });
    expect(serviceView({ ...worker, profiles: ['workers'] }, [], [])).toMatchObject({ state: 'inactive', ready: true, problem: false });
  });
});

describe('run-time replicas', () => {
  it('are recorded by scale and forgotten by up (all, or the services it started)', () => {
    const store = fileStore(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-runtime-')));
    const scaled = () => store.runtime.read('prod').scale;
    expect(scaled()).toEqual({});
    recordScaled(store, 'prod', { worker: 0 });
    recordScaled(store, 'prod', { api: 3 });
    expect(scaled()).toEqual({ worker: 0, api: 3 });
    forgetScaled(store, 'prod', ['worker']);
    expect(scaled()).toEqual({ api: 3 });
    forgetScaled(store, 'prod');
    expect(scaled()).toEqual({});
  });
});

describe('a container as status shows it', () => {
  const summary = (ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[]) => ({
    Id: 'c1', Names: ['/p_db_1'], Image: 'pg', State: 'running', Status: 'Up 3 seconds (health: starting)', Labels: {}, Ports: ports, Created: 0,
  });

  it('names the address a port is bound to, unless it is every address (listed for IPv4 and IPv6 alike)', () => {
    const v = containerView(summary([
      { IP: '127.0.0.1', PrivatePort: 5432, PublicPort: 5432, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::1', PrivatePort: 6379, PublicPort: 6379, Type: 'tcp' },
      { PrivatePort: 9000, Type: 'tcp' },
    ]));
    expect(v.ports).toEqual(['127.0.0.1:5432->5432/tcp', '8080->80/tcp', '[::1]:6379->6379/tcp']);
  });

  it('is healthy once berth\'s own probe passed while Docker still says starting; never over Docker\'s unhealthy', () => {
    expect(containerView(summary([])).health).toBe('starting');
    expect(containerView(summary([]), undefined, new Set(['c1'])).health).toBe('healthy');
    expect(containerView({ ...summary([]), Status: 'Up 1 minute (unhealthy)' }, undefined, new Set(['c1'])).health).toBe('unhealthy');
  });

  it('that was created but never started is created, and a problem', () => {
    const v = serviceView(worker, [containerView({ ...summary([]), State: 'created', Status: 'Created' })], []);
    expect(v).toMatchObject({ state: 'created', ready: false, problem: true });
  });
});
