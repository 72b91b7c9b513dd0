import { describe, expect, it } from 'vitest';
import { failedPull } from '../../src/engine/compose-output.js';

const services = ['grafana', 'postgres', 'app'];

describe('failedPull', () => {
  it('reads Compose v1: the last pull, then the error', () => {
    const v1 = [
      'Creating network "demo_default" with the default driver',
      'Pulling postgres (postgres:17.5-bookworm)...',
      '17.5-bookworm: Pulling from library/postgres',
      'Pulling grafana (grafana/grafana:11.4.0)...',
      'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host',
    ].join('\n');
    expect(failedPull(v1, services)).toEqual({ service: 'grafana', reason: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host' });
  });

  it('reads Compose v1 when access is denied', () => {
    const v1 = "Pulling app (acme/app:1.0)...\nERROR: pull access denied for acme/app, repository does not exist or may require 'docker login'";
    expect(failedPull(v1, services)).toEqual({ service: 'app', reason: "pull access denied for acme/app, repository does not exist or may require 'docker login'" });
  });

  it('reads Compose v2', () => {
    const v2 = [
      '[+] Running 1/2',
      ' ✔ postgres Pulled          3.1s',
      ' ✘ grafana Error           0.6s',
      'Error response from daemon: manifest for grafana/grafana:11.4.0 not found: manifest unknown',
    ].join('\n');
    const v2plain = ' grafana Pulling \n grafana Error \nError response from daemon: Get "https://registry-1.docker.io/v2/": net/http: TLS handshake timeout';
    expect(failedPull(v2, services)).toBeUndefined(); // no "grafana Pulling" line: not known to be a pull
    expect(failedPull(v2.replace('[+] Running 1/2', ' grafana Pulling'), services)).toEqual({ service: 'grafana', reason: 'manifest for grafana/grafana:11.4.0 not found: manifest unknown' });
    expect(failedPull(v2plain, services)?.reason).toBe('Get "https://registry-1.docker.io/v2/": net/http: TLS handshake timeout');
  });

  it('is not fooled by a failure after the pulls', () => {
    const v1 = 'Pulling app (acme/app:1.0)...\nCreating demo_postgres_1 ... \nCreating demo_app_1 ... error\nERROR: for app  Cannot start service app: port is already allocated';
    expect(failedPull(v1, services)).toBeUndefined();
    expect(failedPull('ERROR: Service "worker" uses an undefined network', services)).toBeUndefined();
  });
});
