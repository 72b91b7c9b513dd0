import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.js';
import { UsageError } from '../../errors.js';
import { parseSpecText, validateSpec } from '../../resolve/spec.js';
import { hasComponentFlags, parseImageFlags, secretsFromFlags, specFromFlags, type ComponentFlags, type SecretFlags } from '../../spec/flags.js';
import { stackDir, validateStackName } from '../../store/home.js';
import { SPEC_FILE } from '../../render/files.js';
import { validateImageMap } from '../../store/images.js';
import { mustParseSize } from '../../util/size.js';
import { COMPONENTS } from '../../catalog/index.js';
import { readLimited } from '../../util/read-limited.js';
import { toYaml } from '../../util/yaml.js';
import { generateStack } from '../../ops/generate.js';
import { printJson, table, warn } from '../output.js';
import { COMPOSE_FILE } from '../../render/files.js';
import { hostAddress } from '../../util/names.js';
import { composeText } from '../../render/compose/text.js';

type Opts = ComponentFlags &
  SecretFlags & { file?: string; json?: boolean; profile?: string[]; memoryBudget?: string; image?: string[]; rotateSecrets?: boolean; allowSecretChange?: boolean; dryRun?: boolean };

const FLAG_ONLY: [keyof Opts, string][] = [
  ['port', '--port'],
  ['agentPort', '--agent-port'],
  ['postgresPort', '--postgres-port'],
  ['grafanaPort', '--grafana-port'],
  ['prometheusPort', '--prometheus-port'],
  ['influxdbPort', '--influxdb-port'],
  ['serverUrl', '--server-url'],
  ['gpus', '--gpus'],
];

/** A stack.yaml is a few KiB; more than this is the wrong file (or an endless one, like /dev/zero). */
const MAX_SPEC_BYTES = 1024 * 1024;

function readSpecFile(file: string, given: string): string {
  let text: string | undefined;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new UsageError(`-f ${given}: is a directory; give the stack file in it, like -f ${path.join(given, 'stack.yaml')}`);
    // Pipes and character devices (-f /dev/stdin, -f <(...)) are read too, within the limit.
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) throw new UsageError(`-f ${given}: is not a file; give a stack.yaml`);
    text = readLimited(file, MAX_SPEC_BYTES);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`-f ${given}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
  }
  if (text === undefined) throw new UsageError(`-f ${given}: is larger than 1 MiB, the most berth reads for a stack file; check it is the right file`);
  return text;
}

/** The spec of `generate NAME` with neither -f nor component flags: the stack's stored stack.yaml, when it has one. */
function storedSpec(ctx: Context, name: string, opts: Opts) {
  const file = path.join(stackDir(ctx.home, name), SPEC_FILE);
  if (!fs.existsSync(file)) return undefined;
  const given = FLAG_ONLY.find(([k]) => opts[k] !== undefined);
  if (given) throw new UsageError(`${given[1]} only applies with component flags; set it in ${file} and run berth generate ${name}`);
  const text = readSpecFile(file, file);
  // Relative paths resolve where the stack was first generated from (ops/spec-dir.ts).
  return { spec: parseSpecText(text, file), specText: text, specDir: path.dirname(file) };
}

function loadSpec(ctx: Context, name: string, opts: Opts) {
  if (!opts.file && !hasComponentFlags(opts)) {
    const stored = storedSpec(ctx, name, opts);
    if (stored) return stored;
  }
  if (opts.file) {
    if (hasComponentFlags(opts)) throw new UsageError('use either -f stack.yaml or component flags (--web, --postgres, ...), not both');
    const given = FLAG_ONLY.find(([k]) => opts[k] !== undefined);
    if (given) throw new UsageError(`${given[1]} only applies with component flags; set it in ${opts.file} instead`);
    const file = path.resolve(ctx.io.cwd, opts.file);
    const text = readSpecFile(file, opts.file);
    return { spec: parseSpecText(text, opts.file), specText: text, specDir: path.dirname(file) };
  }
  const data = specFromFlags(opts, COMPONENTS.map((c) => c.name));
  const specText = `# Stack spec built from berth generate flags. Edit it here and run: berth generate <name>\n${toYaml(data, { sort: false })}`;
  return { spec: validateSpec(data), specText, specDir: ctx.io.cwd };
}

export async function run(ctx: Context, [name]: unknown[], opts: Opts): Promise<number> {
  const io = ctx.io;
  validateStackName(String(name));
  const { spec, specText, specDir } = loadSpec(ctx, String(name), opts);
  const cliImages = validateImageMap(parseImageFlags(opts.image), '--image');
  const result = await generateStack({
    home: ctx.home,
    name: String(name),
    spec,
    specText,
    specDir,
    givenSecrets: secretsFromFlags(opts),
    rotateSecrets: !!opts.rotateSecrets,
    allowSecretChange: !!opts.allowSecretChange,
    profiles: opts.profile?.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean),
    memoryBudget: opts.memoryBudget !== undefined ? mustParseSize(opts.memoryBudget, '--memory-budget') : undefined,
    cliImages,
    dryRun: !!opts.dryRun,
    engine: ctx.engine,
    onWait: (holder) => warn(io, `waiting for ${holder} to finish with stack ${String(name)}`),
  });
  const { stack } = result;
  if (opts.json) {
    printJson(io, {
      stack: stack.name,
      dir: result.dir,
      created: result.created,
      written: !opts.dryRun,
      profiles: stack.profiles,
      services: stack.services.map((s) => ({ name: s.name, component: s.component, image: composeText(s.image), ports: s.ports, profiles: s.profiles, replicas: s.replicas })),
      files: result.files,
      generatedSecrets: stack.generatedSecrets,
      warnings: stack.warnings,
    });
  } else {
    for (const w of stack.warnings) warn(io, w);
    if (opts.dryRun) {
      io.out(result.bundle.files.find((f) => f.path === COMPOSE_FILE)!.content);
      return 0;
    }
    io.out(`${result.created ? 'Generated' : 'Regenerated'} stack ${stack.name} in ${result.dir}\n\n`);
    io.out(
      table(
        ['SERVICE', 'COMPONENT', 'IMAGE', 'PORTS', 'PROFILES'],
        stack.services.map((s) => [
          s.name + (s.replicas > 1 ? ` x${s.replicas}` : ''),
          s.component,
          composeText(s.image) || '(build)',
          s.ports.map((p) => `${p.bind === '0.0.0.0' ? '' : `${hostAddress(p.bind)}:`}${p.host}->${p.container}`).join(', ') || '-',
          s.profiles.join(',') || '-',
        ]),
      ),
    );
    const secrets = stack.generatedSecrets.length ? `; generated ${stack.generatedSecrets.length} secret(s) into .env (mode 0600)` : '';
    io.out(`\n${stack.services.length} services, ${stack.volumes.length} volumes${secrets}.\nNext: berth up ${stack.name}\n`);
  }
  return 0;
}
