/**
 * Where a secret's value comes from when berth does not keep it: a secret
 * manager read on the machine running berth at each start and deploy. The
 * reference is no secret (it names where the value is); the value never
 * enters the model.
 */
export type SecretSource =
  /** 1Password CLI: `op read op://vault/item/field`. */
  | { provider: 'op'; ref: string }
  /** pass (the standard Unix password manager): the first line of `pass show path`. */
  | { provider: 'pass'; path: string }
  /** HashiCorp Vault CLI: `vault kv get -field=field path`. */
  | { provider: 'vault'; path: string; field: string }
  /** berth's own environment, under another name. */
  | { provider: 'env'; name: string }
  /** A file on the machine running berth (absolute once resolved against stack.yaml's folder). */
  | { provider: 'file'; path: string }
  /** Any program's stdout (argv, run without a shell). */
  | { provider: 'cmd'; argv: string[] };

export type SecretProvider = SecretSource['provider'];

/** How stack.yaml writes the source (for messages and berth show). */
export function sourceText(s: SecretSource): string {
  switch (s.provider) {
    case 'op':
      return s.ref;
    case 'pass':
      return `pass:${s.path}`;
    case 'vault':
      return `vault:${s.path}#${s.field}`;
    case 'env':
      return `env:${s.name}`;
    case 'file':
      return `file:${s.path}`;
    case 'cmd':
      return `cmd: ${JSON.stringify(s.argv)}`;
  }
}
