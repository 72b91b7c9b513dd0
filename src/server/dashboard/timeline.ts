/**
 * A stack's health over the last hours as a picture: a band coloured by the
 * stack's state through time (its name in each span's tooltip, and a legend
 * with the share of time in each state, so colour is never the only cue), and
 * a line of how many of its services were ready. Drawn from the samples the
 * server took; where there are none (the server was not running, or the
 * engine did not answer) the band is left empty and says "no samples".
 */
import type { StackSample } from '../../store/records/samples.js';
import { html, type SafeHtml } from './html.js';

export interface Span {
  from: number;
  to: number;
  state: string;
  ready: number;
  active: number;
}

/** Each sample stands for the time until the next one, but no longer than two sampling periods; equal neighbours make one span. */
export function spansOf(samples: StackSample[], o: { since: number; until: number; everyMs: number }): Span[] {
  const out: Span[] = [];
  samples.forEach((s, i) => {
    const from = Math.max(o.since, Date.parse(s.at));
    const next = samples[i + 1] ? Date.parse(samples[i + 1]!.at) : o.until;
    const to = Math.min(next, Date.parse(s.at) + 2 * o.everyMs, o.until);
    if (to <= from) return;
    const last = out.at(-1);
    // One span for a run of equal samples: fewer shapes, and no seams between them.
    if (last && last.to === from && last.state === s.state && last.ready === s.ready && last.active === s.active) last.to = to;
    else out.push({ from, to, state: s.state, ready: s.ready, active: s.active });
  });
  return out;
}

/** Share of the sampled time in each state, largest first. */
export function shares(spans: Span[]): [string, number][] {
  const total = spans.reduce((n, s) => n + s.to - s.from, 0);
  const by = new Map<string, number>();
  for (const s of spans) by.set(s.state, (by.get(s.state) ?? 0) + s.to - s.from);
  return [...by].map(([state, ms]): [string, number] => [state, total ? ms / total : 0]).sort((a, b) => b[1] - a[1]);
}

const W = 720;
const BAND = { y: 8, h: 28 };
const LINE = { y: 48, h: 56 };
const H = 128;
const pct = (f: number) => `${Math.round(f * 100)}%`;
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

function ticks(since: number, until: number): SafeHtml[] {
  const hours = (until - since) / 3600_000;
  const step = (hours <= 2 ? 0.25 : hours <= 8 ? 1 : 4) * 3600_000;
  const out: SafeHtml[] = [];
  for (let t = Math.ceil(since / step) * step; t <= until; t += step) {
    const x = ((t - since) / (until - since)) * W;
    out.push(html`<line class="tick" x1="${x}" x2="${x}" y1="${BAND.y}" y2="${LINE.y + LINE.h}"></line><text class="tick-label" x="${x}" y="${H - 4}" text-anchor="middle">${hhmm(t)}</text>`);
  }
  return out;
}

/** The SVG, with a title and a description that says in words what it shows. */
export function timelineSvg(stack: string, spans: Span[], o: { since: number; until: number }): SafeHtml {
  const x = (t: number) => ((t - o.since) / (o.until - o.since)) * W;
  const hours = Math.round((o.until - o.since) / 3600_000);
  const summary = spans.length ? shares(spans).map(([s, f]) => `${s} ${pct(f)}`).join(', ') : 'no samples yet';
  // A step line of the ready share, broken where there are no samples.
  let lastTo = -Infinity;
  const path = spans.map((s) => {
    const y = (LINE.y + LINE.h - (s.active ? s.ready / s.active : 0) * LINE.h).toFixed(1);
    const step = `${s.from > lastTo ? 'M' : 'L'}${x(s.from).toFixed(1)},${y} L${x(s.to).toFixed(1)},${y}`;
    lastTo = s.to;
    return step;
  });
  return html`<svg class="timeline" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="timeline-title timeline-desc">
<title id="timeline-title">Health of stack ${stack}, last ${hours} h (UTC)</title>
<desc id="timeline-desc">Share of sampled time: ${summary}. The line shows how many services were ready.</desc>
<rect class="no-samples" x="0" y="${BAND.y}" width="${W}" height="${BAND.h}"></rect>
${spans.map((s) => html`<rect class="state state-${s.state}" x="${x(s.from).toFixed(1)}" y="${BAND.y}" width="${Math.max(0.5, x(s.to) - x(s.from)).toFixed(1)}" height="${BAND.h}"><title>${hhmm(s.from)}-${hhmm(s.to)} UTC: ${s.state}, ${s.ready}/${s.active} ready</title></rect>`)}
<rect class="ready-area" x="0" y="${LINE.y}" width="${W}" height="${LINE.h}"></rect>
${path.length ? html`<path class="ready-line" d="${path.join(' ')}"></path>` : ''}
${ticks(o.since, o.until)}
</svg>`;
}

/** The legend under the picture: every state seen, with its share of the time. */
export function timelineLegend(spans: Span[]): SafeHtml {
  if (!spans.length) return html`<p class="muted">No samples in this period: the server samples every stack once a minute while it runs.</p>`;
  return html`<ul class="legend">${shares(spans).map(([s, f]) => html`<li><span class="swatch state-${s}" aria-hidden="true"></span>${s}: ${pct(f)} of the sampled time</li>`)}</ul>`;
}
