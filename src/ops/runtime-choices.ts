/** Replicas set at run time (berth scale), kept in the run-time store until the next up or down of those services. */
import type { Store } from '../store/store.js';

export function recordScaled(store: Store, name: string, scale: Record<string, number>): void {
  store.runtime.update(name, (s) => ({ ...s, scale: { ...s.scale, ...scale } }));
}

/** up and down put services back to their file's replicas: forget those (all when none are named). */
export function forgetScaled(store: Store, name: string, services?: string[]): void {
  store.runtime.update(name, (s) => ({ ...s, scale: services ? Object.fromEntries(Object.entries(s.scale).filter(([k]) => !services.includes(k))) : {} }));
}
