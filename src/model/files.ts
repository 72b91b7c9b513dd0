/** Files berth writes into a stack's folder. */

export interface FileOut {
  /** Path relative to the stack dir. */
  path: string;
  content: string;
  /** 0o600 for secrets-bearing files; default 0o644. */
  mode?: number;
}

/**
 * A file services read their configuration from (prometheus.yml, nginx.conf,
 * a config.d snippet, a certificate): a target mounts it into each consumer
 * (Compose a bind mount, Kubernetes a ConfigMap or Secret).
 */
export interface ConfigFile extends FileOut {
  /** Names of the services that mount it. */
  consumers: string[];
}
