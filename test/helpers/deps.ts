/** Operation dependencies for tests: a private home, an in-memory engine, a recording runner, events collected. */
import { makeDeps, type OpsDeps, type OpsEvent } from '../../src/ops/deps.js';
import { RecordingRunner, type Runner } from '../../src/engine/runner.js';
import type { Engine } from '../../src/engine/docker-api.js';
import { MemoryEngine } from './engine.js';

export interface TestDeps extends OpsDeps {
  events: OpsEvent[];
}

export function testDeps(home: string, o: { runner?: Runner; engine?: Engine; env?: Record<string, string> } = {}): TestDeps {
  const events: OpsEvent[] = [];
  const engine = o.engine ?? new MemoryEngine();
  const deps = makeDeps({ home, env: o.env ?? {}, runner: o.runner ?? new RecordingRunner(), engine: () => engine, onEvent: (e) => events.push(e) });
  return Object.assign(deps, { events });
}
