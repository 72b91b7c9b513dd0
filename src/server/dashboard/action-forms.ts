/**
 * The stack page's actions as forms: up, restart, down and scale. They work
 * without the script (a plain POST; a destructive one answers with a page
 * asking to confirm) and, with it, run in place: a dialog asks to confirm,
 * and the job's progress shows under the buttons. The server asks for the
 * confirmation either way: a destructive action without `confirm=yes` does
 * nothing.
 */
import { UsageError } from '../../errors.js';
import { ACTIONS } from '../../ops/actions.js';
import type { Session } from '../sessions.js';
import { html, type SafeHtml } from './html.js';
import { csrfField, page, type PageFrame } from './layout.js';

export type FormAction = (typeof ACTIONS)[number];

/** What the form sent, as the API's action body. */
export interface ActionRequest {
  action: FormAction;
  body: { replicas?: Record<string, number>; release?: number };
  confirmed: boolean;
  /** The form's own fields, to ask again on the confirmation page. */
  fields: Record<string, string>;
}

const DESTRUCTIVE: ReadonlySet<FormAction> = new Set(['down', 'restart', 'scale', 'rollback']);

const field = (b: Record<string, unknown>, k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');

export function parseActionForm(b: Record<string, unknown>): ActionRequest {
  const action = field(b, 'action') as FormAction;
  if (!ACTIONS.includes(action)) throw new UsageError(`action: ${JSON.stringify(action)} is not an action; use ${ACTIONS.join(', ')}`);
  const fields: Record<string, string> = { action };
  const body: ActionRequest['body'] = {};
  if (action === 'scale') {
    const service = field(b, 'service');
    const replicas = field(b, 'replicas');
    if (!service) throw new UsageError('service: choose the service to scale');
    if (!/^\d{1,4}$/.test(replicas)) throw new UsageError(`replicas: ${JSON.stringify(replicas)} is not a number of replicas (0 or more)`);
    Object.assign(fields, { service, replicas });
    body.replicas = { [service]: Number(replicas) };
  }
  if (action === 'rollback') {
    const release = field(b, 'release');
    if (!/^[1-9]\d{0,8}$/.test(release)) throw new UsageError(`release: ${JSON.stringify(release)} is not a release number`);
    fields.release = release;
    body.release = Number(release);
  }
  return { action, body, confirmed: field(b, 'confirm') === 'yes', fields };
}

export const needsConfirmation = (r: ActionRequest) => DESTRUCTIVE.has(r.action) && !r.confirmed;

/** What a destructive action asks; `{service}` and `{replicas}` stay as they are for the script to fill in. */
export function confirmText(stack: string, action: FormAction, f: { service?: string; replicas?: string; release?: string } = {}): string {
  if (action === 'rollback') return `Put release ${f.release ?? '{release}'} of stack ${stack} back on this host? Its files and images come back and its services restart; volumes and data stay as they are.`;
  if (action === 'down') return `Stop stack ${stack}? Its containers are removed; its volumes and data are kept.`;
  if (action === 'restart') return `Restart every service of stack ${stack}? They stop and start again, in order.`;
  if (action === 'scale') return `Scale ${f.service ?? '{service}'} of stack ${stack} to ${f.replicas ?? '{replicas}'} replicas? Replicas above that are removed.`;
  return `Start stack ${stack}?`;
}

function actionButton(stack: string, action: FormAction, label: string, session: Session | null, danger = false): SafeHtml {
  return html`<form method="post" action="/stacks/${stack}/actions" data-action${DESTRUCTIVE.has(action) ? html` data-confirm="${confirmText(stack, action)}"` : ''}>
${csrfField(session)}<input type="hidden" name="action" value="${action}">
<button type="submit"${danger ? html` class="danger"` : ''}>${label}</button>
</form>`;
}

/** The actions section: the buttons, the scale form, the confirmation dialog and where progress shows. */
export function actionForms(stack: string, scalable: string[], session: Session | null): SafeHtml {
  return html`<section aria-labelledby="actions-title">
<h2 id="actions-title">Actions</h2>
<div class="actions">
${actionButton(stack, 'up', 'Start (up)', session)}
${actionButton(stack, 'restart', 'Restart', session)}
${actionButton(stack, 'down', 'Stop (down)', session, true)}
</div>
${scalable.length ? html`<form method="post" action="/stacks/${stack}/actions" class="scale" data-action data-confirm="${confirmText(stack, 'scale')}">
<fieldset><legend>Scale a service</legend>
${csrfField(session)}<input type="hidden" name="action" value="scale">
<label for="scale-service">Service</label>
<select id="scale-service" name="service">${scalable.map((s) => html`<option>${s}</option>`)}</select>
<label for="scale-replicas">Replicas</label>
<input id="scale-replicas" name="replicas" type="number" min="0" max="100" value="1" required inputmode="numeric">
<button type="submit">Scale</button>
</fieldset>
</form>` : ''}
<section id="progress" class="progress" aria-labelledby="progress-title" hidden>
<h3 id="progress-title">Progress</h3>
<p id="progress-state" role="status"></p>
<ol id="progress-log" class="log" aria-label="What the action logged"></ol>
</section>
<dialog id="confirm-dialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
<form method="dialog">
<h2 id="confirm-title">Are you sure?</h2>
<p id="confirm-text"></p>
<div class="actions"><button value="cancel" autofocus>Cancel</button><button value="ok" class="danger">Confirm</button></div>
</form>
</dialog>
</section>`;
}

/** Without the script: the page that asks to confirm a destructive action, the form's fields kept. */
export function confirmPage(f: Omit<PageFrame, 'title' | 'section'>, stack: string, r: ActionRequest): SafeHtml {
  return page({ ...f, title: `Confirm ${r.action}`, section: 'stacks' }, html`<h1>Confirm: ${r.action} of stack ${stack}</h1>
<form method="post" action="/stacks/${stack}/actions">
${csrfField(f.session)}
${Object.entries(r.fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<input type="hidden" name="confirm" value="yes">
<p>${confirmText(stack, r.action, r.fields)}</p>
<div class="actions"><button type="submit" class="danger">Yes, ${r.action}</button> <a href="/stacks/${stack}">Cancel</a></div>
</form>`);
}
