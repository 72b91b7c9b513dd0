/** The memory budget: what the stack's long-running services may use at once, against what the host (or the user) allows. */
import { UsageError } from '../errors.js';
import type { Service } from '../model/service.js';
import { MiB, formatBytes, formatMiB, mustParseSize } from '../util/size.js';
import { runsUnder } from './profiles.js';
import { byText } from '../util/order.js';

export interface MemoryLine {
  service: string;
  memoryMiB: number;
  replicas: number;
  totalMiB: number;
}

/** Long-running services active under the stack's profiles; jobs exit and are left out. */
export function memoryLines(services: Service[], activeProfiles: string[]): MemoryLine[] {
  return services
    .filter((s) => s.role === 'service' && runsUnder(s.profiles, activeProfiles))
    .map((s) => ({ service: s.name, memoryMiB: s.memoryMiB, replicas: s.replicas, totalMiB: s.memoryMiB * s.replicas }));
}

/** `budget` in bytes: shown in its own unit, so 1k is not rounded up to 1m. */
export function memoryTable(lines: MemoryLine[], budget: number): string {
  const total = lines.reduce((a, l) => a + l.totalMiB, 0);
  const rows = [...lines].sort((a, b) => b.totalMiB - a.totalMiB || byText(a.service, b.service));
  const width = Math.max(7, ...rows.map((r) => r.service.length));
  const out = [`  ${'SERVICE'.padEnd(width)}  ${'LIMIT'.padStart(7)}  ${'x'.padStart(3)}  ${'TOTAL'.padStart(7)}`];
  for (const r of rows) out.push(`  ${r.service.padEnd(width)}  ${formatMiB(r.memoryMiB).padStart(7)}  ${String(r.replicas).padStart(3)}  ${formatMiB(r.totalMiB).padStart(7)}`);
  out.push(`  ${'total'.padEnd(width)}  ${''.padStart(7)}  ${''.padStart(3)}  ${formatMiB(total).padStart(7)}`);
  out.push(`  ${'budget'.padEnd(width)}  ${''.padStart(7)}  ${''.padStart(3)}  ${formatBytes(budget).padStart(7)}`);
  return out.join('\n');
}

/** `budget` in bytes, as given (--memory-budget or memoryBudget:). */
export function checkBudget(services: Service[], activeProfiles: string[], budget: number | undefined, hostMiB: number): string[] {
  const lines = memoryLines(services, activeProfiles);
  const total = lines.reduce((a, l) => a + l.totalMiB, 0);
  if (budget !== undefined && total * MiB > budget) {
    throw new UsageError(
      `memory budget exceeded: the services need ${formatMiB(total)}, the budget is ${formatBytes(budget)}; lower some memory: limits or raise --memory-budget`,
      memoryTable(lines, budget),
    );
  }
  if (budget === undefined && total > hostMiB) {
    return [`the services need ${formatMiB(total)} of memory but this host has ${formatMiB(hostMiB)}; lower memory: limits or run the stack on a bigger host`];
  }
  return [];
}

/** The budget in bytes: --memory-budget, else stack.yaml's memoryBudget:, else none. */
export function budgetOf(flag: number | undefined, spec: string | number | undefined): number | undefined {
  return flag ?? (spec !== undefined ? mustParseSize(spec, 'memoryBudget') : undefined);
}
