/** berth generate: a stack from component flags, a stack.yaml, or (name only) its stored stack.yaml. */
import path from 'node:path';
import type { Context } from '../context.js';
import type { CommandSpec, Flag } from '../spec.js';
import { UsageError } from '../../errors.js';
import type { ComponentFlags, SecretFlags } from '../../spec/flags.js';
import { validateStackName } from '../../store/home.js';
import { mustParseSize } from '../../util/size.js';
import { hostAddress } from '../../util/names.js';
import { COMPOSE_FILE } from '../../render/files.js';
import type { GenerateResult } from '../../ops/generate.js';
import type { SpecSource } from '../../ops/spec-source.js';
import { opsDeps } from '../deps.js';
import { printJson, table, warn } from '../output.js';

type Opts = ComponentFlags &
  SecretFlags & { file?: string; json?: boolean; profile?: string[]; memoryBudget?: string; image?: string[]; rotateSecrets?: boolean; allowSecretChange?: boolean; dryRun?: boolean };

/** Options that only mean something with component flags. */
const FLAG_ONLY: [keyof Opts, string][] = [
  ['port', '--port'], ['agentPort', '--agent-port'], ['postgresPort', '--postgres-port'], ['grafanaPort', '--grafana-port'],
  ['prometheusPort', '--prometheus-port'], ['influxdbPort', '--influxdb-port'], ['serverUrl', '--server-url'], ['gpus', '--gpus'],
];

/** The flags that say which components to put in the stack (the catalog decides which those are). */
type HasComponents = (f: ComponentFlags) => boolean;

function sourceOf(ctx: Context, name: string, opts: Opts, stored: string | undefined, hasComponentFlags: HasComponents): SpecSource {
  const flagOnly = FLAG_ONLY.find(([k]) => opts[k] !== undefined);
  if (opts.file) {
    if (hasComponentFlags(opts)) throw new UsageError('use either -f stack.yaml or component flags (--web, --postgres, ...), not both');
    if (flagOnly) throw new UsageError(`${flagOnly[1]} only applies with component flags; set it in ${opts.file} instead`);
    return { file: path.resolve(ctx.io.cwd, opts.file), given: opts.file };
  }
  if (!hasComponentFlags(opts) && stored) {
    if (flagOnly) throw new UsageError(`${flagOnly[1]} only applies with component flags; set it in ${stored} and run berth generate ${name}`);
    return { stored: true };
  }
  return { flags: opts, dir: ctx.io.cwd };
}

function print(ctx: Context, result: GenerateResult, opts: Opts): void {
  const { io } = ctx;
  const { stack } = result;
  if (opts.json) {
    printJson(io, {
      stack: stack.name,
      dir: result.dir,
      created: result.created,
      written: !opts.dryRun,
      profiles: stack.profiles,
      services: result.services,
      files: result.files,
      generatedSecrets: stack.generatedSecrets,
      warnings: stack.warnings,
    });
    return;
  }
  for (const w of stack.warnings) warn(io, w);
  if (opts.dryRun) return io.out(result.bundle.files.find((f) => f.path === COMPOSE_FILE)!.content);
  io.out(`${result.created ? 'Generated' : 'Regenerated'} stack ${stack.name} in ${result.dir}\n\n`);
  const ports = (s: (typeof result.services)[number]) => s.ports.map((p) => `${p.bind === '0.0.0.0' ? '' : `${hostAddress(p.bind)}:`}${p.host}->${p.container}`).join(', ') || '-';
  const row = (s: (typeof result.services)[number]) => [s.name + (s.replicas > 1 ? ` x${s.replicas}` : ''), s.component, s.image || '(build)', ports(s), s.profiles.join(',') || '-'];
  // A stack on nodes says where each service runs (- : this machine).
  const nodes = !!stack.nodes?.length;
  io.out(table(['SERVICE', 'COMPONENT', 'IMAGE', 'PORTS', 'PROFILES', ...(nodes ? ['NODE'] : [])], result.services.map((s) => [...row(s), ...(nodes ? [s.node ?? '-'] : [])])));
  const secrets = stack.generatedSecrets.length ? `; generated ${stack.generatedSecrets.length} secret(s) into .env (mode 0600)` : '';
  const here = result.services.some((s) => !s.node);
  const next = nodes ? [...(here ? [`berth up ${stack.name}`] : []), `berth deploy ${stack.name}`].join(', then ') : `berth up ${stack.name}`;
  io.out(`\n${stack.services.length} services, ${stack.volumes.length} volumes${secrets}.\nNext: ${next}\n`);
}

async function run(ctx: Context, [name]: unknown[], raw: Record<string, unknown>): Promise<number> {
  const opts = raw as Opts;
  validateStackName(String(name));
  const deps = opsDeps(ctx, { json: opts.json });
  // Loaded here, not at start-up: the catalog, the YAML parser and the schemas are generate's alone.
  const [{ generateStack }, { loadSpec, storedSpecFile }, flags, { validateImageMap }] = await Promise.all([
    import('../../ops/generate.js'),
    import('../../ops/spec-source.js'),
    import('../../spec/flags.js'),
    import('../../store/images.js'),
  ]);
  const loaded = loadSpec(deps, String(name), sourceOf(ctx, String(name), opts, storedSpecFile(deps, String(name)), flags.hasComponentFlags));
  const result = await generateStack(deps, {
    name: String(name),
    ...loaded,
    givenSecrets: flags.secretsFromFlags(opts),
    rotateSecrets: !!opts.rotateSecrets,
    allowSecretChange: !!opts.allowSecretChange,
    profiles: opts.profile?.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean),
    memoryBudget: opts.memoryBudget !== undefined ? mustParseSize(opts.memoryBudget, '--memory-budget') : undefined,
    cliImages: validateImageMap(flags.parseImageFlags(opts.image), '--image'),
    dryRun: !!opts.dryRun,
  });
  print(ctx, result, opts);
  return 0;
}

const FLAGS: Flag[] = [
  { flags: '-f, --file <path>', doc: 'stack.yaml to generate from' },
  { flags: '--web', doc: "berth's web dashboard and REST API" },
  { flags: '--reporting', doc: 'read-only reporting dashboard (not with --web)' },
  { flags: '--agent', doc: 'agent daemon for remote (GPU) hosts' },
  { flags: '--postgres', doc: 'PostgreSQL' },
  { flags: '--monitoring', doc: 'Prometheus + Grafana + InfluxDB' },
  { flags: '--with <components>', doc: 'more catalog components, comma-separated; name:port publishes a port', repeat: true },
  { flags: '--port <port>', doc: 'web or reporting port (default 8080)' },
  { flags: '--agent-port <port>', doc: 'agent port (default 8090)' },
  { flags: '--postgres-port <port>', doc: 'PostgreSQL port (default 5432)' },
  { flags: '--grafana-port <port>', doc: 'Grafana port (default 3000)' },
  { flags: '--prometheus-port <port>', doc: 'Prometheus port (default 9090)' },
  { flags: '--influxdb-port <port>', doc: 'InfluxDB port (default 8086)' },
  { flags: '--auth-token <token>', doc: 'REST API bearer token (default: generated)' },
  { flags: '--secret-key <key>', doc: 'web session signing key (default: generated)' },
  { flags: '--postgres-password <password>', doc: 'PostgreSQL password (default: generated)' },
  { flags: '--server-url <url>', doc: 'berth server the agent registers with' },
  { flags: '--gpus <n|all>', doc: 'GPUs reserved for the agent' },
  { flags: '--secret <NAME=value>', doc: 'set any secret of the stack (repeatable)', repeat: true },
  { flags: '--profile <name>', doc: "active Compose profile (repeatable; replaces the spec's)", repeat: true },
  { flags: '--memory-budget <size>', doc: 'fail when the services need more memory than this, e.g. 7.7g' },
  { flags: '--image <component=ref>', doc: 'image override (repeatable)', repeat: true },
  { flags: '--rotate-secrets', doc: 'replace every secret not given explicitly' },
  { flags: '--allow-secret-change', doc: 'give a database password a new value although its data was made with another' },
  { flags: '--dry-run', doc: 'validate and print the Compose file; write nothing' },
];

export const generate: CommandSpec = {
  name: 'generate',
  doc: 'write a stack: Compose file, .env with secrets, monitoring and proxy configs; with only a name, regenerate it from its stored stack.yaml',
  args: [['<name>', 'stack name']],
  flags: FLAGS,
  run,
};
