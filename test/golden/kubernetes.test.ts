/**
 * The Kubernetes golden tier: every example stack exported in kustomize form
 * is compared with test/golden-kubernetes/<example>/, every object passes
 * the Kubernetes schemas and has no field its type lacks, and `kubectl
 * kustomize` builds the stack's own profiles and every overlay (whose
 * output is checked the same way). The plain form is checked alike.
 *
 *   UPDATE_GOLDEN=1 npx vitest run --project unit test/golden   rewrites the goldens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, UPDATE, compareGolden, listExamples, removeGolden, staleGoldens, writeGolden } from './_golden.js';
import { exportExample, manifestObjects, objectsOf, type Exported } from '../kubernetes/_export.js';
import { objectProblems } from '../kubernetes/_schemas.js';
import { needKubeTool } from '../helpers/kube-tools.js';
import { run } from './_tools.js';
import { runsUnder } from '../../src/resolve/profiles.js';

const ROOT = path.join(REPO_ROOT, 'test', 'golden-kubernetes');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const examples = listExamples();

describe('kubernetes golden folders', () => {
  it('has an example for every golden folder', () => {
    fs.mkdirSync(ROOT, { recursive: true });
    const stale = staleGoldens(examples, ROOT);
    if (UPDATE) stale.forEach((n) => removeGolden(n, ROOT));
    else expect(stale).toEqual([]);
  });
});

/** Every folder kubectl can build: the top (the stack's profiles), the base, and each profile's overlay. */
const entryPoints = (e: Exported) => ['.', 'base', ...e.files.filter((f) => /^overlays\/[^/]+\/kustomization\.yaml$/.test(f.path)).map((f) => path.dirname(f.path))];

describe.each(examples)('example %s on Kubernetes', (name) => {
  let e: Exported;

  beforeAll(async () => {
    e = await exportExample(name, temps);
    if (UPDATE) writeGolden(name, e.files, ROOT);
  });

  it('exports every file as in its golden copy', () => {
    const problems = compareGolden(name, e.files, ROOT);
    if (problems.length) throw new Error(`${problems.length} file(s) differ from test/golden-kubernetes/${name}:\n\n${problems.join('\n\n')}\n`);
  });

  it('writes objects that pass the Kubernetes schemas and have no unknown field', () => {
    const objects = manifestObjects(e.files);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(objectProblems)).toEqual([]);
  });

  it('builds with kubectl kustomize at the top, the base and every overlay, into valid objects', async (ctx) => {
    const kubectl = needKubeTool('kubectl', ctx.skip);
    for (const dir of entryPoints(e)) {
      const r = await run(kubectl, ['kustomize', path.join(e.dir, dir)]);
      expect(r.code, `kubectl kustomize ${dir}:\n${r.stderr}`).toBe(0);
      expect(objectsOf(r.stdout).flatMap(objectProblems), `kubectl kustomize ${dir}`).toEqual([]);
    }
  });

  it('exports a Helm chart that helm lint accepts and helm template renders, under each profile, into the services Compose runs there', async (ctx) => {
    const helm = needKubeTool('helm', ctx.skip);
    const chart = await exportExample(name, temps, { format: 'helm' });
    const values = chart.files.some((f) => f.path === 'secrets.values.yaml') ? ['-f', path.join(chart.dir, 'secrets.values.yaml')] : [];
    const lint = await run(helm, ['lint', chart.dir, ...values]);
    expect(lint.code, `helm lint:\n${lint.stdout}${lint.stderr}`).toBe(0);
    for (const active of [chart.stack.profiles, ...chart.stack.knownProfiles.map((p) => [p])]) {
      const set = chart.stack.knownProfiles.flatMap((p) => ['--set', `profiles.${p}=${active.includes(p)}`]);
      const r = await run(helm, ['template', 't', chart.dir, ...values, ...set]);
      expect(r.code, `helm template (${active.join(',')}):\n${r.stderr}`).toBe(0);
      const objects = objectsOf(r.stdout);
      expect(objects.flatMap(objectProblems)).toEqual([]);
      const running = objects.filter((o) => ['Deployment', 'StatefulSet', 'Job', 'Ingress'].includes(o.kind)).map((o) => o.metadata!.name!).sort();
      const exported = new Set(chart.files.filter((f) => f.path.startsWith('templates/services/')).map((f) => path.basename(f.path, '.yaml')));
      expect(running, `profiles ${active.join(',')}`).toEqual(chart.stack.services.filter((s) => exported.has(s.name) && runsUnder(s.profiles, active)).map((s) => s.name).sort());
    }
    for (const [key, value] of Object.entries(chart.stack.secrets)) {
      for (const f of chart.files.filter((x) => x.path !== 'secrets.values.yaml')) expect(f.content.includes(value), `${f.path} holds ${key}`).toBe(false);
    }
    expect(chart.files.find((f) => f.path === '.helmignore')?.content).toMatch(/^secrets\.values\.yaml$/m);
    const secrets = chart.files.find((f) => f.path === 'secrets.values.yaml');
    if (secrets) expect(secrets.mode).toBe(0o600);
  });

  it('exports plain manifests that pass the same checks', async () => {
    const plain = await exportExample(name, temps, { format: 'plain' });
    expect(plain.files.map((f) => f.path).sort()).toEqual(['.berth-export.json', '.gitignore', 'manifests.yaml', ...(plain.files.some((f) => f.path === 'secrets.env') ? ['secrets.env'] : [])]);
    expect(manifestObjects(plain.files).flatMap(objectProblems)).toEqual([]);
  });
});
