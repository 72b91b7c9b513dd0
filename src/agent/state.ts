/**
 * What an agent keeps in its data folder (mode 0700): its credential
 * (credential.json, mode 0600: the only copy there is; the server keeps a
 * hash), and the jobs it has started and not yet reported the end of
 * (jobs.json), so that an agent stopped in the middle of one says so when it
 * comes back instead of running it again. Both are written whole, through a
 * temporary file and a rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors.js';

export interface Credential {
  serverUrl: string;
  agentId: string;
  name: string;
  credential: string;
}

export interface StartedJob {
  id: string;
  leaseId: string;
  action: string;
  stack: string;
}

function writeWhole(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BerthError(`${file}: is not valid JSON; remove it (and enroll again, for credential.json)`, { code: 'damaged', path: file });
  }
}

export class AgentState {
  readonly credentialFile: string;
  private readonly jobsFile: string;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.credentialFile = path.join(dir, 'credential.json');
    this.jobsFile = path.join(dir, 'jobs.json');
  }

  /** The credential kept for this server; undefined when the agent has not enrolled with it. */
  credential(serverUrl: string): Credential | undefined {
    const c = readJson(this.credentialFile) as Credential | undefined;
    if (!c) return undefined;
    if (typeof c.credential !== 'string' || typeof c.agentId !== 'string') throw new BerthError(`${this.credentialFile}: is not an agent credential; remove it and enroll again`, { code: 'damaged', path: this.credentialFile });
    if (c.serverUrl !== serverUrl) throw new BerthError(`${this.credentialFile}: belongs to the server ${c.serverUrl}, not ${serverUrl}; give that server, or another --data-dir to enroll with this one`, { code: 'conflict', path: this.credentialFile });
    return c;
  }

  saveCredential(c: Credential): void {
    writeWhole(this.credentialFile, c);
  }

  started(): StartedJob[] {
    const jobs = readJson(this.jobsFile);
    return Array.isArray(jobs) ? (jobs as StartedJob[]) : [];
  }

  start(j: StartedJob): void {
    writeWhole(this.jobsFile, [...this.started().filter((x) => x.id !== j.id), j]);
  }

  end(id: string): void {
    writeWhole(this.jobsFile, this.started().filter((x) => x.id !== id));
  }
}
