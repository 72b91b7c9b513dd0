/**
 * The stacks listing under load: callers at the same moment share one look,
 * a look answers for its time and, a little older, while the next is under
 * way; what the server changes (a job that ends, a generate, a removed
 * stack) drops it at once.
 */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/server/events.js';
import { OverviewCache } from '../../src/server/overview-cache.js';
import { MemoryEngine } from '../helpers/engine.js';
import { testDeps } from '../helpers/deps.js';
import { tempHome } from '../helpers/cli.js';

function counted() {
  const engine = new MemoryEngine();
  let looks = 0;
  const list = engine.listContainers.bind(engine);
  engine.listContainers = async (...a: Parameters<MemoryEngine['listContainers']>) => {
    looks++;
    return list(...a);
  };
  return { deps: testDeps(tempHome(), { engine }), looks: () => looks };
}

describe('the stacks listing cache', () => {
  it('shares one look among callers at the same moment, and keeps it for its time', async () => {
    const { deps, looks } = counted();
    let now = 0;
    const cache = new OverviewCache(deps, new EventBus(), 1000, () => now);
    const all = await Promise.all(Array.from({ length: 32 }, () => cache.get()));
    expect(looks()).toBe(1);
    expect(new Set(all).size).toBe(1);
    now = 999;
    await cache.get();
    expect(looks()).toBe(1);
    // Older: the last look answers while the next one is under way; then the next one answers.
    now = 1000;
    expect(await cache.get()).toBe(all[0]);
    await new Promise((r) => setTimeout(r, 20));
    expect(looks()).toBe(2);
    const second = await cache.get();
    expect(second).not.toBe(all[0]);
    expect(looks()).toBe(2);
    // Much older (nobody asked for a while): callers wait for a new look.
    now = 1000 + 5000;
    expect(await cache.get()).not.toBe(second);
    expect(looks()).toBe(3);
  });

  it('drops the look when a job ends or a stack is removed, and never keeps one that began before', async () => {
    const { deps, looks } = counted();
    const bus = new EventBus();
    const cache = new OverviewCache(deps, bus, 60_000, () => 0);
    await cache.get();
    const job = { id: 'j', stack: 's', action: 'up', params: {}, who: 'x', createdAt: 'now' };
    bus.emit({ type: 'job', job: { ...job, state: 'running' } });
    await cache.get();
    expect(looks()).toBe(1);
    bus.emit({ type: 'job', job: { ...job, state: 'succeeded' } });
    await cache.get();
    expect(looks()).toBe(2);
    cache.invalidate();
    const early = cache.get();
    bus.emit({ type: 'stack.removed', name: 's' });
    await early;
    expect(looks()).toBe(3);
    await cache.get();
    expect(looks()).toBe(4);
    await cache.get();
    expect(looks()).toBe(4);
  });
});
