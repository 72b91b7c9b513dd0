/**
 * Real other machines for deploy tests: containers of berth-test/host, each
 * with its own dockerd and sshd (docs/real-docker.md: no --privileged on this
 * kernel, so every capability but SYS_RESOURCE, no seccomp or AppArmor, all
 * devices, and the cgroup mounts made writable by the host's entrypoint).
 * Reached over real ssh with a key made for this run and a known_hosts file
 * of this run holding each host's own key, through an ssh_config berth is
 * pointed at (BERTH_SSH_CONFIG).
 *
 * Each host's /var/lib/docker is a named volume kept between runs, so the
 * stand-in images loaded into it once stay there: a run claims a volume
 * (slot) with a lock, clears what an earlier run left (containers, volumes,
 * networks, images but the stand-ins), and loads only the images it lacks
 * (`docker save | ssh host docker load`). Containers go with `docker rm -fv`.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { withLock } from '../../src/store/lock.js';
import { shellWord } from '../../src/engine/shell.js';
import { until } from './harness.js';

export const HOST_IMAGE = 'berth-test/host:latest';
const CAPS = [
  '--cap-add', 'ALL', '--cap-drop', 'SYS_RESOURCE',
  '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--security-opt', 'systempaths=unconfined',
  '--device-cgroup-rule', 'a *:* rwm',
];
const SLOTS_DIR = path.join(os.tmpdir(), 'berth-e2e-host-slots');
const SLOTS = 6;

export interface TestHost {
  container: string;
  /** Its address on the engine's bridge, where other hosts and this machine reach it. */
  address: string;
  /** ssh://root@address, as a node's host: in stack.yaml. */
  url: string;
}

/** A volume slot held for this run; undefined when every slot is busy (the host then starts on a fresh volume). */
async function claimSlot(tag: string): Promise<{ volume: string; release: () => Promise<void> } | undefined> {
  for (let slot = 0; slot < SLOTS; slot++) {
    let release!: () => void;
    let acquired!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const got = new Promise<'held'>((r) => (acquired = () => r('held')));
    const lock = withLock(SLOTS_DIR, `${tag}-${slot}`, 'e2e-hosts', () => (acquired(), held), { timeoutMs: 0 });
    if ((await Promise.race([got, lock.then(() => 'done', () => 'busy')])) === 'held') {
      return { volume: `berth-e2e-${tag}-${slot}`, release: () => (release(), lock) };
    }
  }
  return undefined;
}

export class TestHosts {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-ssh-'));
  readonly sshConfig = path.join(this.dir, 'ssh_config');
  readonly hosts: TestHost[] = [];
  private readonly run = randomBytes(3).toString('hex');
  private readonly slots: { release: () => Promise<void> }[] = [];
  private readonly fresh: string[] = [];
  private readonly containers: string[] = [];

  constructor() {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `berth-e2e-${this.run}`, '-f', path.join(this.dir, 'key')]);
    fs.writeFileSync(path.join(this.dir, 'known_hosts'), '');
    fs.writeFileSync(
      this.sshConfig,
      ['Host *', '  User root', `  IdentityFile ${this.dir}/key`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${this.dir}/known_hosts`, '  StrictHostKeyChecking yes', '  LogLevel ERROR', ''].join('\n'),
    );
  }

  /** Starts `n` hosts, each with its own inner address ranges, and waits until each answers over ssh with a running engine. */
  async start(n: number): Promise<TestHost[]> {
    const started = await Promise.all(Array.from({ length: n }, (_, i) => this.startOne(i)));
    this.hosts.push(...started);
    return started;
  }

  private async startOne(i: number): Promise<TestHost> {
    const slot = await claimSlot(`host${i}`);
    const volume = slot?.volume ?? `berth-e2e-host-${this.run}-${i}`;
    if (slot) this.slots.push(slot);
    else this.fresh.push(volume);
    // A container a killed run left on the volume would share its engine's data: gone first.
    const stale = execFileSync('docker', ['ps', '-aq', '--filter', `volume=${volume}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (stale.length) execFileSync('docker', ['rm', '-fv', ...stale], { stdio: 'ignore' });
    const container = `berth-e2e-host-${this.run}-${i}`;
    this.containers.push(container);
    const key = fs.readFileSync(path.join(this.dir, 'key.pub'), 'utf8').trim();
    execFileSync('docker', ['run', '-d', '--name', container, '--hostname', `host-${i}`, ...CAPS, '-v', `${volume}:/var/lib/docker`,
      '-e', `AUTHORIZED_KEY=${key}`, '-e', `DOCKER_BIP=10.99.${i}.1/24`, '-e', `DOCKER_POOL=10.${100 + i}.0.0/16`, HOST_IMAGE], { stdio: 'ignore' });
    const address = execFileSync('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', container], { encoding: 'utf8' }).trim();
    const hostKey = await until(`${container}'s host key`, async () => spawnSync('docker', ['exec', container, 'cat', '/etc/ssh/ssh_host_ed25519_key.pub'], { encoding: 'utf8' }).stdout.trim(), 30_000, 200);
    fs.appendFileSync(path.join(this.dir, 'known_hosts'), `${address} ${hostKey.split(' ').slice(0, 2).join(' ')}\n`);
    const host = { container, address, url: `ssh://root@${address}` };
    await until(`${container}'s engine over ssh`, async () => this.ssh(host, ['docker', 'info', '--format', '{{.ServerVersion}}']).status === 0, 60_000, 300);
    this.clear(host);
    return host;
  }

  /** What an earlier run left in the host's engine goes; the stand-in images stay. */
  private clear(h: TestHost): void {
    const script = [
      // A Swarm an earlier run made in this engine (its state is on the kept volume) goes with its services.
      'docker swarm leave --force >/dev/null 2>&1 || true',
      'docker ps -aq | xargs -r docker rm -fv >/dev/null',
      'docker volume ls -q | xargs -r docker volume rm -f >/dev/null',
      'docker network prune -f >/dev/null',
      "docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -v '^berth-test/' | xargs -r docker rmi -f >/dev/null 2>&1 || true",
      'rm -rf ~/.berth',
    ].join('; ');
    this.ssh(h, ['sh', '-c', shellWord(script)]);
  }

  /** A command on the host over ssh (its words joined by ssh, as a shell there reads them). */
  ssh(h: TestHost, words: string[], input?: string) {
    return spawnSync('ssh', ['-F', this.sshConfig, '-o', 'BatchMode=yes', h.address, ...words], { encoding: 'utf8', input });
  }

  /** Output of a command on the host; a failure fails the test with its stderr. */
  sh(h: TestHost, script: string): string {
    const r = this.ssh(h, ['sh', '-c', shellWord(script)]);
    if (r.status !== 0) throw new Error(`on ${h.container}: ${script}: exit ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  /** Loads the images the host lacks (by id) from this machine's engine. */
  async load(h: TestHost, images: string[]): Promise<void> {
    const id = (ref: string, where: (argv: string[]) => string) => where(['docker', 'image', 'inspect', '--format', '{{.Id}}', ref]).trim();
    const local = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    const missing = images.filter((ref) => this.ssh(h, ['docker', 'image', 'inspect', '--format', '{{.Id}}', ref]).stdout.trim() !== id(ref, local));
    if (!missing.length) return;
    await promisify(execFile)('bash', ['-c', 'set -o pipefail; docker save "${@:2}" | ssh -F "$1" -o BatchMode=yes "$0" docker load -q', h.address, this.sshConfig, ...missing]);
  }

  /** Every host container goes (docker rm -fv); the volume slots are handed back. */
  async stop(): Promise<void> {
    if (this.containers.length) spawnSync('docker', ['rm', '-fv', ...this.containers], { stdio: 'ignore' });
    if (this.fresh.length) spawnSync('docker', ['volume', 'rm', '-f', ...this.fresh], { stdio: 'ignore' });
    await Promise.all(this.slots.map((s) => s.release()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** An image built on this machine's engine from a Dockerfile on stdin (no context); its id. */
export function buildImage(tag: string, dockerfile: string): string {
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], { input: dockerfile, env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: ['pipe', 'ignore', 'pipe'] });
  return execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' }).trim();
}
