/**
 * Text in a container: a variable's value is written in (it is known at
 * export), a secret never is. An env entry that is one secret is a
 * secretKeyRef; any other text that holds a secret refers to an env entry
 * holding it with Kubernetes' $(NAME) expansion, which command, args and env
 * values get (probes do not: see probe.ts). Entries others refer to come
 * first, as $(NAME) only sees the entries before it.
 */
import type { Service } from '../../model/service.js';
import { isRef, partsOf, textValue, type Ref, type Text } from '../../model/text.js';
import { probeTexts } from '../../model/probe.js';

export interface SecretRef {
  secret: string;
  key: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

export interface ContainerText {
  env: EnvVar[];
  /** A text as command, args or env value: $(NAME) for the entry holding each secret. */
  expand(t: Text): string;
  /** The env entry holding a secret (for a shell, which reads it as ${NAME}). */
  holderOf(secret: string): string;
}

/** Kubernetes reads $$ as $ and $(X) as X's value: a literal $ before ( or $ is doubled. */
const escape = (s: string) => s.replace(/\$(?=[($])/g, '$$$$');

/** The sole secret a text is, if it is exactly one reference to one. */
function soleSecret(t: Text): string | undefined {
  const parts = partsOf(t);
  return parts.length === 1 && isRef(parts[0]!) && parts[0].secret !== undefined ? parts[0].secret : undefined;
}

/** A variable's value as written in; ops (:-, -) apply as in stack.yaml. */
export function varValue(r: Ref, vars: Readonly<Record<string, string>>): string {
  return textValue([r], vars) ?? '';
}

function texts(s: Service): Text[] {
  return [...Object.values(s.environment), ...(s.command ?? []), ...(s.entrypoint ?? []), ...(s.probe ? probeTexts(s.probe) : [])];
}

export function containerText(s: Service, vars: Readonly<Record<string, string>>, refOf: (secret: string) => SecretRef): ContainerText {
  const holders = new Map<string, string>();
  const keys = Object.keys(s.environment).sort();
  for (const k of keys) {
    const sole = soleSecret(s.environment[k]!);
    if (sole && !holders.has(sole)) holders.set(sole, k);
  }
  const needed = new Set(texts(s).flatMap((t) => partsOf(t).flatMap((p) => (isRef(p) && p.secret !== undefined ? [p.secret] : []))));
  const extra: EnvVar[] = [];
  for (const secret of [...needed].sort()) {
    if (holders.has(secret)) continue;
    const name = Object.hasOwn(s.environment, secret) ? `BERTH_SECRET_${secret}` : secret;
    holders.set(secret, name);
    extra.push({ name, valueFrom: { secretKeyRef: keyRef(refOf(secret)) } });
  }
  const holderOf = (secret: string) => holders.get(secret)!;
  const expand = (t: Text) => partsOf(t).map((p) => (!isRef(p) ? escape(p) : p.secret !== undefined ? `$(${holderOf(p.secret)})` : escape(varValue(p, vars)))).join('');
  const plain: EnvVar[] = [...extra];
  const composed: EnvVar[] = [];
  for (const k of keys) {
    const t = s.environment[k]!;
    const sole = soleSecret(t);
    if (sole) plain.push({ name: k, valueFrom: { secretKeyRef: keyRef(refOf(sole)) } });
    else if (partsOf(t).some((p) => isRef(p) && p.secret !== undefined)) composed.push({ name: k, value: expand(t) });
    else plain.push({ name: k, value: expand(t) });
  }
  return { env: [...plain.sort((a, b) => (a.name < b.name ? -1 : 1)), ...composed], expand, holderOf };
}

const keyRef = (r: SecretRef) => ({ name: r.secret, key: r.key });

/** A text with no secret in it, variables written in: an image, a mount path, an HTTP probe's path. */
export function plainText(t: Text, vars: Readonly<Record<string, string>>): string {
  return partsOf(t).map((p) => (isRef(p) ? varValue(p, vars) : p)).join('');
}
