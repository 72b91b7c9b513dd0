import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceView } from '../../src/engine/state.js';
import { forgetScaled, readScaled, recordScaled } from '../../src/store/runtime.js';
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
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-runtime-'));
    expect(readScaled(home, 'prod')).toEqual({});
    recordScaled(home, 'prod', { worker: 0 });
    recordScaled(home, 'prod', { api: 3 });
    expect(readScaled(home, 'prod')).toEqual({ worker: 0, api: 3 });
    forgetScaled(home, 'prod', ['worker']);
    expect(readScaled(home, 'prod')).toEqual({ api: 3 });
    forgetScaled(home, 'prod');
    expect(readScaled(home, 'prod')).toEqual({});
  });
});
