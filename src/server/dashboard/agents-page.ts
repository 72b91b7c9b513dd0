/**
 * The agents page: every enrolled agent, online or offline, its last
 * heartbeat, its host's facts (engine and Compose versions, CPUs, memory,
 * disk, GPUs) and the stacks it runs, live as heartbeats arrive; a button
 * for a one-time enrollment token (shown once, on a page of its own, with
 * the command that uses it), and one to revoke an agent. Also the agents'
 * stacks as the stacks page lists them.
 */
import type { AgentView } from '../agent-hub.js';
import { formatBytes } from '../../util/size.js';
import { badge, when } from './format.js';
import { html, type SafeHtml } from './html.js';
import { csrfField, page, type PageFrame } from './layout.js';

type Frame = Omit<PageFrame, 'title' | 'section'>;

interface Facts {
  hostname?: string;
  os?: string;
  cpus?: number;
  memoryBytes?: number;
  engineVersion?: string;
  composeVersion?: string;
  disk?: { path: string; totalBytes: number; freeBytes: number };
  gpus?: { index: number; model: string; memoryMiB: number; memoryUsedMiB: number; utilizationPercent: number }[];
}

interface StackRow {
  name: string;
  state: string;
  ready?: number;
  activeServices?: number;
}

const stateOf = (a: AgentView) => (a.revokedAt ? 'revoked' : a.online ? 'online' : 'offline');
const stacksOf = (a: AgentView) => (a.stacks ?? []) as StackRow[];

function facts(f: Facts): SafeHtml {
  const gpus = f.gpus ?? [];
  return html`<dl class="facts">
<dt>Host</dt><dd>${f.hostname ?? '-'}${f.os ? html` <span class="muted">(${f.os})</span>` : ''}</dd>
<dt>Engine</dt><dd>${f.engineVersion ? `Docker ${f.engineVersion}` : 'not answering'}${f.composeVersion ? `, Compose ${f.composeVersion}` : ''}</dd>
<dt>CPUs</dt><dd>${f.cpus ?? '-'}</dd>
<dt>Memory</dt><dd>${f.memoryBytes ? formatBytes(f.memoryBytes) : '-'}</dd>
<dt>Disk</dt><dd>${f.disk ? `${formatBytes(f.disk.freeBytes)} free of ${formatBytes(f.disk.totalBytes)}` : '-'}</dd>
<dt>GPUs</dt><dd>${gpus.length ? html`<ul>${gpus.map((g) => html`<li>${g.index}: ${g.model}, ${g.memoryUsedMiB} of ${g.memoryMiB} MiB, ${g.utilizationPercent}% busy</li>`)}</ul>` : 'none'}</dd>
</dl>`;
}

function stackList(a: AgentView): SafeHtml {
  const stacks = stacksOf(a);
  if (!stacks.length) return html`<p>No stacks on this host.</p>`;
  return html`<ul class="agent-stacks">${stacks.map((s) => html`<li>${s.name} ${badge(s.state)} <span class="muted">${s.ready ?? 0} of ${s.activeServices ?? 0} ready</span></li>`)}</ul>`;
}

function agentCard(a: AgentView, f: Frame): SafeHtml {
  const revoke = !f.readOnly && !a.revokedAt
    ? html`<form method="post" action="/agents/${a.id}/revoke" class="inline">${csrfField(f.session)}<button type="submit" aria-label="Revoke agent ${a.name}">Revoke</button></form>`
    : '';
  return html`<section class="agent" data-agent="${a.name}" data-state="${stateOf(a)}" aria-labelledby="agent-${a.id}">
<h2 id="agent-${a.id}">${a.name} ${badge(stateOf(a))}</h2>
<p>Last heartbeat ${when(a.lastHeartbeat)}; one every ${a.intervalSeconds} s (offline after 3 missed). Enrolled ${when(a.createdAt)} from ${a.enrolledFrom}.${a.revokedAt ? html` Revoked ${when(a.revokedAt)}.` : ''}</p>
${facts((a.facts ?? {}) as Facts)}
<h3>Stacks</h3>
${stackList(a)}
${revoke}
</section>`;
}

/** The live part: every agent, online first. */
export function agentCards(agents: AgentView[], f: Frame): SafeHtml {
  if (!agents.length) return html`<p><strong>No agents yet.</strong> Create an enrollment token, then run <code>berth agent</code> with it on the other host.</p>`;
  const rank = (a: AgentView) => (a.revokedAt ? 2 : a.online ? 0 : 1);
  const sorted = [...agents].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const online = agents.filter((a) => a.online).length;
  return html`<p class="summary">${agents.length} ${agents.length === 1 ? 'agent' : 'agents'}, ${online} online.</p>${sorted.map((a) => agentCard(a, f))}`;
}

export function agentsPage(f: Frame, agents: AgentView[]): SafeHtml {
  const create = f.readOnly
    ? ''
    : html`<form method="post" action="/agents/tokens">${csrfField(f.session)}<button type="submit">Create an enrollment token</button></form>`;
  return page({ ...f, title: 'Agents', section: 'agents' }, html`<h1>Agents</h1>
<p>Other hosts run <code>berth agent</code> and report here; jobs for them run on their own engine.</p>
${create}
<div id="agents" data-live="/parts/agents" data-live-on="agent">${agentCards(agents, f)}</div>`);
}

/** A new enrollment token, shown this once, with the command that uses it. */
export function tokenPage(f: Frame, t: { token: string; expiresAt: string }, serverUrl: string, fingerprint?: string): SafeHtml {
  const trust = fingerprint ? ` --server-fingerprint ${fingerprint}` : '';
  return page({ ...f, title: 'Enrollment token', section: 'agents' }, html`<h1>Enrollment token</h1>
<p>One agent can enroll with this token until ${when(t.expiresAt)}. It is shown only now: the server keeps a hash of it.</p>
<p><code id="enroll-token">${t.token}</code></p>
<p>On the other host:</p>
<pre class="command">export BERTH_ENROLL_TOKEN=${t.token}
berth agent --server-url ${serverUrl}${trust}</pre>
<p><a href="/agents">Back to the agents</a></p>`);
}

/** The stacks page's part for agents: each online agent's stacks. */
export function agentStacks(agents: AgentView[]): SafeHtml {
  const live = agents.filter((a) => !a.revokedAt);
  if (!live.length) return html``;
  return html`<h2>On agents</h2>
<table class="stacks">
<caption>Stacks on other hosts, as their agents last reported them</caption>
<thead><tr><th scope="col">Stack</th><th scope="col">Agent</th><th scope="col">State</th><th scope="col">Ready services</th></tr></thead>
<tbody>
${live.flatMap((a) => stacksOf(a).map((s) => html`<tr data-agent-stack="${s.name}" data-state="${s.state}"><th scope="row">${s.name}</th><td><a href="/agents#agent-${a.id}">${a.name}</a> ${a.online ? '' : badge('offline')}</td><td>${badge(s.state)}</td><td>${s.ready ?? 0} of ${s.activeServices ?? 0}</td></tr>`))}
</tbody>
</table>`;
}
