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

  it('exports plain manifests that pass the same checks', async () => {
    const plain = await exportExample(name, temps, { format: 'plain' });
    expect(plain.files.map((f) => f.path).sort()).toEqual(['.berth-export.json', '.gitignore', 'manifests.yaml', ...(plain.files.some((f) => f.path === 'secrets.env') ? ['secrets.env'] : [])]);
    expect(manifestObjects(plain.files).flatMap(objectProblems)).toEqual([]);
  });
});
