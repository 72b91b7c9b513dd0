/**
 * What the exported manifests mean, read back from them for every example:
 * slow datastores are not killed while they start, every dependency is
 * waited for, secrets stay in the env file, the network policies let in who
 * connects and no one else, autoscale becomes an autoscaler, and each
 * profile's overlay runs the services Compose runs under that profile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findComponent } from '../../src/catalog/index.js';
import { runsUnder } from '../../src/resolve/profiles.js';
import type { Service } from '../../src/model/service.js';
import { listExamples } from '../golden/_golden.js';
import { exportExample, manifestObjects, type Exported } from './_export.js';
import { allowedEdges, find, mainContainer, podSpec, workloadOf, type Obj } from './_read.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Services that run as pods: nginx is an Ingress there, and its exporter goes with it. */
function pods(e: Exported): Service[] {
  const proxies = new Set(e.stack.services.filter((s) => s.config?.kind === 'nginx').map((s) => s.name));
  return e.stack.services.filter((s) => !proxies.has(s.name) && !(s.origin.exporterOf && proxies.has(s.origin.exporterOf)));
}

const seconds = (probe: any) => probe.periodSeconds * probe.failureThreshold;

describe.each(listExamples())('%s exported to Kubernetes', (name) => {
  let e: Exported;
  let objects: Obj[];

  beforeAll(async () => {
    e = await exportExample(name, temps);
    objects = manifestObjects(e.files) as Obj[];
  });

  it('gives each datastore a startup probe longer than its start period, and readiness and liveness after it', () => {
    const stores = pods(e).filter((s) => findComponent(s.component)?.category === 'datastore' && s.probe);
    for (const s of stores) {
      const c = mainContainer(workloadOf(objects, s.name)!);
      expect(seconds(c.startupProbe) * 1000, `${s.name}'s startup probe`).toBeGreaterThan(s.probe!.startPeriodMs);
      expect(c.readinessProbe, s.name).toBeDefined();
      expect(c.livenessProbe, s.name).toBeDefined();
    }
  });

  it('asks HTTP probes with httpGet, not a command in the image', () => {
    for (const s of pods(e).filter((x) => x.probe && 'http' in x.probe)) {
      const c = mainContainer(workloadOf(objects, s.name)!);
      for (const p of [c.startupProbe, c.readinessProbe, c.livenessProbe]) expect(p.httpGet, s.name).toMatchObject({ port: (s.probe as any).http.port });
    }
  });

  it('gives each dependency an init container that waits for it', () => {
    const running = new Set(pods(e).map((s) => s.name));
    for (const s of pods(e)) {
      const inits = (podSpec(workloadOf(objects, s.name)!).initContainers ?? []) as any[];
      for (const [dep, condition] of Object.entries(s.dependsOn).filter(([d]) => running.has(d))) {
        const init = inits.find((i) => i.name === `wait-for-${dep}`);
        expect(init, `${s.name} waits for ${dep}`).toBeDefined();
        const script = init.command[2] as string;
        if (condition === 'completed') expect(script).toContain(`/jobs/${dep} `);
        else expect(script).toMatch(new RegExp(`^until nc -z -w 2 ${dep} \\d+; do echo "waiting for ${dep}`));
      }
    }
  });

  it('writes no secret value in any file but the env file, which is 0600 and ignored by git', () => {
    const env = e.files.find((f) => f.path === 'base/secrets.env');
    for (const [key, value] of Object.entries(e.stack.secrets)) {
      expect(env?.content, key).toContain(`${key}=${value}\n`);
      for (const f of e.files.filter((x) => x !== env)) expect(f.content.includes(value), `${f.path} holds ${key}`).toBe(false);
    }
    if (env) expect(env.mode).toBe(0o600);
    expect(e.files.find((f) => f.path === '.gitignore')?.content).toMatch(/^secrets\.env$/m);
  });

  it('lets every dependency and every scrape through the network policies', () => {
    const allowed = new Set(allowedEdges(objects));
    const running = new Map(pods(e).map((s) => [s.name, s]));
    for (const s of running.values()) {
      for (const [dep, condition] of Object.entries(s.dependsOn)) {
        const target = running.get(dep);
        if (condition !== 'completed' && target?.mainPort) expect(allowed, `${s.name} -> ${dep}`).toContain(`${s.name} -> ${dep}:${target.mainPort}`);
      }
    }
    for (const c of [...running.values()].filter((s) => s.config?.kind === 'scrape')) {
      for (const s of [...running.values()].filter((x) => x.metrics && x.name !== c.name && x.role === 'service')) expect(allowed).toContain(`${c.name} -> ${s.name}:${s.metrics!.port}`);
    }
    expect(find(objects, 'NetworkPolicy', 'default-deny-ingress')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
  });

  it('scales as autoscale and replicas say', () => {
    for (const s of pods(e).filter((x) => x.role === 'service')) {
      const w = workloadOf(objects, s.name)!;
      const hpa = find(objects, 'HorizontalPodAutoscaler', s.name);
      if (s.autoscale) {
        expect(hpa?.spec).toMatchObject({ minReplicas: s.autoscale.min, maxReplicas: s.autoscale.max, scaleTargetRef: { kind: w.kind, name: s.name } });
        const targets = Object.fromEntries(hpa!.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]));
        expect(targets).toEqual({ ...(s.autoscale.cpuPercent ? { cpu: s.autoscale.cpuPercent } : {}), ...(s.autoscale.memoryPercent ? { memory: s.autoscale.memoryPercent } : {}) });
        expect(w.spec.replicas).toBeUndefined();
      } else {
        expect(hpa).toBeUndefined();
        expect(w.spec.replicas, s.name).toBe(s.replicas);
      }
      expect(!!find(objects, 'PodDisruptionBudget', s.name), `${s.name}'s disruption budget`).toBe((s.autoscale?.min ?? s.replicas) >= 2);
    }
  });

  it("runs under each profile's overlay what Compose runs under that profile, and the stack's own profiles at the top", () => {
    const kustomization = (at: string) => parse(e.files.find((f) => f.path === path.join(at, "kustomization.yaml"))!.content).resources as string[];
    // The services of a folder: the manifests in it named after them (the stack's own files start with _).
    const servicesIn = (folder: string) => kustomization(folder).filter((r) => !r.startsWith('_')).map((r) => path.basename(r, '.yaml'));
    const folders = (at: string) => kustomization(at).map((r) => path.normalize(path.join(at, r)));
    const running = (at: string) => folders(at).flatMap(servicesIn).sort();
    const exported = (s: Service) => e.files.some((f) => f.path.endsWith(`/${s.name}.yaml`));
    const expected = (active: string[]) => e.stack.services.filter((s) => runsUnder(s.profiles, active) && exported(s)).map((s) => s.name).sort();
    for (const p of e.stack.knownProfiles) expect(running(`overlays/${p}`), `overlay ${p}`).toEqual(expected([p]));
    expect(running('.'), 'the top').toEqual(expected(e.stack.profiles));
    for (const s of e.stack.services.filter((x) => !exported(x))) expect(e.result.warnings.some((w) => w.startsWith(`services.${s.name}:`)), `${s.name} is left out with a warning`).toBe(true);
  });
});
