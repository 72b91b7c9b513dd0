/**
 * What every operation is given instead of reaching for process state: where
 * stacks live, the environment berth runs in, the runner that starts programs,
 * the engine, a clock, an abort signal, a callback for what happens along
 * the way, and how other hosts are reached. Front ends (the CLI, a server, an agent) build one; tests pass
 * recording and in-memory stand-ins.
 */
import type { Engine } from '../engine/docker-api.js';
import type { Runner } from '../engine/runner.js';
import { detectCompose, type ComposeCli } from '../engine/compose.js';
import { fileStore, type Store } from '../store/store.js';
import { openSsh, type Remote } from '../engine/remote.js';

/** Something an operation reports while it works; the front end decides how to show it. */
export type OpsEvent =
  /** A command a dry run would run, as a shell would take it. */
  | { type: 'command'; line: string }
  /** Something the user should know that does not stop the operation. */
  | { type: 'warning'; message: string }
  /** Another command holds the stack's lock; this one waits for it. */
  | { type: 'waiting'; stack: string; holder: string }
  /** A note for the user (what a dry run would do besides commands). */
  | { type: 'note'; message: string }
  /** A step of a long operation (a deploy: copying, images, starting, rolling back). */
  | { type: 'progress'; message: string };

export interface OpsDeps {
  /** $BERTH_HOME. */
  home: string;
  /** Stacks, locks and run-time state (files under home, unless a front end keeps them elsewhere). */
  store: Store;
  /** The environment berth runs in: secretsFromEnv, DOCKER_HOST, BERTH_COMPOSE. */
  env: Readonly<Record<string, string | undefined>>;
  runner: Runner;
  /** The engine, made when first asked. */
  engine(): Engine;
  /** Which Compose this host has (asked once per deps). */
  compose(runner: Runner): Promise<ComposeCli>;
  now(): number;
  /** Aborts long waits (logs -f, waiting for health). */
  signal?: AbortSignal;
  onEvent(e: OpsEvent): void;
  /** Opens a node berth deploys to (ssh://...): its runner and engine on one connection. */
  connect(url: string, o?: ConnectOptions): Promise<Remote>;
  /**
   * Set when the runner and engine work on another host (a node of a
   * deploy): checks that look at this machine (who listens on a port) do not
   * apply there.
   */
  onHost?: string;
}

export interface ConnectOptions {
  /** Trust a node's host key seen for the first time. */
  acceptNewHostKey?: boolean;
}

export interface DepsInput {
  home: string;
  store?: Store;
  env: Readonly<Record<string, string | undefined>>;
  runner: Runner;
  engine: () => Engine;
  now?: () => number;
  signal?: AbortSignal;
  onEvent?: (e: OpsEvent) => void;
  /** How nodes are reached (default: the system ssh through `runner`, BERTH_SSH_CONFIG as its config file). */
  connect?: OpsDeps['connect'];
  onHost?: string;
}

/** Deps with one engine and one Compose detection for their whole life. */
export function makeDeps(i: DepsInput): OpsDeps {
  let engine: Engine | undefined;
  let cli: Promise<ComposeCli> | undefined;
  return {
    home: i.home,
    store: i.store ?? fileStore(i.home),
    env: i.env,
    runner: i.runner,
    engine: () => (engine ??= i.engine()),
    // A dry run's answer (none found: v2's commands) is not kept for real runs.
    compose: (runner) => (runner.dryRun ? detectCompose(runner, i.env) : (cli ??= detectCompose(runner, i.env))),
    now: i.now ?? Date.now,
    signal: i.signal,
    onEvent: i.onEvent ?? (() => undefined),
    connect: i.connect ?? ((url, o) => openSsh(url, i.runner, { config: i.env.BERTH_SSH_CONFIG || undefined, acceptNewHostKey: o?.acceptNewHostKey })),
    onHost: i.onHost,
  };
}
