/**
 * The golden-file tier: every example stack is generated in-process with
 * deterministic secrets and a fake certificate, every rendered file is compared
 * with test/golden/<example>/, and every rendered config is checked by the tool
 * that will read it (Compose JSON schema, docker-compose config, promtool, nginx -t).
 *
 *   UPDATE_GOLDEN=1 npx vitest run --project unit test/golden   rewrites the goldens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStack, type GenerateResult } from '../../src/ops/generate.js';
import { parseSpecText } from '../../src/resolve/spec.js';
import { stackDir } from '../../src/store/home.js';
import type { FileOut } from '../../src/model/files.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';
import { runCli } from '../helpers/cli.js';
import { EXAMPLES_ROOT, UPDATE, compareGolden, listExamples, normalize, removeGolden, staleGoldens, writeGolden } from './_golden.js';
import { checkComposeCombos, composeFiles, composeSchemaErrors, mountProblems } from './_compose.js';
import { needTool, run } from './_tools.js';
import { makeCerts, nginxTest } from './_nginx.js';

/** Secrets an example cannot generate (an external database's password). */
/** Secrets given on the command line, per example (ktrdr-workers reads its one from the environment). */
const GIVEN_SECRETS: Record<string, Record<string, string>> = {};

const temps: string[] = [];
function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

async function generateExample(name: string): Promise<GenerateResult & { home: string }> {
  const specDir = path.join(EXAMPLES_ROOT, name);
  const specText = fs.readFileSync(path.join(specDir, 'stack.yaml'), 'utf8');
  const home = tempDir('berth-golden-home-');
  const result = await generateStack(testDeps(home), {
    name,
    spec: parseSpecText(specText),
    specText,
    specDir,
    givenSecrets: GIVEN_SECRETS[name],
    random: countingSecrets(),
    makeCert: fakeCert,
    probeHost: false,
  });
  return { ...result, home };
}

/** The bundle as a stack dir of its own, so ./ paths and .env resolve as they will on a host. */
function materialize(files: FileOut[]): string {
  const dir = tempDir('berth-golden-stack-');
  for (const f of files) {
    const p = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.content, { mode: f.mode ?? 0o644 });
  }
  return dir;
}

function schemaProblems(files: FileOut[]): string[] {
  const docs = composeFiles(files);
  return [...(docs.length ? [] : ['no Compose file rendered']), ...docs.flatMap(({ path: p, doc }) => composeSchemaErrors(doc).map((e) => `${p}: ${e}`))];
}

const examples = listExamples();

describe('golden folders', () => {
  it('has an example for every golden folder', () => {
    const stale = staleGoldens(examples);
    if (UPDATE) stale.forEach((n) => removeGolden(n));
    else expect(stale, `golden folders without an example (remove them, or run with UPDATE_GOLDEN=1)`).toEqual([]);
  });
});

describe.each(examples)('example %s', (name) => {
  let gen: GenerateResult & { home: string };
  let files: FileOut[];
  let dir: string;

  beforeAll(async () => {
    gen = await generateExample(name);
    files = gen.bundle.files;
    dir = materialize(files);
    if (UPDATE) writeGolden(name, files);
  });

  it('renders every file as in its golden copy', () => {
    const problems = compareGolden(name, files);
    if (problems.length) throw new Error(`${problems.length} file(s) differ from test/golden/${name}:\n\n${problems.join('\n\n')}\n`);
  });

  it('keeps checkout and temp paths out of the goldens', () => {
    for (const f of files) {
      const text = normalize(f.content);
      expect(text.includes(gen.home), `${f.path} mentions BERTH_HOME ${gen.home}`).toBe(false);
      expect(text.includes(os.tmpdir() + path.sep + 'berth-'), `${f.path} mentions a temp path`).toBe(false);
    }
  });

  it('writes .env at mode 0600 and secret values nowhere else', () => {
    const env = files.find((f) => f.path === '.env');
    expect(env, 'no .env rendered').toBeDefined();
    expect((env!.mode ?? 0o644).toString(8)).toBe('600');
    expect((fs.statSync(path.join(gen.dir, '.env')).mode & 0o777).toString(8), '.env on disk').toBe('600');
    const leaks: string[] = [];
    for (const [key, value] of Object.entries(gen.stack.secrets)) {
      if (!value) continue;
      expect(env!.content, `.env lacks ${key}`).toContain(`${key}=`);
      for (const f of files) if (f.path !== '.env' && f.content.includes(value)) leaks.push(`${f.path} contains the value of ${key}`);
    }
    expect(leaks).toEqual([]);
  });

  it('is deterministic: a second generation is byte-identical', async () => {
    const again = await generateExample(name);
    expect(again.bundle.files.map((f) => f.path)).toEqual(files.map((f) => f.path));
    for (const [i, f] of again.bundle.files.entries()) {
      expect(f.content, `${f.path} differs between two generations`).toBe(files[i]!.content);
      expect(f.mode, `${f.path} mode differs between two generations`).toBe(files[i]!.mode);
    }
  });

  it('passes the Compose Specification JSON schema', () => {
    expect(schemaProblems(files)).toEqual([]);
  });

  it('refers only to files berth writes or that exist', () => {
    const problems = composeFiles(files).flatMap(({ path: p, doc }) => mountProblems(doc, files, EXAMPLES_ROOT).map((m) => `${p}: ${m}`));
    expect(problems).toEqual([]);
  });

  it('passes docker-compose config -q under every profile combination', async (ctx) => {
    const compose = needTool('docker-compose', ctx.skip, 'docker-compose config validation');
    expect(await checkComposeCombos(compose, dir, files, tempDir('berth-golden-compose-home-'))).toEqual([]);
  });

  it('has prometheus.yml files that pass promtool check config', async (ctx) => {
    const proms = files.filter((f) => path.basename(f.path) === 'prometheus.yml');
    if (!proms.length) return;
    const promtool = needTool('promtool', ctx.skip, 'prometheus.yml validation');
    for (const f of proms) {
      const r = await run(promtool, ['check', 'config', path.join(dir, f.path)], { cwd: dir });
      expect(r.code, `promtool check config ${f.path}:\n${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it('has nginx.conf files that pass nginx -t', async (ctx) => {
    const confs = files.filter((f) => path.basename(f.path) === 'nginx.conf');
    if (!confs.length) return;
    const nginx = needTool('nginx', ctx.skip, 'nginx.conf validation');
    const openssl = needTool('openssl', ctx.skip, 'a real certificate for nginx -t');
    const certs = tempDir('berth-golden-certs-');
    await makeCerts(openssl, certs);
    for (const f of confs) {
      const r = await nginxTest(nginx, f.content, certs);
      expect(r.code, `nginx -t on ${f.path}:\n${r.stderr}${r.stdout}\n--- as tested ---\n${r.config}`).toBe(0);
    }
  });
});

describe('seed 000 through the CLI: berth generate full --web --postgres --monitoring', () => {
  let files: FileOut[];
  let dir: string;

  beforeAll(async () => {
    const home = tempDir('berth-golden-cli-');
    const r = await runCli(['generate', 'full', '--web', '--postgres', '--monitoring'], { home, cwd: tempDir('berth-golden-cwd-') });
    expect(r.code, `berth generate failed:\n${r.stderr}${r.stdout}`).toBe(0);
    dir = stackDir(home, 'full');
    const walk = (d: string, base = ''): string[] =>
      fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name), `${base}${e.name}/`) : [`${base}${e.name}`]));
    files = walk(dir).map((p) => ({ path: p, content: fs.readFileSync(path.join(dir, p), 'utf8'), mode: fs.statSync(path.join(dir, p)).mode & 0o777 }));
  });

  it('passes the Compose Specification JSON schema', () => {
    expect(schemaProblems(files)).toEqual([]);
  });

  it('passes docker-compose config -q under every profile combination', async (ctx) => {
    const compose = needTool('docker-compose', ctx.skip, 'docker-compose config validation');
    expect(await checkComposeCombos(compose, dir, files, tempDir('berth-golden-compose-home-'))).toEqual([]);
  });
});
