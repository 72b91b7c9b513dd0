/** Deterministic stand-ins for the RNG and the certificate maker, so rendered files are stable. */
import type { RandomSecret } from '../../src/resolve/secrets.js';
import type { CertMaker } from '../../src/ops/tls.js';

export function countingSecrets(): RandomSecret {
  let n = 0;
  return (kind) => `test-${kind}-${String(++n).padStart(4, '0')}`;
}

export const fakeCert: CertMaker = async (hosts) => ({
  cert: `-----BEGIN CERTIFICATE-----\nFAKE-CERT-FOR-${hosts.join('-')}\n-----END CERTIFICATE-----\n`,
  key: '-----BEGIN PRIVATE KEY-----\nFAKE-KEY\n-----END PRIVATE KEY-----\n',
});
