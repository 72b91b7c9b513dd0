import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i;

/** Parses a Compose-style memory size (`512m`, `1g`, `7.7g`, `1280MiB`, bytes) into bytes, or null. */
export function parseSize(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && Math.floor(text) > 0 ? Math.floor(text) : null;
  const m = SIZE_RE.exec(text.trim());
  if (!m) return null;
  const bytes = Math.floor(Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1));
  return bytes > 0 ? bytes : null;
}

/** The largest size berth takes (16 TiB): anything above is a typo, and Compose would get an unreadable mem_limit. */
export const MAX_SIZE = 16 * 1024 ** 4;
export const MAX_SIZE_TEXT = '16t';

export function mustParseSize(text: string | number, path: string): number {
  const n = parseSize(text);
  if (n === null) throw new UsageError(`${path}: ${JSON.stringify(text)} is not a size; use a number with a unit, like 512m or 1.5g`);
  if (n > MAX_SIZE) throw new UsageError(`${path}: ${JSON.stringify(text)} is more than ${MAX_SIZE_TEXT}, the largest size berth accepts; use a size like 512m or 64g`);
  return n;
}

export const MiB = 1024 ** 2;

/** Bytes to whole MiB (rounded down, at least 1). */
export function toMiB(bytes: number): number {
  return Math.max(1, Math.floor(bytes / MiB));
}

/** A size in the largest unit that keeps it at 1 or more, as given or close: `1k`, `1.5k`, `768m`, `1.25g`, `100b`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['t', 1024 ** 4], ['g', 1024 ** 3], ['m', MiB], ['k', 1024]] as const) {
    if (bytes >= size) return `${(bytes / size).toFixed(2).replace(/\.?0+$/, '')}${unit}`;
  }
  return `${bytes}b`;
}

/** Human size for tables: `768m`, `1.25g`. */
export function formatMiB(mib: number): string {
  if (mib >= 1024) return `${(mib / 1024).toFixed(2).replace(/\.?0+$/, '')}g`;
  return `${mib}m`;
}
