/**
 * A release: one `berth deploy` of a stack, numbered per stack, and what it
 * put on each node. Kept in $BERTH_HOME and, per node, beside the release's
 * files on the node. Holds no secret value: files that carry secrets (.env,
 * private keys) are named, not copied or hashed; the non-secret env is a hash.
 */

export type ReleaseResult = 'deploying' | 'healthy' | 'failed' | 'rolled-back';

export interface ReleaseFile {
  path: string;
  mode: number;
  /** Present for files without secrets. */
  sha256?: string;
  content?: string;
  /** The file carries secrets (.env, a private key): neither its content nor a hash of it is kept. */
  secret?: true;
}

export interface ReleaseImage {
  service: string;
  ref: string;
  /** The image id on the node (sha256:...). */
  id: string;
  /** repo@sha256:... when the image came from a registry. */
  digest?: string;
  /** Built on the machine that deployed (the service's build:) and sent from there; ref is the name this release gave it. */
  built?: true;
}

export interface NodeRelease {
  host: string;
  /** How the node runs it: Compose (none) or a Swarm stack on the node, a Swarm manager. */
  target?: 'swarm';
  /** The Compose project (or Swarm stack) on the node. */
  project: string;
  /** The release's folder on the node. */
  dir: string;
  files: ReleaseFile[];
  /** sha256 of the .env entries that are not secrets (sorted NAME=value lines); the secrets' names, never their values. */
  env: { hash: string; secrets: string[] };
  images: ReleaseImage[];
  /** The release the node ran before this one. */
  previous?: number;
  result: ReleaseResult;
  /** Why it failed: berth's one line (the failing service, its state), no log lines. */
  error?: string;
  failedService?: string;
  /** Jobs (migrations, seeds) this release ran to completion on the node: what they changed in the data stays after a rollback. */
  jobsRan?: string[];
}

export const RELEASE_FORMAT = 1;

/** The node name of this machine in a stack's release records (berth up's releases). */
export const HERE = 'here';

export interface ReleaseRecord {
  format: typeof RELEASE_FORMAT;
  stack: string;
  number: number;
  startedAt: string;
  finishedAt?: string;
  /** user@machine that ran the deploy. */
  by: string;
  berthVersion: string;
  /** Variables this release set (--tag, --var), on top of stack.yaml's. */
  vars: Record<string, string>;
  nodes: Record<string, NodeRelease>;
  result: ReleaseResult;
}
