/** berth exec: a command in a running container of a service, on the user's terminal or captured. */
import { BerthError, UsageError } from '../errors.js';
import { LABEL_NUMBER, LABEL_PROJECT, LABEL_SERVICE } from '../engine/docker-api.js';
import { composeArgs } from '../engine/compose.js';
import { parseExitCode } from '../engine/state.js';
import { allProfiles, runCompose, type Session } from './session.js';

export interface ExecRequest {
  service: string;
  /** Which replica (1, 2, ...). */
  index?: number;
  /** The command; a shell when not given (terminal only). */
  argv?: string[];
  /** Output captured and returned (else the command uses the terminal). */
  capture?: boolean;
  /** The terminal is interactive (a TTY for the command). */
  tty?: boolean;
}

export interface ExecResult {
  argv: string[];
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

const SHELL = ['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'];

/** exec needs a running container; Compose v1 fails silently without one. */
async function mustBeRunning(s: Session, service: string, replica: number): Promise<void> {
  const containers = await s.engine().listContainers([`${LABEL_PROJECT}=${s.ref.name}`, `${LABEL_SERVICE}=${service}`]);
  const c = containers.find((x) => Number(x.Labels[LABEL_NUMBER] ?? 1) === replica);
  if (c?.State === 'running') return;
  const which = replica > 1 ? `replica ${replica} of ${service}` : service;
  const code = c && parseExitCode(c.Status);
  const state = c ? ` (${code !== undefined ? `exited with code ${code}` : c.State})` : '';
  const hint = c || replica === 1 ? `start it with berth up ${s.ref.name} ${service}` : `${service} has ${containers.length} replica(s); scale it with berth scale ${s.ref.name} ${service}=${replica}`;
  throw new BerthError(`${which} of stack ${s.ref.name} is not running${state}; ${hint}`, { code: 'conflict' });
}

/** The command's exit code is the result (kept as berth's own exit code by the CLI). */
export async function execInService(s: Session, r: ExecRequest): Promise<ExecResult> {
  if (r.capture && !r.argv?.length) throw new UsageError(`exec --json needs a command to run, e.g. berth exec ${s.ref.name} ${r.service} --json -- env; a shell is interactive`);
  if (r.index !== undefined && !(Number.isInteger(r.index) && r.index >= 1)) throw new UsageError(`index ${r.index} is not a replica number (1, 2, ...)`);
  const argv = r.argv?.length ? r.argv : SHELL;
  if (!s.dryRun) {
    await s.engine().ping();
    await mustBeRunning(s, r.service, r.index ?? 1);
  }
  const args = composeArgs.exec({ service: r.service, tty: !r.capture && !!r.tty, index: r.index, argv });
  if (r.capture && !s.dryRun) {
    const out = await s.runner.run(await s.compose(args, allProfiles(s.manifest)), { stdio: 'pipe' });
    return { argv, exitCode: out.code, stdout: out.stdout, stderr: out.stderr };
  }
  return { argv, exitCode: await runCompose(s, args, { profiles: allProfiles(s.manifest), inherit: true, passthrough: true }) };
}
