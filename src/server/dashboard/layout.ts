/**
 * The page around every dashboard page: a skip link, the site's navigation
 * (the current page marked for assistive tools), the log-out form, a status
 * line for the live connection, and the one stylesheet and script the server
 * serves itself. The CSRF token rides in a meta tag for the script, and in
 * every form.
 */
import type { Session } from '../sessions.js';
import { CSRF_FIELD } from '../sessions.js';
import { html, type Html, type SafeHtml } from './html.js';

export type Section = 'stacks' | 'deployments' | 'agents';

export interface PageFrame {
  title: string;
  section?: Section;
  /** web, or reporting (read-only). */
  mode: string;
  readOnly: boolean;
  session: Session | null;
  /** The stack the server runs in, whose actions are the CLI's. */
  ownStack?: string;
}

const NAV: [Section, string, string][] = [
  ['stacks', '/stacks', 'Stacks'],
  ['deployments', '/deployments', 'Deployments'],
  ['agents', '/agents', 'Agents'],
];

/** The hidden field that carries the session's CSRF token in a form. */
export function csrfField(session: Session | null): SafeHtml {
  return session ? html`<input type="hidden" name="${CSRF_FIELD}" value="${session.csrf}">` : html``;
}

function header(f: PageFrame): SafeHtml {
  return html`<header class="top">
  <p class="brand"><a href="/stacks">berth</a> <span class="mode">${f.mode}${f.readOnly ? ' (read-only)' : ''}</span></p>
  <nav aria-label="Main"><ul>${NAV.map(([id, href, label]) => html`<li><a href="${href}"${id === f.section ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul></nav>
  ${f.session ? html`<form method="post" action="/logout" class="logout">${csrfField(f.session)}<button type="submit">Log out</button></form>` : ''}
  <p id="live-status" class="live-status" role="status" aria-live="polite"></p>
</header>`;
}

export function page(f: PageFrame, body: Html): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${f.session ? html`<meta name="csrf-token" content="${f.session.csrf}">` : ''}
<title>${f.title} · berth ${f.mode}</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<script type="module" src="/assets/dashboard.js"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
${f.section || f.session ? header(f) : ''}
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>
`;
}
