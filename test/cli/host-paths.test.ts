/** generate checks the host paths stack.yaml names: build contexts, Dockerfiles and bind-mount sources. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectUsageError, newHome } from './_util.js';

async function generate(yaml: string, prepare: (dir: string) => void = () => {}, extra: string[] = []) {
  const home = newHome();
  const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
  fs.writeFileSync(path.join(cwd, 'stack.yaml'), yaml);
  prepare(cwd);
  const r = await runCli(['generate', 's', '-f', 'stack.yaml', ...extra], { home, cwd });
  return { r, cwd, written: fs.existsSync(path.join(home, 'stacks', 's')) };
}

const api = (...extra: string[]) => ['services:', '  api:', '    component: app', ...extra, ''].join('\n');
const withDockerfile = (dir: string) => {
  fs.mkdirSync(path.join(dir, 'api'));
  fs.writeFileSync(path.join(dir, 'api', 'Dockerfile'), 'FROM scratch\n');
};

describe('build contexts', () => {
  it('a context that does not exist is an error naming the key and the resolved path', async () => {
    const { r, cwd, written } = await generate(api('    build: ./api'));
    expect(expectUsageError(r)).toBe(`services.api.build: ./api (resolved to ${cwd}/api) does not exist; fix the path`);
    expect(written).toBe(false);
  });

  it('a context without a Dockerfile', async () => {
    const { r, cwd } = await generate(api('    build: ./api'), (d) => fs.mkdirSync(path.join(d, 'api')));
    expect(expectUsageError(r)).toBe(`services.api.build: ./api/Dockerfile (resolved to ${cwd}/api/Dockerfile) does not exist; add a Dockerfile there, or set dockerfile:`);
  });

  it('a dockerfile: that does not exist names build.dockerfile', async () => {
    const { r, cwd } = await generate(api('    build:', '      context: ./api', '      dockerfile: Dockerfile.prod'), withDockerfile);
    expect(expectUsageError(r)).toBe(
      `services.api.build.dockerfile: ./api/Dockerfile.prod (resolved to ${cwd}/api/Dockerfile.prod) does not exist; fix the path (it is relative to the build context)`,
    );
  });

  it('a context that is a file', async () => {
    const { r } = await generate(api('    build: ./stack.yaml'));
    expect(expectUsageError(r)).toMatch(/^services\.api\.build: \.\/stack\.yaml \(resolved to .*\) is not a directory; fix the path$/);
  });

  it("a worker building from its app's context names the app's key", async () => {
    const yaml = ['services:', '  w:', '    component: worker', '    app: api', '    command: work', '  api:', '    component: app', '    build: ./api', ''].join('\n');
    expect(expectUsageError((await generate(yaml)).r)).toMatch(/^services\.api\.build: \.\/api /);
  });

  it('an existing context and Dockerfile pass', async () => {
    const { r } = await generate(api('    build: ./api'), withDockerfile);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('bind-mount sources', () => {
  it('a source that does not exist is an error with the fix, also on --dry-run', async () => {
    for (const extra of [[], ['--dry-run']]) {
      const { r, cwd, written } = await generate(api('    image: x:1', '    volumes: ["./data:/data"]'), undefined, extra);
      expect(expectUsageError(r)).toBe(
        `services.api.volumes: ./data (resolved to ${cwd}/data) does not exist, and Docker would mount an empty directory in its place; create it (mkdir -p ${cwd}/data), or use a named volume like data:/data`,
      );
      expect(written).toBe(false);
    }
  });

  it('an absolute source is shown as it is', async () => {
    const { r } = await generate(api('    image: x:1', '    volumes: ["/nonexistent/berth-test:/x:ro"]'));
    expect(expectUsageError(r)).toMatch(/^services\.api\.volumes: \/nonexistent\/berth-test does not exist, /);
  });

  it('a ${VAR} in the source is filled in from vars:', async () => {
    const yaml = ['vars:', '  SUB: data-1', ...api('    image: x:1', '    volumes: ["./${SUB}:/data"]').split('\n')].join('\n');
    const { r, cwd } = await generate(yaml);
    expect(expectUsageError(r)).toMatch(new RegExp(`^services\\.api\\.volumes: \\./data-1 \\(resolved to ${cwd}/data-1\\) does not exist, `));
    expect((await generate(yaml, (d) => fs.mkdirSync(path.join(d, 'data-1')))).r.code).toBe(0);
  });

  it('files and directories that exist pass; named volumes are not host paths', async () => {
    const { r } = await generate(api('    image: x:1', '    volumes: ["./stack.yaml:/etc/x.yaml:ro", "./conf:/conf", "data:/data"]'), (d) => fs.mkdirSync(path.join(d, 'conf')));
    expect(r.code, r.stderr).toBe(0);
  });

  it('an nginx certificate that does not exist names tls.cert', async () => {
    const yaml = ['services:', '  web: {}', '  nginx:', '    tls: {cert: ./certs/fullchain.pem, key: ./certs/privkey.pem}', ''].join('\n');
    const { r, cwd } = await generate(yaml);
    expect(expectUsageError(r)).toBe(
      `services.nginx.tls.cert: ./certs/fullchain.pem (resolved to ${cwd}/certs/fullchain.pem) does not exist, and Docker would mount an empty directory in its place; create it, or fix the path`,
    );
  });
});

describe('a stack.yaml in a folder with a $ in its name', () => {
  it('has the $ written as $$ in the Compose file, so Compose reads the folder as it is', async () => {
    const home = newHome();
    const cwd = fs.mkdtempSync(path.join(home, 'my$dir-'));
    fs.writeFileSync(path.join(cwd, 'stack.yaml'), api('    build: ./api', '    volumes: ["./data:/data"]'));
    withDockerfile(cwd);
    fs.mkdirSync(path.join(cwd, 'data'));
    const r = await runCli(['generate', 's', '-f', 'stack.yaml'], { home, cwd });
    expect(r.code, r.stderr).toBe(0);
    const compose = fs.readFileSync(path.join(home, 'stacks', 's', 'docker-compose.yaml'), 'utf8');
    const escaped = cwd.replace(/\$/g, '$$$$');
    expect(compose).toContain(`${escaped}/api`);
    expect(compose).toContain(`${escaped}/data:/data`);
  });
});
