/**
 * Deployments: the jobs this server and its agents ran (who asked, when,
 * what, how it ended, how long it took), newest first, and one job with
 * every line it logged, followed live while it runs.
 */
import { JOB_STATES, type Job, type JobLogLine } from '../../store/records/jobs.js';
import { duration, jobResult, jobWhat, when } from './format.js';
import { html, type SafeHtml } from './html.js';
import { page, type PageFrame } from './layout.js';

export interface JobFilter {
  stack?: string;
  state?: string;
}

/** A job's stack: a link to its page here, or, for an agent's job, to the agent that runs it. */
function stackCell(j: Job): SafeHtml {
  if (j.agent) return html`${j.stack} <a href="/agents#agent-${j.agent}">on its agent</a>`;
  return html`<a href="/stacks/${j.stack}">${j.stack}</a>`;
}

/** The live part: a table of jobs (or a sentence when there are none). */
export function jobRows(jobs: Job[], o: { stackColumn?: boolean } = {}): SafeHtml {
  if (!jobs.length) return html`<p>No deployments yet.</p>`;
  const stackColumn = o.stackColumn !== false;
  return html`<table class="jobs">
<caption class="visually-hidden">Deployments, newest first</caption>
<thead><tr><th scope="col">Asked at</th>${stackColumn ? html`<th scope="col">Stack</th>` : ''}<th scope="col">What</th><th scope="col">Who</th><th scope="col">Result</th><th scope="col">Took</th></tr></thead>
<tbody>
${jobs.map((j) => html`<tr data-job="${j.id}" data-state="${j.state}">
<td>${when(j.createdAt)}</td>
${stackColumn ? html`<td>${stackCell(j)}</td>` : ''}
<th scope="row"><a href="/deployments/${j.id}">${jobWhat(j)}</a></th>
<td>${j.who}</td>
<td>${jobResult(j)}</td>
<td>${duration(j.startedAt, j.finishedAt)}</td>
</tr>`)}
</tbody>
</table>`;
}

function filterForm(stacks: string[], f: JobFilter): SafeHtml {
  return html`<form method="get" action="/deployments" class="filter">
<label for="filter-stack">Stack</label>
<select id="filter-stack" name="stack"><option value="">every stack</option>${stacks.map((s) => html`<option${s === f.stack ? html` selected` : ''}>${s}</option>`)}</select>
<label for="filter-state">Result</label>
<select id="filter-state" name="state"><option value="">any</option>${JOB_STATES.map((s) => html`<option${s === f.state ? html` selected` : ''}>${s}</option>`)}</select>
<button type="submit">Show</button>
</form>`;
}

export function deploymentsPage(fr: Omit<PageFrame, 'title' | 'section'>, jobs: Job[], stacks: string[], f: JobFilter): SafeHtml {
  const query = new URLSearchParams(Object.entries(f).filter(([, v]) => v) as [string, string][]).toString();
  return page({ ...fr, title: 'Deployments', section: 'deployments' }, html`<h1>Deployments</h1>
${filterForm(stacks, f)}
<div data-live="/parts/deployments${query ? `?${query}` : ''}" data-live-on="job"${f.stack ? html` data-live-stack="${f.stack}"` : ''}>${jobRows(jobs)}</div>`);
}

/** The live part of one job: how it stands. */
export function jobSummary(j: Job): SafeHtml {
  return html`<dl class="facts">
<dt>Result</dt><dd>${jobResult(j)}</dd>
<dt>Stack</dt><dd>${stackCell(j)}</dd>${j.agent ? html`<dt>Attempts</dt><dd>${j.attempts ?? 0} (times handed to the agent)</dd>` : ''}
<dt>Asked by</dt><dd>${j.who}</dd>
<dt>Asked at</dt><dd>${when(j.createdAt)}</dd>
<dt>Started</dt><dd>${when(j.startedAt)}</dd>
<dt>Finished</dt><dd>${when(j.finishedAt)}</dd>
<dt>Took</dt><dd>${duration(j.startedAt, j.finishedAt)}</dd>
</dl>`;
}

export function jobLog(lines: JobLogLine[]): SafeHtml {
  return html`${lines.map((l) => html`<li data-seq="${l.seq}"><time datetime="${l.time}">${l.time.slice(11, 19)}</time> ${l.line}</li>`)}`;
}

export function deploymentPage(fr: Omit<PageFrame, 'title' | 'section'>, j: Job, lines: JobLogLine[]): SafeHtml {
  return page({ ...fr, title: `${jobWhat(j)} of ${j.stack}`, section: 'deployments' }, html`<p class="crumbs"><a href="/deployments">Deployments</a> / ${j.id}</p>
<h1>${jobWhat(j)} of stack ${j.stack}</h1>
<div data-live="/parts/deployments/${j.id}" data-live-on="job" data-live-job="${j.id}">${jobSummary(j)}</div>
<h2 id="log-title">Log</h2>
<ol class="log" aria-labelledby="log-title" data-job-log="${j.id}" data-seq="${lines.at(-1)?.seq ?? 0}">${jobLog(lines)}</ol>`);
}
