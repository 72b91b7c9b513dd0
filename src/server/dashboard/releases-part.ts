/**
 * The stack page's releases on this host (each `up` of the whole stack):
 * when, who, the result and the images, which one runs now, and a button to
 * put a healthy earlier one back (a rollback job, confirmed first). A
 * read-only server, or one that runs in the stack, shows them without it.
 */
import type { ReleaseRecord } from '../../model/release.js';
import { HERE } from '../../model/release.js';
import type { Session } from '../sessions.js';
import { confirmText } from './action-forms.js';
import { html, type SafeHtml } from './html.js';
import { csrfField } from './layout.js';
import { when } from './format.js';

export interface HereReleases {
  /** Releases that ran on this host, newest first. */
  releases: ReleaseRecord[];
  /** The one this host runs now. */
  current?: number;
}

function rollbackButton(stack: string, n: number, session: Session | null): SafeHtml {
  return html`<form method="post" action="/stacks/${stack}/actions" data-action data-confirm="${confirmText(stack, 'rollback', { release: String(n) })}">
${csrfField(session)}<input type="hidden" name="action" value="rollback"><input type="hidden" name="release" value="${n}">
<button type="submit" class="danger">Roll back to ${n}</button>
</form>`;
}

export function releasesSection(stack: string, r: HereReleases, o: { actions: boolean; session: Session | null }): SafeHtml {
  const rows = r.releases.map((x) => {
    const here = x.nodes[HERE]!;
    const images = [...new Set(here.images.map((i) => i.ref))].join(' ');
    const back = o.actions && here.result === 'healthy' && x.number !== r.current ? rollbackButton(stack, x.number, o.session) : '';
    return html`<tr data-release="${x.number}"><th scope="row">${x.number}${x.number === r.current ? html` <strong>(running)</strong>` : ''}</th><td>${when(x.startedAt)}</td><td>${x.by}</td><td>${here.result}${here.error ? html`: ${here.error}` : ''}</td><td><code>${images || '-'}</code></td><td>${back}</td></tr>`;
  });
  return html`<section aria-labelledby="releases-title">
<h2 id="releases-title">Releases on this host</h2>
${r.releases.length ? html`<table class="releases">
<caption class="visually-hidden">Releases of stack ${stack} on this host, newest first</caption>
<thead><tr><th scope="col">Release</th><th scope="col">Started</th><th scope="col">Who</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${rows}</tbody>
</table>` : html`<p>No releases yet: each start of the whole stack (up) is one.</p>`}
</section>`;
}
