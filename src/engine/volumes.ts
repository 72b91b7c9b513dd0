/** A stack's volumes on the engine, found by label as its containers are, never by name alone. */
import { LABEL_PROJECT, LABEL_STACK, type Engine } from './docker-api.js';

/**
 * Full names of volumes the engine holds for the stack's Compose project (by
 * Compose's label or berth's): what data a secret may have been made with.
 * Read-only questions only: a foreign volume with the project's label is
 * still data, so it counts here, but it is never deleted (see ownedVolumes).
 */
export async function stackVolumeNames(engine: Engine, stack: string): Promise<string[]> {
  const [byCompose, byBerth] = await Promise.all([engine.listVolumes([`${LABEL_PROJECT}=${stack}`]), engine.listVolumes([`${LABEL_STACK}=${stack}`])]);
  return [...new Set([...byCompose, ...byBerth])];
}

/**
 * Volumes berth made for the stack, and only those: berth's own stack label
 * and Compose's project label (Compose puts both on the volumes the stack's
 * file declares), and the `<stack>_<name>` name of a volume the stack declares
 * (`declared`; every volume of the stack when not given, for a stack whose
 * files are gone). A volume someone else made with one of the labels is not
 * the stack's.
 */
export async function ownedVolumes(engine: Engine, stack: string, declared?: readonly string[]): Promise<string[]> {
  const labelled = await engine.listVolumes([`${LABEL_STACK}=${stack}`, `${LABEL_PROJECT}=${stack}`]);
  const prefix = `${stack}_`;
  return labelled.filter((v) => v.startsWith(prefix) && (!declared || declared.includes(v.slice(prefix.length)))).sort();
}
