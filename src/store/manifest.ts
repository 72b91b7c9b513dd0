/**
 * Reading `.berth.json`: validated against its schema, older formats migrated,
 * anything else reported as damaged with the file and the fix. What is read
 * from disk is never trusted to have the shape berth wrote.
 */
import * as v from 'valibot';
import { BerthError } from '../errors.js';
import { MANIFEST_FORMAT, type Manifest } from '../model/manifest.js';

const names = v.array(v.string());
const condition = v.picklist(['service_healthy', 'service_started', 'service_completed_successfully']);

const ServiceSchema = v.object({
  name: v.string(),
  component: v.string(),
  role: v.picklist(['service', 'job']),
  image: v.string(),
  profiles: names,
  replicas: v.pipe(v.number(), v.integer(), v.minValue(0)),
  ports: v.array(v.object({ host: v.number(), container: v.number(), bind: v.string() })),
  healthcheck: v.boolean(),
  build: v.boolean(),
  dependsOn: v.record(v.string(), condition),
  volumes: v.optional(names),
  of: v.optional(v.string()),
  exporterOf: v.optional(v.string()),
});

const SourceSchema = v.variant('provider', [
  v.object({ provider: v.literal('op'), ref: v.string() }),
  v.object({ provider: v.literal('pass'), path: v.string() }),
  v.object({ provider: v.literal('vault'), path: v.string(), field: v.string() }),
  v.object({ provider: v.literal('env'), name: v.string() }),
  v.object({ provider: v.literal('file'), path: v.string() }),
  v.object({ provider: v.literal('cmd'), argv: v.array(v.string()) }),
]);

/** Format 0: what berth wrote before manifests were versioned (no format, volumesEver, secrets). */
const Format0 = v.object({
  stack: v.string(),
  berthVersion: v.string(),
  description: v.optional(v.string()),
  profiles: names,
  knownProfiles: names,
  services: v.array(ServiceSchema),
  volumes: names,
  secretsFromEnv: v.optional(names),
});

const Format1 = v.object({
  ...Format0.entries,
  format: v.literal(MANIFEST_FORMAT),
  volumesEver: names,
  secrets: names,
  initOnlySecrets: v.array(v.object({ name: v.string(), service: v.string(), volumes: names })),
  specDir: v.optional(v.string()),
  network: v.optional(v.object({ name: v.string(), external: v.boolean() })),
  secretSources: v.optional(v.record(v.string(), SourceSchema)),
  urlSecrets: v.optional(v.record(v.string(), names)),
  nodes: v.optional(v.array(v.object({ name: v.string(), host: v.string(), address: v.string(), project: v.string(), target: v.optional(v.literal('swarm')) }))),
});

function migrate0(m: v.InferOutput<typeof Format0>): Manifest {
  return { ...m, format: MANIFEST_FORMAT, volumesEver: [...m.volumes], secrets: [], initOnlySecrets: [] };
}

function problem(issues: v.BaseIssue<unknown>[]): string {
  const first = issues[0]!;
  const at = (first.path ?? []).map((p) => String(p.key)).join('.');
  return `${at ? `${at}: ` : ''}${first.message}`;
}

/** The manifest in `text`, read from `file` of stack `name`; a damaged or unknown one is an error naming both and the fix. */
export function parseManifest(text: string, file: string, name: string): Manifest {
  const damaged = (why: string) =>
    new BerthError(`${file}: damaged (${why}); rewrite it from the stored stack.yaml with berth generate ${name}`, { code: 'damaged', path: file });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw damaged((e as Error).message);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw damaged(`expected an object, got ${data === null ? 'null' : Array.isArray(data) ? 'a list' : typeof data}`);
  const format = (data as { format?: unknown }).format;
  if (format === undefined) {
    const r = v.safeParse(Format0, data);
    if (!r.success) throw damaged(problem(r.issues));
    return check(migrate0(r.output), name, damaged);
  }
  if (typeof format === 'number' && format > MANIFEST_FORMAT) {
    throw new BerthError(`${file}: written by a newer berth (format ${format}; this berth reads up to ${MANIFEST_FORMAT}); upgrade berth`, { code: 'damaged', path: file });
  }
  const r = v.safeParse(Format1, data);
  if (!r.success) throw damaged(problem(r.issues));
  return check(r.output as Manifest, name, damaged);
}

/** What the schema cannot say: the manifest is this stack's, and dependencies name its services. */
function check(m: Manifest, name: string, damaged: (why: string) => BerthError): Manifest {
  if (m.stack !== name) throw damaged(`it is stack ${JSON.stringify(m.stack)}'s, not ${name}'s`);
  const known = new Set(m.services.map((s) => s.name));
  for (const s of m.services) {
    const dep = Object.keys(s.dependsOn).find((d) => !known.has(d));
    if (dep) throw damaged(`services.${s.name} depends on ${dep}, which it does not list`);
  }
  return m;
}
