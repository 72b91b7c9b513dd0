/** berth's readiness verdict on a Swarm service, from what the manager says of it and its tasks. */
import { describe, expect, it } from 'vitest';
import { verdict } from '../../src/ops/swarm-wait.js';
import type { SwarmService, SwarmTask } from '../../src/engine/swarm.js';

const svc = (over: Partial<SwarmService> = {}): SwarmService => ({ name: 'api', replicas: 2, image: 'x/api:2', role: 'service', berths: true, ...over });
const task = (state: string, over: Partial<SwarmTask> = {}): SwarmTask => ({ service: 'api', state, desired: 'running', error: '', image: 'x/api:2', ...over });

describe('swarm readiness', () => {
  it('is ready once as many tasks of the current image run as it asks for; tasks of the old image do not count', () => {
    expect(verdict(svc(), [task('running'), task('running', { image: 'x/api:1' })], new Map())).toEqual({ done: false, why: '1/2 running and healthy' });
    expect(verdict(svc(), [task('running'), task('running')], new Map())).toEqual({ done: true });
    expect(verdict(svc(), [task('starting'), task('running')], new Map())).toMatchObject({ done: false });
  });

  it('calls an update Swarm rolled back or paused a failure, and waits while one runs', () => {
    const rolled = svc({ update: { state: 'rollback_completed', message: 'rollback completed', startedAt: 't2' } });
    expect(verdict(rolled, [task('running'), task('running')], new Map([['api', 't1']]))).toMatchObject({ done: false, failed: 'rolled-back', why: expect.stringContaining('Swarm rolled it back (rollback completed)') });
    expect(verdict(svc({ update: { state: 'paused', message: 'update paused', startedAt: 't2' } }), [], new Map())).toMatchObject({ failed: 'paused' });
    expect(verdict(svc({ update: { state: 'updating', message: '', startedAt: 't2' } }), [task('running'), task('running')], new Map())).toEqual({ done: false, why: 'update updating' });
  });

  it('ignores an update that began before this deploy (an earlier release rolled back)', () => {
    const stale = svc({ update: { state: 'rollback_completed', message: 'rollback completed', startedAt: 't1' } });
    expect(verdict(stale, [task('running'), task('running')], new Map([['api', 't1']]))).toEqual({ done: true });
  });

  it('calls tasks that keep failing a failure, and a job done once its task completed', () => {
    const failing = [1, 2, 3].map(() => task('failed', { error: 'task: non-zero exit (1)', desired: 'shutdown' }));
    expect(verdict(svc(), failing, new Map())).toMatchObject({ failed: 'failed', why: 'keeps failing: task: non-zero exit (1)' });
    const job = svc({ name: 'migrate', role: 'job', replicas: 1 });
    expect(verdict(job, [task('complete', { service: 'migrate', desired: 'shutdown' })], new Map())).toEqual({ done: true });
    expect(verdict(job, [task('failed', { service: 'migrate', error: 'exit 2' })], new Map())).toMatchObject({ failed: 'failed', why: '(a job) failed: exit 2' });
  });
});
