// A real other machine for the deploy benchmark: a berth-test/host container
// with its own dockerd and sshd (as test/e2e/hosts.ts starts them), reached
// over real ssh with a key and known_hosts made for this run. Its engine's
// data is a named volume kept between runs, so the stand-in images are
// loaded into it once.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const IMAGE = 'berth-test/host:latest';
const CAPS = [
  '--cap-add', 'ALL', '--cap-drop', 'SYS_RESOURCE',
  '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--security-opt', 'systempaths=unconfined',
  '--device-cgroup-rule', 'a *:* rwm',
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startHost(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-ssh-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'key')]);
  const sshConfig = path.join(dir, 'ssh_config');
  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(sshConfig, ['Host *', '  User root', `  IdentityFile ${dir}/key`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${knownHosts}`, '  StrictHostKeyChecking yes', '  LogLevel ERROR', ''].join('\n'));
  spawnSync('docker', ['rm', '-fv', name], { stdio: 'ignore' });
  const key = fs.readFileSync(path.join(dir, 'key.pub'), 'utf8').trim();
  execFileSync('docker', ['run', '-d', '--name', name, '--hostname', name, ...CAPS, '-v', `${name}-docker:/var/lib/docker`,
    '-e', `AUTHORIZED_KEY=${key}`, '-e', 'DOCKER_BIP=10.97.0.1/24', '-e', 'DOCKER_POOL=10.96.0.0/16', IMAGE], { stdio: 'ignore' });
  const address = execFileSync('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', name], { encoding: 'utf8' }).trim();
  let hostKey = '';
  for (let i = 0; i < 150 && !hostKey; i++, await sleep(200)) hostKey = spawnSync('docker', ['exec', name, 'cat', '/etc/ssh/ssh_host_ed25519_key.pub'], { encoding: 'utf8' }).stdout.trim();
  fs.writeFileSync(knownHosts, `${address} ${hostKey.split(' ').slice(0, 2).join(' ')}\n`);
  const ssh = (words, opts = {}) => spawnSync('ssh', ['-F', sshConfig, '-o', 'BatchMode=yes', address, ...words], { encoding: 'utf8', ...opts });
  for (let i = 0; i < 200 && ssh(['docker', 'info']).status !== 0; i++) await sleep(300);
  const sh = (script) => {
    const r = ssh(['sh', '-c', `'${script.replace(/'/g, `'\\''`)}'`]);
    if (r.status !== 0) throw new Error(`on ${name}: ${script}: ${r.stderr}`);
    return r.stdout;
  };
  // What an earlier run left goes; the images stay.
  sh('docker ps -aq | xargs -r docker rm -fv >/dev/null; docker volume ls -q | xargs -r docker volume rm -f >/dev/null; rm -rf ~/.berth ~/hand');
  /** Loads the images the host lacks (by id) from this machine's engine. */
  const load = (images) => {
    const id = (out) => out.trim();
    const missing = images.filter((ref) => id(ssh(['docker', 'image', 'inspect', '--format', '{{.Id}}', ref]).stdout) !== id(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { encoding: 'utf8' })));
    if (missing.length) execFileSync('bash', ['-c', 'set -o pipefail; docker save "${@:2}" | ssh -F "$1" -o BatchMode=yes "$0" docker load -q', address, sshConfig, ...missing], { stdio: 'ignore' });
  };
  const stop = () => {
    spawnSync('docker', ['rm', '-fv', name], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { name, address, url: `ssh://root@${address}`, sshConfig, ssh, sh, load, stop };
}
