/**
 * Text in a Swarm stack file. Variables are filled in with the release's
 * values (the file is rendered for one deploy); secrets never are: a service
 * reads them from its Swarm secret files, through the start script
 * (start.ts) or `$(cat /run/secrets/NAME)` in a shell probe. `docker stack
 * deploy` interpolates `$` itself, so every dollar in the finished file is
 * written `$$` (dollarsEscaped).
 */
import { UsageError } from '../../errors.js';
import { isRef, partsOf, textValue, type Ref, type Text } from '../../model/text.js';

/** Where a service reads a secret: the file Swarm mounts for it. */
export const secretPath = (name: string) => `/run/secrets/${name}`;

export const refersToSecret = (t: Text): boolean => partsOf(t).some((p) => isRef(p) && p.secret !== undefined);

/** A variable reference's value (its default when unset), or a usage error naming it. */
function varValue(r: Ref, vars: Readonly<Record<string, string>>, where: string): string {
  const v = textValue([r], vars);
  if (v === undefined) throw new UsageError(`${where}: refers to \${${r.var}}, which has no value; set it under vars: in stack.yaml or with --var ${r.var}=...`);
  return v;
}

/** The text with its variables filled in; undefined when it refers to a secret. */
export function plainText(t: Text, vars: Readonly<Record<string, string>>, where: string): string | undefined {
  if (refersToSecret(t)) return undefined;
  return partsOf(t)
    .map((p) => (isRef(p) ? varValue(p, vars, where) : p))
    .join('');
}

/** The text with its variables filled in, where a secret cannot be read (an image, a label): a reference to one is an error naming where. */
export function mustPlain(t: Text, vars: Readonly<Record<string, string>>, where: string): string {
  const v = plainText(t, vars, where);
  if (v === undefined) throw new UsageError(`${where}: refers to a secret, which a Swarm service can read only from its secret files; take the secret out of it`);
  return v;
}

/** Inside "...": each character a shell would read specially there, escaped. */
const inDoubleQuotes = (s: string) => s.replace(/[\\"$`]/g, (c) => `\\${c}`);

/** The text as one double-quoted shell word: literal parts as they are, variables filled in, secrets read from their files. */
export function shellQuoted(t: Text, vars: Readonly<Record<string, string>>, where: string): string {
  const body = partsOf(t)
    .map((p) => (!isRef(p) ? inDoubleQuotes(p) : p.secret !== undefined ? `$(cat ${secretPath(p.secret)})` : inDoubleQuotes(varValue(p, vars, where))))
    .join('');
  return `"${body}"`;
}

/** A shell script's text: literal parts and variables as they are (as Compose puts them in), each secret read from its file. */
export function shellScript(t: Text, vars: Readonly<Record<string, string>>, where: string): string {
  return partsOf(t)
    .map((p) => (!isRef(p) ? p : p.secret !== undefined ? `$(cat ${secretPath(p.secret)})` : varValue(p, vars, where)))
    .join('');
}

/** Every secret a text refers to. */
export function secretsOf(t: Text): string[] {
  return partsOf(t).flatMap((p) => (isRef(p) && p.secret !== undefined ? [p.secret] : []));
}

/** Every string in the document with `$` written `$$`, so docker stack deploy leaves it as it is. */
export function dollarsEscaped<T>(doc: T): T {
  if (typeof doc === 'string') return doc.replaceAll('$', '$$$$') as T;
  if (Array.isArray(doc)) return doc.map(dollarsEscaped) as T;
  if (doc && typeof doc === 'object') return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, dollarsEscaped(v)])) as T;
  return doc;
}
