/** berth export through the CLI: the flags, the folder it writes and refuses, its messages and exit codes. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { newHome } from './_util.js';
import { objectsOf } from '../kubernetes/_export.js';

async function generated(spec = 'services:\n  api:\n    component: app\n    image: x/api:1.0\n    health: /health\n  postgres: {}\n') {
  const home = newHome();
  const file = path.join(home, 'stack.yaml');
  fs.writeFileSync(file, spec);
  const r = await runCli(['generate', 'demo', '-f', file], { home });
  expect(r.code, r.stderr).toBe(0);
  return home;
}

describe('berth export', () => {
  it('writes kustomize manifests into --out, the env file at 0600 and named in .gitignore, and says how to apply them', async () => {
    const home = await generated();
    const r = await runCli(['export', 'demo', '--to', 'kubernetes', '--out', 'k8s'], { home, cwd: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Exported stack demo to .*\/k8s \(kustomize, \d+ files\)\nNext:\n  kubectl apply -k k8s\n$/);
    const out = path.join(home, 'k8s');
    expect(fs.statSync(path.join(out, 'base', 'secrets.env')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(out, '.gitignore'), 'utf8')).toMatch(/^secrets\.env$/m);
    expect(objectsOf(fs.readFileSync(path.join(out, 'base', 'postgres.yaml'), 'utf8')).map((o) => o.kind)).toContain('StatefulSet');
    expect(fs.existsSync(path.join(home, 'stacks', 'demo', 'k8s'))).toBe(false);
  });

  it('uses the secrets of the stack, which generate keeps in .env', async () => {
    const home = await generated();
    await runCli(['export', 'demo', '--to', 'kubernetes', '-o', 'k8s'], { home, cwd: home });
    const env = fs.readFileSync(path.join(home, 'stacks', 'demo', '.env'), 'utf8');
    const password = /^POSTGRES_PASSWORD=(.+)$/m.exec(env)![1]!;
    expect(fs.readFileSync(path.join(home, 'k8s', 'base', 'secrets.env'), 'utf8')).toContain(`POSTGRES_PASSWORD=${password}\n`);
  });

  it('replaces a folder it exported into, and refuses one holding other files', async () => {
    const home = await generated();
    const out = path.join(home, 'k8s');
    expect((await runCli(['export', 'demo', '--to', 'kubernetes', '-o', out], { home })).code).toBe(0);
    fs.writeFileSync(path.join(out, 'stale.yaml'), 'x');
    expect((await runCli(['export', 'demo', '--to', 'kubernetes', '-o', out, '--format', 'plain'], { home })).code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['.berth-export.json', '.gitignore', 'manifests.yaml', 'secrets.env']);
    const mine = path.join(home, 'mine');
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, 'notes.txt'), 'keep me');
    const r = await runCli(['export', 'demo', '--to', 'kubernetes', '-o', mine], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*mine: holds files berth did not export/);
    expect(fs.readFileSync(path.join(mine, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('writes a Helm chart with --format helm, the secrets in a 0600 values file kept out of git and of the package', async () => {
    const home = await generated();
    const r = await runCli(['export', 'demo', '--to', 'kubernetes', '-o', 'chart', '--format', 'helm'], { home, cwd: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('helm install demo chart -n demo --create-namespace -f chart/secrets.values.yaml');
    const out = path.join(home, 'chart');
    expect(parse(fs.readFileSync(path.join(out, 'Chart.yaml'), 'utf8'))).toMatchObject({ apiVersion: 'v2', name: 'demo' });
    expect(fs.statSync(path.join(out, 'secrets.values.yaml')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(out, '.helmignore'), 'utf8')).toMatch(/^secrets\.values\.yaml$/m);
    expect(fs.readFileSync(path.join(out, '.gitignore'), 'utf8')).toMatch(/^secrets\.values\.yaml$/m);
  });

  it('prints JSON with the files and warnings, and never a secret value', async () => {
    const home = await generated();
    const r = await runCli(['export', 'demo', '--to', 'kubernetes', '-o', 'k8s', '--json'], { home, cwd: home });
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ stack: 'demo', to: 'kubernetes', format: 'kustomize', dir: path.join(home, 'k8s') });
    expect(j.files).toContain('base/secrets.env');
    const password = /^POSTGRES_PASSWORD=(.+)$/m.exec(fs.readFileSync(path.join(home, 'stacks', 'demo', '.env'), 'utf8'))![1]!;
    expect(r.stdout + r.stderr).not.toContain(password);
  });

  it.each([
    [['export', 'demo'], /^berth: error: --to is required: berth export NAME --to kubernetes/],
    [['export', 'demo', '--to', 'swarm'], /--to swarm: berth exports to kubernetes/],
    [['export', 'demo', '--to', 'kubernetes', '--format', 'yaml'], /--format yaml: use one of kustomize, plain, helm/],
    [['export', 'demo', '--to', 'kubernetes', '--service-type', 'External'], /--service-type External: use one of ClusterIP, NodePort, LoadBalancer/],
    [['export', 'demo', '--to', 'kubernetes', '--namespace', 'My_NS'], /--namespace My_NS: not a Kubernetes name/],
    [['export', 'demo', '--to', 'kubernetes', '--gpu-node-selector', 'gpu'], /--gpu-node-selector gpu: write it as label=value/],
    [['export', 'demo', '--to', 'kubernetes', '--gpu-toleration', 'nvidia.com/gpu:Never'], /--gpu-toleration nvidia.com\/gpu:Never: write it as key\[=value\]\[:effect\]/],
    [['export', 'demo', '--to', 'kubernetes', '--existing-secret', 'X'], /--existing-secret X: write it as NAME=secret\[:key\]/],
    [['export', 'nope', '--to', 'kubernetes'], /nope/],
  ])('%j is refused with exit 2 or 1 and says why', async (argv, message) => {
    const home = await generated();
    const r = await runCli(argv as string[], { home, cwd: home });
    expect(r.code).toBeGreaterThan(0);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('takes an existing Secret per secret, GPU placement and the Service type from flags', async () => {
    const home = await generated('services:\n  api:\n    component: app\n    image: x/api:1.0\n    port: 8000\n    gpu: 1\n  postgres: {}\n');
    const r = await runCli(
      ['export', 'demo', '--to', 'kubernetes', '-o', 'k8s', '--existing-secret', 'POSTGRES_PASSWORD=prod-db:password', '--gpu-node-selector', 'gpu=yes', '--gpu-toleration', 'nvidia.com/gpu=present:NoSchedule', '--service-type', 'LoadBalancer', '--namespace', 'prod'],
      { home, cwd: home },
    );
    expect(r.code, r.stderr).toBe(0);
    const objects = objectsOf(fs.readFileSync(path.join(home, 'k8s', 'base', 'api.yaml'), 'utf8')) as any[];
    const pod = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ gpu: 'yes' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
    expect(pod.containers[0].env.find((v: any) => v.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'prod-db', key: 'password' });
    // Its only secret comes from the existing Secret: berth generates none, and writes no env file.
    expect(fs.existsSync(path.join(home, 'k8s', 'base', 'secrets.env'))).toBe(false);
    expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'api-public').spec.type).toBe('LoadBalancer');
    expect(parse(fs.readFileSync(path.join(home, 'k8s', 'kustomization.yaml'), 'utf8')).namespace).toBe('prod');
  });

  it('refuses a stack whose service names Kubernetes cannot give a Service', async () => {
    const home = await generated('services:\n  my_api:\n    component: app\n    image: x/api:1.0\n');
    const r = await runCli(['export', 'demo', '--to', 'kubernetes', '-o', 'k8s'], { home, cwd: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/services\.my_api: my_api is not a Kubernetes Service name/);
    expect(fs.existsSync(path.join(home, 'k8s'))).toBe(false);
  });
});
