/** The agents page. berth has no agent yet, so it says so, and what will be here: no made-up hosts. */
import { html, type SafeHtml } from './html.js';
import { page, type PageFrame } from './layout.js';

export function agentsPage(f: Omit<PageFrame, 'title' | 'section'>): SafeHtml {
  return page({ ...f, title: 'Agents', section: 'agents' }, html`<h1>Agents</h1>
<p><strong>No agents.</strong> berth's agent for other hosts (<code>berth agent</code>) is not available yet: this server manages the stacks of its own host, listed under <a href="/stacks">Stacks</a>.</p>
<p>Once it is, hosts that enroll with a one-time token will be listed here: online or offline, their last heartbeat, host facts (engine, CPUs, memory, disk, GPUs) and the stacks each runs.</p>`);
}
