/** Internal caps derived from a container's memory limit, so a service never outgrows its mem_limit. */

/** Go runtimes: soft limit at 90% of the container limit. */
export function goMemLimit(limitMiB: number): string {
  return `${Math.max(16, Math.floor(limitMiB * 0.9))}MiB`;
}

/** JVM heap: 80% of the limit for the max heap, rounded down to 64 MiB; initial heap at most 256 MiB. */
export function jvmHeap(limitMiB: number, share = 0.8): { xms: number; xmx: number } {
  const xmx = Math.max(64, Math.floor((limitMiB * share) / 64) * 64);
  return { xms: Math.min(256, xmx), xmx };
}

export function jvmOpts(limitMiB: number, share = 0.8): string {
  const { xms, xmx } = jvmHeap(limitMiB, share);
  return `-Xms${xms}m -Xmx${xmx}m`;
}
