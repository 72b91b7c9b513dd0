/**
 * One stack's page: its services as they run (live), its actions (not on a
 * read-only server), its health timeline, a log tail that follows, its
 * latest deployments, and what it is made of (secret names, never values).
 */
import { releasesSection, type HereReleases } from './releases-part.js';
import type { LogRecord } from '../../ops/logs.js';
import type { StackDetails } from '../../ops/show.js';
import type { StackStatus } from '../../ops/status.js';
import { serviceRows } from '../../ops/service-rows.js';
import type { Job } from '../../store/records/jobs.js';
import { actionForms } from './action-forms.js';
import { badge } from './format.js';
import { jobRows } from './deployments-page.js';
import { html, type SafeHtml } from './html.js';
import { page, type PageFrame } from './layout.js';

export interface StackView {
  details: StackDetails;
  /** Absent when the engine does not answer; `engineError` says why. */
  status?: StackStatus;
  engineError?: string;
  logs: LogRecord[];
  jobs: Job[];
  /** The health timeline (its picture and legend), for the hours shown. */
  timeline: SafeHtml;
  hours: number;
  releases: HereReleases;
}

/** The live part: the stack's state and one row per service. */
export function servicesPart(status: StackStatus | undefined, engineError?: string): SafeHtml {
  if (!status) return html`<p class="notice" role="alert">The Docker engine does not answer, so the services' state is unknown: ${engineError ?? ''}</p>`;
  const rows = serviceRows(status);
  const active = status.services.filter((v) => v.active);
  return html`<p class="summary">${status.ready ? badge('ready') : badge('not ready')} ${active.filter((v) => v.ready).length} of ${active.length} active services ready.</p>
<table class="services">
<caption>Services of stack ${status.stack}</caption>
<thead><tr><th scope="col">Service</th><th scope="col">State</th><th scope="col">Health</th><th scope="col">Ports</th><th scope="col">Restarts</th><th scope="col">Image</th></tr></thead>
<tbody>
${rows.map((r) => html`<tr data-service="${r.name}">
<th scope="row">${r.name}${r.replicas > 1 ? html` <span class="muted">(${r.replicas} replicas)</span>` : ''}</th>
<td>${badge(r.state)}</td>
<td>${r.health.join(', ') || '-'}</td>
<td>${r.ports.join(', ') || '-'}</td>
<td>${r.restarts}</td>
<td><code>${r.image ?? '-'}</code></td>
</tr>`)}
</tbody>
</table>`;
}

/** The live part: the last lines of every container, oldest first. */
export function logTail(records: LogRecord[]): SafeHtml {
  if (!records.length) return html`(no log lines yet)`;
  return html`${records.map((r) => html`${r.service}-${r.replica} | ${r.line}\n`)}`;
}

function timelineSection(name: string, v: StackView): SafeHtml {
  return html`<section aria-labelledby="timeline-heading">
<h2 id="timeline-heading">Health, last ${v.hours} ${v.hours === 1 ? 'hour' : 'hours'}</h2>
<p class="range">Show: ${[1, 6, 24].map((h) => (h === v.hours ? html`<strong>${h} h</strong> ` : html`<a href="/stacks/${name}?hours=${h}#timeline-heading">${h} h</a> `))}</p>
${v.timeline}
</section>`;
}

function detailsSection(d: StackDetails): SafeHtml {
  return html`<section aria-labelledby="details-title">
<h2 id="details-title">Made of</h2>
<dl class="facts">
${d.description ? html`<dt>Description</dt><dd>${d.description}</dd>` : ''}
<dt>Services</dt><dd>${d.services.map((s) => s.name).join(', ')}</dd>
<dt>Profiles</dt><dd>${d.profiles.join(', ') || '(none)'}</dd>
<dt>Secrets (names only)</dt><dd>${d.secrets.join(', ') || '(none)'}</dd>
<dt>Folder</dt><dd><code>${d.dir}</code></dd>
</dl>
</section>`;
}

/** The action forms, unless the server is read-only or runs in this stack. */
function actionsPart(f: Omit<PageFrame, 'title' | 'section'>, name: string, scalable: string[]): SafeHtml {
  if (f.readOnly) return html`<p class="muted">This server is read-only: actions are made through the web server.</p>`;
  if (f.ownStack === name) return html`<p class="muted">This server runs in stack ${name}: it does not stop or change itself. Run <code>berth up|down|restart ${name}</code> on its host.</p>`;
  return actionForms(name, scalable, f.session);
}

export function stackPage(f: Omit<PageFrame, 'title' | 'section'>, v: StackView): SafeHtml {
  const name = v.details.stack;
  const scalable = v.details.services.filter((s) => s.role === 'service').map((s) => s.name);
  return page({ ...f, title: `Stack ${name}`, section: 'stacks' }, html`<p class="crumbs"><a href="/stacks">Stacks</a> / ${name}</p>
<h1>Stack ${name}</h1>
<section aria-labelledby="services-title">
<h2 id="services-title">Services</h2>
<div id="services" data-live="/parts/stacks/${name}/services" data-live-on="stack" data-live-stack="${name}">${servicesPart(v.status, v.engineError)}</div>
</section>
${actionsPart(f, name, scalable)}
${releasesSection(name, v.releases, { actions: !f.readOnly && f.ownStack !== name, session: f.session })}
${timelineSection(name, v)}
<section aria-labelledby="logs-title">
<h2 id="logs-title">Logs</h2>
<p class="log-tools"><button type="button" data-pause="log-tail" aria-pressed="false">Pause following</button> <span class="muted">The last 100 lines of each container, newest at the bottom, read again every 3 seconds.</span></p>
<pre id="log-tail" class="log-tail" tabindex="0" aria-label="Log tail of stack ${name}" data-live="/parts/stacks/${name}/logs" data-live-every="3000" data-stick-bottom>${logTail(v.logs)}</pre>
</section>
<section aria-labelledby="jobs-title">
<h2 id="jobs-title">Latest deployments</h2>
<div data-live="/parts/deployments?stack=${name}&limit=5" data-live-on="job" data-live-stack="${name}">${jobRows(v.jobs, { stackColumn: false })}</div>
<p><a href="/deployments?stack=${name}">Every deployment of ${name}</a></p>
</section>
${detailsSection(v.details)}`);
}
