/** The ssh transport's exact argv: one shared connection, BatchMode, accept-new only when asked, one quoting of the remote command. */
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../src/engine/runner.js';
import { SshTransport } from '../../src/engine/ssh.js';
import { ENV_FROM_STDIN } from '../../src/engine/shell.js';
import { parseSshUrl } from '../../src/util/ssh-url.js';

const BASE = ['-o', 'BatchMode=yes', '-o', 'ControlMaster=auto', '-o', 'ControlPath=/run/b/master', '-o', 'ControlPersist=60', '-o', 'ServerAliveInterval=15'];

describe('ssh:// URLs', () => {
  it.each([
    ['ssh://deploy@backend.example:2222', { user: 'deploy', host: 'backend.example', port: 2222 }],
    ['ssh://backend', { host: 'backend' }],
    ['ssh://root@10.0.0.5/', { user: 'root', host: '10.0.0.5' }],
    ['ssh://ops@[fd00::5]:22', { user: 'ops', host: 'fd00::5', port: 22 }],
  ])('%s', (text, parts) => expect(parseSshUrl(text)).toEqual(parts));

  it.each(['backend.example', 'ssh://', 'ssh://-oProxyCommand=x', 'ssh://a b', 'ssh://host:70000', 'http://host', 'ssh://u@host:22/path'])('%s is not one', (text) => {
    expect(parseSshUrl(text)).toBeUndefined();
  });
});

describe('SshTransport', () => {
  it('connects once, forwarding the engine socket, and runs each command on that connection as one quoted line', async () => {
    const local = new RecordingRunner();
    const t = new SshTransport('ssh://deploy@core.example:2222', local, { controlDir: '/run/b' });
    await t.connect();
    await t.runner.run({ argv: ['docker-compose', 'up', '--no-start', 'db'], cwd: '/home/deploy/.berth/releases/shop/core/2' });
    await t.close();
    expect(local.commands.map((c) => c.argv)).toEqual([
      ['ssh', ...BASE, '-p', '2222', '-o', 'ExitOnForwardFailure=yes', '-o', 'StreamLocalBindUnlink=yes', '-L', '/run/b/docker.sock:/var/run/docker.sock', '--', 'deploy@core.example', 'exec true'],
      ['ssh', ...BASE, '-p', '2222', '--', 'deploy@core.example', 'cd /home/deploy/.berth/releases/shop/core/2 && exec docker-compose up --no-start db'],
      ['ssh', ...BASE, '-p', '2222', '-O', 'exit', '--', 'deploy@core.example'],
    ]);
    // Nothing of the command reaches the local ssh's own environment or folder.
    expect(local.commands.every((c) => c.cwd === undefined && c.env === undefined)).toBe(true);
  });

  it('sends secret values on stdin ahead of the command\'s own input, never on the command line', async () => {
    const local = new RecordingRunner();
    const t = new SshTransport('ssh://core', local, { controlDir: '/run/b' });
    await t.runner.run({ argv: ['docker-compose', 'up', '--no-start'], secretEnv: { DB_PASSWORD: 's3cret-value' } });
    await t.runner.run({ argv: ['cat'], secretEnv: { A: '1' } }, { input: 'rest' });
    const [first, second] = local.commands;
    expect(first!.argv.at(-1)).toBe(`exec sh -c '${ENV_FROM_STDIN.replace(/'/g, "'\\''")}' sh docker-compose up --no-start`);
    expect(first!.argv.join(' ')).not.toContain('s3cret-value');
    expect(first!.input).toBe('DB_PASSWORD=s3cret-value\n\n');
    expect(String(second!.input)).toBe('A=1\n\nrest');
  });

  it('takes an ssh_config file and trusts a new host key only when asked', () => {
    const t = new SshTransport('ssh://core', new RecordingRunner(), { controlDir: '/run/b', config: '/etc/berth/ssh_config', acceptNewHostKey: true });
    expect(t.argv('exec true')).toEqual(['ssh', '-F', '/etc/berth/ssh_config', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', ...BASE.slice(2), '--', 'core', 'exec true']);
  });

  it('says why a host cannot be reached, and how to fix it', async () => {
    const hostKey = new RecordingRunner(() => ({ code: 255, stderr: 'No ED25519 host key is known for core and you have requested strict checking.\nHost key verification failed.\n' }));
    await expect(new SshTransport('ssh://core', hostKey, { controlDir: '/run/b' }).connect()).rejects.toThrow(
      'cannot reach ssh://core: Host key verification failed.; its host key is not in your known_hosts: check it and add it (ssh-keyscan), or pass --accept-new-host-key to trust it on first use',
    );
    const denied = new RecordingRunner(() => ({ code: 255, stderr: 'deploy@core: Permission denied (publickey).\n' }));
    await expect(new SshTransport('ssh://deploy@core', denied, { controlDir: '/run/b' }).runner.run({ argv: ['true'] })).rejects.toThrow('ssh found no key the host accepts');
    // A command that itself exits 255 is its own business.
    const own = new RecordingRunner(() => ({ code: 255, stderr: 'boom\n' }));
    expect((await new SshTransport('ssh://core', own, { controlDir: '/run/b' }).runner.run({ argv: ['false'] })).code).toBe(255);
  });
});
