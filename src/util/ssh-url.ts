/**
 * `ssh://[user@]host[:port]`, the form a node's `host:` takes in stack.yaml:
 * read in one place, for the spec that validates it and the transport that
 * connects with it. The host may be a name from ~/.ssh/config.
 */

export interface SshUrl {
  user?: string;
  host: string;
  port?: number;
}

const SSH_URL = /^ssh:\/\/(?:([A-Za-z0-9._][A-Za-z0-9._-]*)@)?([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/;

/** The parts of an ssh:// URL, or undefined when it is not one berth takes. */
export function parseSshUrl(text: string): SshUrl | undefined {
  const m = SSH_URL.exec(text);
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { ...(m[1] ? { user: m[1] } : {}), host: m[2]!.replace(/^\[|\]$/g, ''), ...(port ? { port } : {}) };
}

/** `user@host`, as ssh takes it (an IPv6 address without brackets). */
export function sshDestination(u: SshUrl): string {
  return u.user ? `${u.user}@${u.host}` : u.host;
}
