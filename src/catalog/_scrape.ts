/** Scrape targets outside the stack (workers on other hosts), for Prometheus and VictoriaMetrics. */
import * as v from 'valibot';
import { dict } from '../spec/dict.js';
import { httpPath, opt } from '../spec/fields.js';

import type { ExtraScrape } from '../model/config.js';

const hostPort = v.pipe(
  v.string('must be host:port'),
  v.regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:([1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5])$/, 'is not host:port (port 1-65535), like workers-b.lan:5003'),
);

const jobName = v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'is not a job name (letters, digits, - and _)'));

const scrape = v.union(
  [v.array(hostPort), v.strictObject({ targets: v.array(hostPort), path: v.optional(httpPath), scheme: v.optional(v.picklist(['http', 'https'])) })],
  'must be a list of host:port, or {targets, path, scheme}',
);

export const targetsOption = opt(
  dict(jobName, scrape),
  'map',
  'more scrape jobs outside the stack: job name -> [host:port, ...] or {targets, path, scheme}',
);

/** The option as given, in one shape. */
export function extraScrapes(given: unknown): Record<string, ExtraScrape> {
  const out: Record<string, ExtraScrape> = Object.create(null);
  for (const [job, s] of Object.entries((given ?? {}) as Record<string, string[] | ExtraScrape>)) out[job] = Array.isArray(s) ? { targets: s } : s;
  return out;
}
