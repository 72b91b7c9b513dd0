/**
 * Per-service progress while a stack starts. On a terminal the block of lines
 * is redrawn in place (log-update); otherwise one plain line per change.
 */
import type { IO } from './io.js';
import type { ServiceView } from '../engine/state.js';

const MARK: Record<string, string> = {
  healthy: '✔', completed: '✔', running: '✔', inactive: '-', starting: '…', down: '…', created: '…',
  unhealthy: '✖', failed: '✖', exited: '✖', restarting: '↻',
};

function line(v: ServiceView, width: number, readyAfterMs: number | undefined): string {
  const c = v.containers.length > 1 ? ` x${v.containers.length}` : '';
  const state = v.role === 'job' && v.state === 'completed' ? 'completed (exit 0)' : v.state === 'down' || v.state === 'created' ? 'waiting' : v.state;
  return `  ${MARK[v.state] ?? ' '} ${(v.name + c).padEnd(width)}  ${state}${readyAfterMs !== undefined ? `  ${(readyAfterMs / 1000).toFixed(1)}s` : ''}`;
}

export interface Progress {
  update(views: ServiceView[]): void;
  done(): void;
}

export async function progress(io: IO, opts: { plainTo?: (s: string) => void } = {}): Promise<Progress> {
  const since = Date.now();
  const readyAt = new Map<string, number>();
  if (io.isTTY && !opts.plainTo) {
    const { createLogUpdate } = await import('log-update');
    const draw = createLogUpdate(process.stdout, { showCursor: true });
    return {
      update(views) {
        const shown = views.filter((v) => v.state !== 'inactive');
        const width = Math.max(...shown.map((v) => v.name.length + 4), 8);
        for (const v of shown) if (v.ready && !readyAt.has(v.name)) readyAt.set(v.name, Date.now() - since);
        draw(shown.map((v) => line(v, width, v.ready ? readyAt.get(v.name) : undefined)).join('\n'));
      },
      done: () => draw.done(),
    };
  }
  const write = opts.plainTo ?? ((s: string) => io.out(s));
  const last = new Map<string, string>();
  return {
    update(views) {
      for (const v of views.filter((x) => x.state !== 'inactive')) {
        const key = `${v.state}/${v.containers.length}`;
        if (last.get(v.name) === key) continue;
        last.set(v.name, key);
        if ((v.state === 'down' && !v.containers.length) || v.state === 'created') continue;
        write(`${v.name}: ${v.state}${v.ready ? ` (${((Date.now() - since) / 1000).toFixed(1)}s)` : ''}\n`);
      }
    },
    done: () => undefined,
  };
}
