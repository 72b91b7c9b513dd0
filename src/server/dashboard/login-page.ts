/** The login form (the API token), what a refused or too-frequent attempt shows, and the notice of a server whose dashboard is off. */
import { html, type SafeHtml } from './html.js';
import { page, type PageFrame } from './layout.js';

export interface LoginView {
  /** Where to go once logged in (a path of this server). */
  next: string;
  error?: string;
  /** Seconds before another attempt is taken. */
  retryAfter?: number;
}

export function loginPage(f: Omit<PageFrame, 'title' | 'session'>, v: LoginView): SafeHtml {
  const error = v.retryAfter
    ? `Too many failed attempts from your address: try again in ${v.retryAfter} seconds.`
    : v.error;
  return page({ ...f, title: 'Log in', session: null }, html`<h1>Log in to berth</h1>
<form method="post" action="/login" class="login">
  ${error ? html`<p id="login-error" class="error-text" role="alert">${error}</p>` : ''}
  <input type="hidden" name="next" value="${v.next}">
  <label for="token">API token (<code>BERTH_AUTH_TOKEN</code>)</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus${error ? html` aria-invalid="true" aria-describedby="login-error"` : ''}>
  <button type="submit">Log in</button>
</form>
<p class="hint">For a stack made by <code>berth generate NAME --web</code>, the token is in the stack's <code>.env</code> (readable by its owner only): <code>grep ^BERTH_AUTH_TOKEN= ~/.berth/stacks/NAME/.env</code>.</p>`);
}

/** What / answers when the server was started without BERTH_SECRET_KEY. */
export function dashboardOffPage(mode: string): SafeHtml {
  return page({ title: 'Dashboard off', mode, readOnly: mode === 'reporting', session: null }, html`<h1>The dashboard is off</h1>
<p>This berth server was started without <code>BERTH_SECRET_KEY</code>, the key that signs dashboard sessions, so it serves only its API (<code>/api/v1</code>, with the bearer token).</p>
<p>Set <code>BERTH_SECRET_KEY</code> (e.g. <code>export BERTH_SECRET_KEY=$(openssl rand -hex 32)</code>) and start it again${mode === 'reporting' ? html`, or start it with <code>--public</code> for a dashboard anyone who reaches it may read` : ''}.</p>`);
}
