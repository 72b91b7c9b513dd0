/** Files berth writes into a stack's folder. */

export interface FileOut {
  /** Path relative to the stack dir. */
  path: string;
  content: string;
  /** 0o600 for secrets-bearing files; default 0o644. */
  mode?: number;
}
