/**
 * The stacks page: every stack of this host, those that need a look first
 * (degraded, damaged, unknown), with how many of their services are ready.
 * The table's rows are a part of their own, fetched again by the page's
 * script whenever a stack changes, so the page is live without a reload.
 */
import type { StacksOverview } from '../../ops/overview.js';
import { STATE_ORDER, badge } from './format.js';
import { html, type SafeHtml } from './html.js';
import { page, type PageFrame } from './layout.js';

type Row = StacksOverview['stacks'][number];

const rank = (state: string) => {
  const i = (STATE_ORDER as readonly string[]).indexOf(state);
  return i < 0 ? STATE_ORDER.length : i;
};

/** Failing first, then by name. */
export function failingFirst(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => rank(a.state) - rank(b.state) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function engineNotice(o: StacksOverview): SafeHtml {
  return o.engine.ok ? html`` : html`<p class="notice" role="alert">The Docker engine does not answer, so every state is unknown: ${o.engine.message}</p>`;
}

/** The live part: a notice when the engine does not answer, and the table. */
export function stackRows(o: StacksOverview): SafeHtml {
  if (!o.stacks.length) return html`<p>No stacks on this host yet. Make one with <code>berth generate NAME --web --postgres</code>, or <code>berth generate NAME -f stack.yaml</code>.</p>`;
  const attention = o.stacks.filter((s) => ['degraded', 'damaged'].includes(s.state)).length;
  return html`${engineNotice(o)}
<p class="summary">${o.stacks.length} ${o.stacks.length === 1 ? 'stack' : 'stacks'}${attention ? html`, <strong>${attention} ${attention === 1 ? 'needs' : 'need'} attention</strong>` : ''}.</p>
<table class="stacks">
<caption>Every stack on this host, those that need attention first</caption>
<thead><tr><th scope="col">Stack</th><th scope="col">State</th><th scope="col">Ready services</th><th scope="col">Host ports</th></tr></thead>
<tbody>
${failingFirst(o.stacks).map((s) => html`<tr data-stack="${s.name}" data-state="${s.state}">
<th scope="row"><a id="stack-${s.name}" href="/stacks/${s.name}">${s.name}</a></th>
<td>${badge(s.state)}${s.damaged ? html` <span class="error-text">${s.damaged}</span>` : ''}</td>
<td>${s.ready} of ${s.activeServices}</td>
<td>${s.ports.join(', ') || '-'}</td>
</tr>`)}
</tbody>
</table>`;
}

export function stacksPage(f: Omit<PageFrame, 'title' | 'section'>, o: StacksOverview, agentRows: SafeHtml = html``): SafeHtml {
  return page({ ...f, title: 'Stacks', section: 'stacks' }, html`<h1>Stacks</h1>
<div id="stacks" data-live="/parts/stacks" data-live-on="stack stack.removed engine">${stackRows(o)}</div>
<div id="agent-stacks" data-live="/parts/agent-stacks" data-live-on="agent">${agentRows}</div>`);
}
