/**
 * A host berth works on from here: a runner for its commands and its engine.
 * SSH is the transport today (ssh.ts); an agent on the host can be another,
 * behind the same shape, so the operations do not know which they use.
 */
import { BerthError } from '../errors.js';
import { DockerApi, type Engine } from './docker-api.js';
import type { Runner } from './runner.js';
import { SshTransport, type SshOptions } from './ssh.js';

export interface Remote {
  /** Where it is, for messages (its ssh:// URL). */
  where: string;
  runner: Runner;
  engine: Engine;
  close(): Promise<void>;
}

export interface RemoteOptions extends SshOptions {
  /** The engine client for a socket path (tests give their own). */
  engineAt?(socket: string): Engine;
}

/** Connects to `url` over ssh, with the host's engine on the same connection. */
export async function openSsh(url: string, local: Runner, o: RemoteOptions = {}): Promise<Remote> {
  const t = new SshTransport(url, local, o);
  try {
    await t.connect();
  } catch (e) {
    await t.close();
    throw e;
  }
  const api = o.engineAt ? undefined : new DockerApi({ DOCKER_HOST: `unix://${t.engineSocket}` });
  const engine = o.engineAt?.(t.engineSocket) ?? api!;
  try {
    await engine.ping();
  } catch (e) {
    api?.close();
    await t.close();
    const socket = o.dockerSocket ?? '/var/run/docker.sock';
    throw new BerthError(`the Docker engine on ${url} does not answer at ${socket} there (${(e as Error).message.split(';')[0]}); check that dockerd runs on it and that the ssh user may use it (the docker group)`, {
      code: 'engine_unreachable',
    });
  }
  return {
    where: url,
    runner: t.runner,
    engine,
    close: async () => {
      api?.close();
      await t.close();
    },
  };
}
