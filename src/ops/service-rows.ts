/**
 * One line per service of a stack's status, as a person reads it: its
 * replicas, state, health, ports, restarts and image, summed over its
 * containers. What `berth status NAME` prints as a table and the dashboard's
 * stack page shows.
 */
import type { StackStatus } from './status.js';

export interface ServiceRow {
  name: string;
  replicas: number;
  state: string;
  /** Each distinct health of its containers (`starting` where a health check has not judged yet); empty without a health check. */
  health: string[];
  /** Published ports with their bind address, distinct. */
  ports: string[];
  /** Restarts of all its containers. */
  restarts: number;
  /** The image its first container runs, else the one generated. */
  image?: string;
}

export function serviceRows(st: StackStatus): ServiceRow[] {
  return st.services.map((v) => {
    const cs = v.containers;
    const declared = st.declared[v.name];
    return {
      name: v.name,
      replicas: cs.length,
      state: v.state,
      health: [...new Set(cs.flatMap((c) => c.health ?? (declared?.healthcheck ? ['starting'] : [])))],
      ports: [...new Set(cs.flatMap((c) => c.ports))],
      restarts: cs.reduce((n, c) => n + (c.restarts ?? 0), 0),
      image: cs[0]?.image ?? declared?.image,
    };
  });
}
