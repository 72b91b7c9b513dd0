import type { IO } from './io.js';

export function printJson(io: IO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

export function warn(io: IO, message: string): void {
  io.err(`berth: warning: ${message}\n`);
}

/** Left-aligned columns, two spaces apart; headers in capitals. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
