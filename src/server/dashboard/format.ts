/** Small pieces every page shows the same way: states as badges, times, durations, what a job did. */
import type { Job } from '../../store/records/jobs.js';
import { html, type SafeHtml } from './html.js';

/** Stack states, those that need a look first: the order of the stacks page. */
export const STATE_ORDER = ['degraded', 'damaged', 'unknown', 'starting', 'running', 'stopped'] as const;

/** The kind of a state, for its badge's look: the word itself is always shown too. */
function toneOf(state: string): string {
  if (['running', 'healthy', 'succeeded', 'completed', 'ready', 'online'].includes(state)) return 'good';
  if (['starting', 'queued', 'leased', 'created', 'restarting'].includes(state)) return 'busy';
  if (['stopped', 'inactive', 'down', 'revoked'].includes(state)) return 'idle';
  if (state === 'unknown') return 'unknown';
  return 'bad';
}

export function badge(state: string): SafeHtml {
  return html`<span class="badge badge-${toneOf(state)}">${state}</span>`;
}

/** A time as UTC text, with the machine-readable value for assistive tools. */
export function when(iso: string | undefined): SafeHtml {
  if (!iso) return html`<span class="muted">-</span>`;
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

export function duration(fromIso?: string, toIso?: string): string {
  if (!fromIso || !toIso) return '-';
  const s = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** `scale worker=3`, `restart redis`, `up`: what a job was asked to do. */
export function jobWhat(j: Pick<Job, 'action' | 'params'>): string {
  const p = j.params as { services?: string[]; replicas?: Record<string, number> };
  const targets = p.replicas ? Object.entries(p.replicas).map(([s, n]) => `${s}=${n}`) : (p.services ?? []);
  return [j.action, ...targets].join(' ');
}

/** The outcome of a job in words: its state, and the error it ended with. */
export function jobResult(j: Job): SafeHtml {
  return html`${badge(j.state)}${j.error ? html` <span class="error-text">${j.error.message}</span>` : ''}`;
}
