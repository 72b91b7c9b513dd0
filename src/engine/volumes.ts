/** A stack's volumes on the engine, found by label as its containers are, never by name alone. */
import { LABEL_PROJECT, LABEL_STACK, type Engine } from './docker-api.js';

/** Full volume names the engine holds for the stack: labelled by Compose for its project, or by berth. */
export async function stackVolumeNames(engine: Engine, stack: string): Promise<string[]> {
  const [byCompose, byBerth] = await Promise.all([engine.listVolumes([`${LABEL_PROJECT}=${stack}`]), engine.listVolumes([`${LABEL_STACK}=${stack}`])]);
  return [...new Set([...byCompose, ...byBerth])];
}
