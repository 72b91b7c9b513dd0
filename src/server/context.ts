/** What every route of a berth server reaches: the operations' dependencies, its records, its jobs and its events. */
import type { OpsDeps } from '../ops/deps.js';
import type { RecordsDb } from '../store/records/db.js';
import type { JobStore } from '../store/records/jobs.js';
import type { SampleStore } from '../store/records/samples.js';
import type { AgentHub } from './agent-hub.js';
import type { OverviewCache } from './overview-cache.js';
import type { EventBus, StackWatcher } from './events.js';
import type { JobRunner } from './jobs.js';
import type { StackSampler } from './sampler.js';

export type ServerMode = 'web' | 'reporting';

export interface ServerContext {
  mode: ServerMode;
  readOnly: boolean;
  /** The stack this server runs in: listed and watched, never changed through it. */
  ownStack?: string;
  /** The operations' dependencies; a job gets a copy with its own event callback. */
  deps: OpsDeps;
  records: RecordsDb;
  jobStore: JobStore;
  jobs: JobRunner;
  bus: EventBus;
  watcher: StackWatcher;
  /** Stack states through time (the health timeline), and what records them. */
  samples: SampleStore;
  sampler: StackSampler;
  /** The stacks listing as GET /api/v1/stacks answers it: shared by concurrent callers, fresh for a second. */
  overview: OverviewCache;
  /** The SHA-256 fingerprint of the server's certificate, which agents pin (absent without TLS). */
  tlsFingerprint?: string;
  /** Enrolled agents, their heartbeats and their jobs. */
  agents: AgentHub;
  /** One line to the server's log (never a secret). */
  log(line: string): void;
}
