/** The Swarm manager's commands: exact argv, a secret's value on stdin only, and what the CLI's answers are read as. */
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../src/engine/runner.js';
import { ensureObject, pruneObjects, removeServices, serviceLogs, stackDeploy, stackServices, stackTasks } from '../../src/engine/swarm.js';

describe('swarm engine commands', () => {
  it('makes a secret from stdin: the value is in no argument', async () => {
    const runner = new RecordingRunner();
    await ensureObject(runner, { kind: 'secret', name: 'shop-core_DB_PASSWORD_0123456789ab', content: 's3cret-value' }, 'shop-core');
    const [cmd] = runner.commands;
    expect(cmd!.argv).toEqual([
      'sh', '-c', 'docker "$1" inspect "$2" >/dev/null 2>&1 && exit 0; docker "$1" create --label "dev.berth.stack=$3" "$2" - >/dev/null',
      'sh', 'secret', 'shop-core_DB_PASSWORD_0123456789ab', 'shop-core',
    ]);
    expect(cmd!.input).toBe('s3cret-value');
    expect(JSON.stringify(cmd!.argv)).not.toContain('s3cret-value');
  });

  it('deploys without --prune and removes only the services it is given', async () => {
    const runner = new RecordingRunner();
    await stackDeploy(runner, '/r/1/docker-stack.yaml', 'shop-core', 'never');
    await removeServices(runner, 'shop-core', []);
    await removeServices(runner, 'shop-core', ['web']);
    expect(runner.commands.map((c) => c.argv)).toEqual([
      ['docker', 'stack', 'deploy', '--with-registry-auth', '--resolve-image', 'never', '-c', '/r/1/docker-stack.yaml', 'shop-core'],
      ['docker', 'service', 'rm', 'shop-core_web'],
    ]);
  });

  it('reads services (replicas, image, update, whether berth made them) and tasks from the CLI', async () => {
    const service = (name: string, labels: Record<string, string>, update?: object) =>
      JSON.stringify({ Spec: { Name: name, Labels: labels, Mode: { Replicated: { Replicas: 2 } }, TaskTemplate: { ContainerSpec: { Image: 'x/api:2' } } }, ...(update ? { UpdateStatus: update } : {}) });
    const runner = new RecordingRunner((cmd) =>
      cmd.argv[0] === 'sh'
        ? { stdout: `${service('shop-core_api', { 'dev.berth.stack': 'shop-core', 'dev.berth.role': 'service' }, { State: 'rollback_completed', Message: 'rollback completed', StartedAt: 't1' })}\n${service('shop-core_extra', {})}\n` }
        : { stdout: 'shop-core_api.1\tRunning 5 seconds ago\tRunning\t\tx/api:2\nshop-core_api.2\tFailed 1 minute ago\tShutdown\ttask: non-zero exit (1)\tx/api:1\n' },
    );
    expect(await stackServices(runner, 'shop-core')).toEqual([
      { name: 'api', replicas: 2, image: 'x/api:2', role: 'service', berths: true, update: { state: 'rollback_completed', message: 'rollback completed', startedAt: 't1' } },
      { name: 'extra', replicas: 2, image: 'x/api:2', role: 'service', berths: false },
    ]);
    expect(await stackTasks(runner, 'shop-core')).toEqual([
      { service: 'api', state: 'running', desired: 'running', error: '', image: 'x/api:2' },
      { service: 'api', state: 'failed', desired: 'shutdown', error: 'task: non-zero exit (1)', image: 'x/api:1' },
    ]);
  });

  it("shows a service's log lines after their task, without the stack's name", async () => {
    const runner = new RecordingRunner(() => ({ stdout: 'shop-core_api.1@host-0    | GET /health 200\nshop-core_api.2@host-0    | GET /health 200\n' }));
    expect(await serviceLogs(runner, 'shop-core', 'api', 5)).toBe('api.1@host-0    | GET /health 200\napi.2@host-0    | GET /health 200');
    expect(runner.commands[0]!.argv).toEqual(['docker', 'service', 'logs', '--no-task-ids', '--tail', '5', 'shop-core_api']);
  });

  it('removes the secrets and configs no kept release names; one still in use stays', async () => {
    const runner = new RecordingRunner((cmd) => {
      if (cmd.argv[2] === 'ls') return { stdout: cmd.argv[1] === 'secret' ? 'p_A_1\np_A_2\np_B_1\n' : 'p_conf_1\n' };
      if (cmd.argv.at(-1) === 'p_B_1') return { code: 1, stderr: 'secret is in use' };
      return undefined;
    });
    expect(await pruneObjects(runner, 'p', new Set(['p_A_2', 'p_conf_1']))).toEqual(['p_A_1']);
    expect(runner.commands.map((c) => c.argv)).toEqual([
      ['docker', 'secret', 'ls', '--filter', 'label=dev.berth.stack=p', '--format', '{{.Name}}'],
      ['docker', 'secret', 'rm', 'p_A_1'],
      ['docker', 'secret', 'rm', 'p_B_1'],
      ['docker', 'config', 'ls', '--filter', 'label=dev.berth.stack=p', '--format', '{{.Name}}'],
    ]);
  });
});
