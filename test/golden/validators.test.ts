/** The golden tier's validators must fail on bad input, or a passing golden run proves nothing. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileOut } from '../../src/model/files.js';
import { checkComposeCombos, composeSchemaErrors, dependsProblems, mountProblems, portProblems, profileCombos, type ComposeDoc } from './_compose.js';
import { EXAMPLES_ROOT, unifiedDiff } from './_golden.js';
import { makeCerts, nginxTest } from './_nginx.js';
import { needTool } from './_tools.js';

const temps: string[] = [];
const tempDir = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const doc = (services: ComposeDoc['services'], volumes?: ComposeDoc['volumes']): ComposeDoc => ({ services, ...(volumes ? { volumes } : {}) });

describe('golden validators', () => {
  it('the Compose schema rejects unknown keys and wrong types', () => {
    expect(composeSchemaErrors(doc({ a: { image: 'busybox', mem_limit: '64m' } }))).toEqual([]);
    expect(composeSchemaErrors(doc({ a: { image: 'busybox', bogus: true } })).join()).toMatch(/additional/);
    expect(composeSchemaErrors(doc({ a: { image: 'busybox', restart: 1 } })).join()).toMatch(/\/services\/a\/restart/);
  });

  it('profile combinations: all subsets up to 6, then none/singles/pairs/all', () => {
    expect(profileCombos([])).toEqual([[]]);
    expect(profileCombos(['b', 'a'])).toEqual([[], ['a'], ['b'], ['a', 'b']]);
    expect(profileCombos(['a', 'b', 'c', 'd', 'e', 'f'])).toHaveLength(64);
    expect(profileCombos(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toHaveLength(1 + 7 + 21 + 1);
  });

  it('depends_on must point at a service active under the same profiles', () => {
    const d = doc({ app: { image: 'x', depends_on: { db: { condition: 'service_healthy' } } }, db: { image: 'y', profiles: ['data'] } });
    expect(dependsProblems(d, [])).toEqual(['app depends_on db, which is not active (its profiles: data)']);
    expect(dependsProblems(d, ['data'])).toEqual([]);
  });

  it('active services must not share a host port', () => {
    const d = doc({
      a: { image: 'x', ports: ['0.0.0.0:8080:80'] },
      b: { image: 'x', ports: ['127.0.0.1:8080:8080'], profiles: ['p'] },
      c: { image: 'x', ports: ['8081:80'], deploy: { replicas: 2 } },
    });
    expect(portProblems(d, [])).toEqual(['c publishes host port 8081 but runs 2 replicas']);
    expect(portProblems(d, ['p'])).toContain('b and a both publish host port 8080');
  });

  it('bind mounts must be in the bundle, or exist next to the example', () => {
    const files: FileOut[] = [{ path: 'prometheus/prometheus.yml', content: '' }];
    const d = doc(
      {
        ok: { image: 'x', volumes: ['./prometheus/prometheus.yml:/etc/p.yml:ro', './prometheus:/etc/p', 'data:/data', '/srv/host:/srv'] },
        bad: { image: 'x', volumes: ['./grafana/x.yaml:/x', `${EXAMPLES_ROOT}/nope/missing.yaml:/y`, 'undeclared:/z', '../up:/u'] },
      },
      { data: {} },
    );
    expect(mountProblems(d, files, EXAMPLES_ROOT)).toEqual([
      'bad: mounts ./grafana/x.yaml, which berth does not write',
      `bad: mounts ${EXAMPLES_ROOT}/nope/missing.yaml, which does not exist`,
      'bad: mounts volume undeclared, which is not declared',
      'bad: mounts ../up is outside the stack dir',
    ]);
  });

  it('the golden diff names changed lines', () => {
    const d = unifiedDiff('a\nb\nc\n', 'a\nB\nc\n');
    expect(d).toContain('- b');
    expect(d).toContain('+ B');
    expect(d.indexOf('- b')).toBeLessThan(d.indexOf('+ B'));
  });

  it('docker-compose config failures, unset variables and inactive dependencies are reported', async (ctx) => {
    const compose = needTool('docker-compose', ctx.skip, 'docker-compose config validation');
    const files: FileOut[] = [
      {
        path: 'docker-compose.yaml',
        content: 'services:\n  app:\n    image: busybox:${TAG}\n    depends_on: [db]\n  db:\n    image: busybox\n    profiles: [data]\n',
      },
      { path: '.env', content: 'OTHER=1\n', mode: 0o600 },
      { path: '.berth.json', content: JSON.stringify({ knownProfiles: ['data'] }) },
    ];
    const dir = tempDir('berth-validators-');
    for (const f of files) fs.writeFileSync(path.join(dir, f.path), f.content);
    const problems = await checkComposeCombos(compose, dir, files, tempDir('berth-validators-home-'));
    expect(problems.join('\n')).toMatch(/\[profiles: none\]: docker-compose config warned:\n.*TAG variable is not set/);
    expect(problems).toContain('docker-compose.yaml [profiles: none]: app depends_on db, which is not active (its profiles: data)');

    const bogus: FileOut = { path: 'docker-compose.yaml', content: 'services:\n  app:\n    image: busybox\n    bogus_option: 1\n' };
    fs.writeFileSync(path.join(dir, bogus.path), bogus.content);
    const broken = await checkComposeCombos(compose, dir, [bogus], tempDir('berth-validators-home-'));
    expect(broken.join('\n')).toMatch(/exited 1:[\s\S]*bogus_option/);
  });

  it('nginx -t rejects a broken config and accepts a minimal one', async (ctx) => {
    const nginx = needTool('nginx', ctx.skip, 'nginx.conf validation');
    const openssl = needTool('openssl', ctx.skip, 'a real certificate for nginx -t');
    const certs = tempDir('berth-validators-certs-');
    await makeCerts(openssl, certs);
    const conf = (extra: string) =>
      `pid /var/run/nginx.pid;\nevents {}\nhttp {\n    server {\n        listen 443 ssl;\n        ssl_certificate /etc/nginx/certs/tls.crt;\n        ssl_certificate_key /etc/nginx/certs/tls.key;\n${extra}    }\n}\n`;
    expect((await nginxTest(nginx, conf(''), certs)).code).toBe(0);
    const bad = await nginxTest(nginx, conf('        proxy_pass_wrong http://x;\n'), certs);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown directive "proxy_pass_wrong"/);
  });
});
