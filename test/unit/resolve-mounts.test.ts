import { describe, expect, it } from 'vitest';
import { errorOf, resolveYaml } from './_resolve.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const app = (name: string, ...extra: string[]) => [`  ${name}:`, '    component: app', '    image: x:1', ...extra];
const FIX = 'a container path takes one mount, so drop one or mount it elsewhere';

describe('one mount per container path', () => {
  it('two mounts of a service on one target are an error naming the key', () => {
    const e = errorOf(() => resolveYaml(lines('services:', ...app('api', '    volumes: [a:/data, ./b:/data]'))));
    expect(e.message).toBe(`services.api.volumes: /tmp/spec/b:/data and a:/data both mount on /data; ${FIX}`);
    expect(e.exitCode).toBe(2);
  });

  it('targets are compared as Docker reads them (/data/ is /data)', () => {
    expect(errorOf(() => resolveYaml(lines('services:', ...app('api', '    volumes: [a:/data, b:/data/]')))).message).toBe(`services.api.volumes: b:/data/ and a:/data both mount on /data; ${FIX}`);
  });

  it('a mount on the in-memory /tmp of readOnly: true', () => {
    const e = errorOf(() => resolveYaml(lines('services:', ...app('api', '    readOnly: true', '    volumes: [scratch:/tmp]'))));
    expect(e.message).toBe(`services.api.volumes: scratch:/tmp and the in-memory /tmp of readOnly: true both mount on /tmp; ${FIX}`);
  });

  it("a worker that takes its app's volumes names the app's key", () => {
    const yaml = lines('services:', '  w:', '    component: worker', '    app: api', '    command: work', ...app('api', '    volumes: [a:/data, b:/data]'));
    expect(errorOf(() => resolveYaml(yaml)).message).toMatch(/^services\.api\.volumes: b:\/data and a:\/data both mount on \/data; /);
  });

  it('distinct targets pass', () => {
    expect(() => resolveYaml(lines('services:', ...app('api', '    readOnly: true', '    volumes: [a:/data, ./b:/data/b, c:/tmpx]')))).not.toThrow();
  });
});
