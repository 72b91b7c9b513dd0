/**
 * `berth logs --json`: every line of a stack's containers as one JSON record,
 * read from the Engine API (found by Compose labels), with the engine's own
 * timestamp, so tools can filter by service, stream or time.
 */
import { LABEL_NUMBER, LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE, type ContainerSummary } from '../engine/docker-api.js';
import { timeKey, type LogLine } from '../engine/log-stream.js';
import { composeArgs } from '../engine/compose.js';
import { allProfiles, runCompose, type Session } from './session.js';

export interface LogRecord {
  service: string;
  replica: number;
  container: string;
  stream: LogLine['stream'];
  time: string;
  line: string;
}

/** Logs as Compose prints them, on the user's terminal; its exit code. */
export function terminalLogs(s: Session, o: { services: string[]; follow: boolean; tail?: number; color: boolean }): Promise<number> {
  return runCompose(s, composeArgs.logs(o), { profiles: allProfiles(s.manifest), inherit: true, passthrough: true });
}

export interface LogsOptions {
  services: string[];
  follow: boolean;
  tail?: number;
  signal?: AbortSignal;
}

/** The stack's containers for these services (all of them when none is named), oldest replica first. */
export async function logContainers(s: Session, services: string[]): Promise<ContainerSummary[]> {
  const known = new Set(services.length ? services : s.manifest.services.map((x) => x.name));
  const all = await s.engine().listContainers([`${LABEL_PROJECT}=${s.ref.name}`]);
  return all
    .filter((c) => known.has(c.Labels[LABEL_SERVICE] ?? '') && c.Labels[LABEL_ONEOFF] !== 'True')
    .sort((a, b) => (a.Labels[LABEL_SERVICE]! < b.Labels[LABEL_SERVICE]! ? -1 : a.Labels[LABEL_SERVICE]! > b.Labels[LABEL_SERVICE]! ? 1 : Number(a.Labels[LABEL_NUMBER]) - Number(b.Labels[LABEL_NUMBER])));
}

/**
 * Writes the records of the stack's logs. Without `follow`, the lines of all
 * containers are merged in time order. With it, they are written as they come
 * until the signal aborts: a container that restarts is picked up again from
 * its last line, and new replicas as they appear (without a signal, until
 * every container stops). Returns how many containers there were at first.
 */
export async function streamStackLogs(s: Session, o: LogsOptions, write: (r: LogRecord) => void): Promise<number> {
  const containers = await logContainers(s, o.services);
  const engine = s.engine();
  const record = (c: ContainerSummary, l: LogLine): LogRecord => ({
    service: c.Labels[LABEL_SERVICE]!,
    replica: Number(c.Labels[LABEL_NUMBER] ?? 1),
    container: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    stream: l.stream,
    time: l.time,
    line: l.text,
  });
  if (!o.follow) {
    const held: { key: string; seq: number; r: LogRecord }[] = [];
    let seq = 0;
    await Promise.all(containers.map((c) => engine.streamLogs(c.Id, { tail: o.tail }, (l) => held.push({ key: timeKey(l.time), seq: seq++, r: record(c, l) }), o.signal)));
    held.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq));
    for (const h of held) write(h.r);
    return containers.length;
  }
  const streaming = new Set<string>();
  const last = new Map<string, string>();
  const tasks: Promise<void>[] = [];
  const attach = (c: ContainerSummary, tail: number | undefined) => {
    streaming.add(c.Id);
    const since = last.get(c.Id);
    // The engine's since is coarse: lines up to the last one written are skipped here.
    const seen = since && timeKey(since);
    const onLine = (l: LogLine) => {
      if (seen && timeKey(l.time) <= seen) return;
      last.set(c.Id, l.time);
      write(record(c, l));
    };
    const task = engine
      .streamLogs(c.Id, { follow: true, tail, since: since ? Math.floor(Date.parse(since) / 1000) : undefined }, onLine, o.signal)
      .catch(() => undefined)
      .finally(() => streaming.delete(c.Id));
    tasks.push(task);
  };
  for (const c of containers) attach(c, o.tail);
  const signal = o.signal;
  while (signal && !signal.aborted) {
    await new Promise((r) => setTimeout(r, 1000));
    if (signal.aborted) break;
    const now = await logContainers(s, o.services).catch(() => []);
    // Restarted containers resume after their last line; new replicas are read from their start.
    for (const c of now) if (c.State === 'running' && !streaming.has(c.Id)) attach(c, last.has(c.Id) ? undefined : o.tail);
  }
  await Promise.all(tasks);
  return containers.length;
}
