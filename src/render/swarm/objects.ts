/**
 * Swarm secrets and configs a stack's services read. Each is named after
 * the stack, what it holds and a short hash of its content, so a rotated
 * secret or a changed config file is a new object (Swarm's are immutable)
 * and the one a running release uses is left until berth's deploy has moved
 * every service off it. berth creates them (`docker secret create NAME -`,
 * the value on stdin); the stack file names them as external.
 */
import { createHash } from 'node:crypto';
import type { ConfigFile } from '../../model/files.js';
import type { Service } from '../../model/service.js';
import { UsageError } from '../../errors.js';
import { filesOfMount } from '../config-files.js';
import { secretPath } from './text.js';

export interface SwarmObject {
  kind: 'secret' | 'config';
  /** Its Swarm name: <stack>_<what>_<hash>. */
  name: string;
  /** What it holds: a secret's .env name, or a config file's path in the stack. Never the value. */
  of: string;
  /** The value; sent to the manager on stdin, never written to a file or a record. */
  content: string;
}

/** A service's use of one: the object and where the container sees it. */
export interface ObjectUse {
  source: string;
  target: string;
  mode?: number;
}

const SAFE = /[^A-Za-z0-9_.-]/g;

/** <stack>_<what>_<hash>, within Swarm's 64 characters. */
export function objectName(stack: string, what: string, content: string): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  const prefix = `${stack}_${what.replace(SAFE, '-')}`.slice(0, 64 - hash.length - 1);
  return `${prefix}_${hash}`;
}

/** Files only their owner may read (private keys) travel as secrets, the rest as configs. */
const isPrivate = (f: ConfigFile) => ((f.mode ?? 0o644) & 0o077) === 0;

/** Collects the objects of a stack, each once, and each service's uses of them. */
export class SwarmObjects {
  private readonly byName = new Map<string, SwarmObject>();
  constructor(
    private readonly stack: string,
    private readonly secrets: Readonly<Record<string, string>>,
  ) {}

  private add(kind: SwarmObject['kind'], of: string, content: string, what: string): string {
    const name = objectName(this.stack, what, content);
    this.byName.set(name, { kind, name, of, content });
    return name;
  }

  /** The secret files a service reads at /run/secrets/<NAME>. */
  secretUses(names: string[]): ObjectUse[] {
    return [...new Set(names)].sort().map((n) => {
      const value = this.secrets[n];
      if (value === undefined) throw new UsageError(`secretsFromEnv: ${n} has no value in berth's environment; set it there (it becomes a Swarm secret, never a file)`);
      return { source: this.add('secret', n, value, n), target: n };
    });
  }

  /** The config files a service mounts, each a config (or a secret, when private) at its place. */
  fileUses(s: Service, configs: ConfigFile[]): { configs: ObjectUse[]; secrets: ObjectUse[] } {
    const out = { configs: [] as ObjectUse[], secrets: [] as ObjectUse[] };
    for (const m of s.mounts) {
      if (m.type !== 'config') continue;
      for (const f of filesOfMount(s, m.path, configs)) {
        const target = f.path === m.path ? m.target : `${m.target}/${f.path.slice(m.path.length + 1)}`;
        const what = f.path.split('/').join('.');
        if (isPrivate(f)) out.secrets.push({ source: this.add('secret', f.path, f.content, what), target: target.startsWith('/') ? target : secretPath(target), mode: 0o400 });
        else out.configs.push({ source: this.add('config', f.path, f.content, what), target, mode: (f.mode ?? 0o644) & 0o555 });
      }
    }
    return out;
  }

  list(): SwarmObject[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
