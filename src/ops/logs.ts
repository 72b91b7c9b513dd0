/**
 * `berth logs --json`: every line of a stack's containers as one JSON record,
 * read from the Engine API (found by Compose labels), with the engine's own
 * timestamp, so tools can filter by service, stream or time.
 */
import { LABEL_NUMBER, LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE, type ContainerSummary } from '../engine/docker-api.js';
import { timeKey, type LogLine } from '../engine/log-stream.js';
import type { Session } from './session.js';

export interface LogRecord {
  service: string;
  replica: number;
  container: string;
  stream: LogLine['stream'];
  time: string;
  line: string;
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
 * containers are merged in time order; with it, they are written as they
 * come until every container stops or the signal aborts. Returns how many
 * containers were read.
 */
export async function streamStackLogs(s: Session, o: LogsOptions, write: (r: LogRecord) => void): Promise<number> {
  const containers = await logContainers(s, o.services);
  const engine = s.engine();
  const held: { key: string; seq: number; r: LogRecord }[] = [];
  let seq = 0;
  await Promise.all(
    containers.map((c) => {
      const base = { service: c.Labels[LABEL_SERVICE]!, replica: Number(c.Labels[LABEL_NUMBER] ?? 1), container: (c.Names[0] ?? c.Id).replace(/^\//, '') };
      return engine.streamLogs(
        c.Id,
        { follow: o.follow, tail: o.tail },
        (l) => {
          const r = { ...base, stream: l.stream, time: l.time, line: l.text };
          if (o.follow) write(r);
          else held.push({ key: timeKey(l.time), seq: seq++, r });
        },
        o.signal,
      );
    }),
  );
  held.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq));
  for (const h of held) write(h.r);
  return containers.length;
}
