/**
 * The dashboard's pages, and the parts of them its script fetches again when
 * something changes: stacks (this host's and the agents'), one stack,
 * deployments, one deployment, agents.
 * Each reads through the same operations and records the API does.
 */
import { listReleases } from '../../ops/releases.js';
import { HERE } from '../../model/release.js';
import type { HereReleases } from './releases-part.js';
import type { FastifyInstance } from 'fastify';
import { BerthError, isBerthError } from '../../errors.js';
import { stacksOverview } from '../../ops/overview.js';
import { showStack } from '../../ops/show.js';
import { stackStatus } from '../../ops/status.js';
import { ensureEngine, openStack } from '../../ops/session.js';
import { streamStackLogs, type LogRecord } from '../../ops/logs.js';
import { JOB_STATES, type JobState } from '../../store/records/jobs.js';
import { agentCards, agentStacks, agentsPage, tokenPage } from './agents-page.js';
import { whoOf } from '../routes/stacks.js';
import { PAGE, frameOf, type Dashboard } from './context.js';
import { deploymentPage, deploymentsPage, jobLog, jobRows, jobSummary } from './deployments-page.js';
import { sendHtml } from './respond.js';
import { logTail, servicesPart, stackPage } from './stack-page.js';
import { stackRows, stacksPage } from './stacks-page.js';
import { spansOf, timelineLegend, timelineSvg } from './timeline.js';
import { html } from './html.js';

type Named = { Params: { name: string } };
type JobQuery = { Querystring: { stack?: string; state?: string; limit?: string } };

const LOG_TAIL = 100;
const HOURS = [1, 6, 24];

async function tail(d: Dashboard, name: string): Promise<LogRecord[]> {
  const s = openStack(d.ctx.deps, name);
  await ensureEngine(s);
  const records: LogRecord[] = [];
  await streamStackLogs(s, { services: [], follow: false, tail: LOG_TAIL }, (r) => records.push(r));
  return records;
}

/** The stack's status, or why the engine could not tell it (any other error is the page's). */
async function statusOrWhy(d: Dashboard, name: string) {
  try {
    return { status: await stackStatus(d.ctx.deps, name) };
  } catch (e) {
    if (isBerthError(e) && e.code === 'engine_unreachable') return { engineError: e.message };
    throw e;
  }
}

async function timeline(d: Dashboard, name: string, hours: number) {
  const until = d.now();
  const since = until - hours * 3600_000;
  const samples = await d.ctx.samples.of(name, new Date(since).toISOString());
  const spans = spansOf(samples, { since, until, everyMs: d.ctx.sampler.everyMs || 60_000 });
  return html`${timelineSvg(name, spans, { since, until })}${timelineLegend(spans)}`;
}

function jobQuery(q: JobQuery['Querystring']): { stack?: string; state?: JobState; limit: number } {
  const state = (JOB_STATES as readonly string[]).includes(q.state ?? '') ? (q.state as JobState) : undefined;
  const limit = Math.min(500, Math.max(1, Number(q.limit) || 100));
  return { stack: q.stack || undefined, state, limit };
}

/** The stack's releases that ran on this host, newest first, and the one it runs. */
function hereReleases(d: Dashboard, name: string): HereReleases {
  const l = listReleases(d.ctx.deps, name);
  return { releases: l.releases.filter((r) => r.nodes[HERE]).slice(0, 10), ...(l.current[HERE] !== undefined ? { current: l.current[HERE] } : {}) };
}

function registerStackPages(app: FastifyInstance, d: Dashboard): void {
  app.get('/', PAGE, (_req, reply) => reply.redirect('/stacks', 303));
  app.get('/stacks', PAGE, async (req, reply) => sendHtml(reply, stacksPage(frameOf(d, req), await stacksOverview(d.ctx.deps), agentStacks(await d.ctx.agents.list()))));
  app.get('/parts/stacks', PAGE, async (_req, reply) => sendHtml(reply, stackRows(await stacksOverview(d.ctx.deps))));
  app.get<Named & { Querystring: { hours?: string } }>('/stacks/:name', PAGE, async (req, reply) => {
    const { name } = req.params;
    const hours = HOURS.includes(Number(req.query.hours)) ? Number(req.query.hours) : 6;
    const details = showStack(d.ctx.deps, name);
    const state = await statusOrWhy(d, name);
    const logs = state.status ? await tail(d, name).catch(() => []) : [];
    const jobs = await d.ctx.jobStore.list({ stack: name, limit: 5 });
    const releases = hereReleases(d, name);
    return sendHtml(reply, stackPage(frameOf(d, req), { details, ...state, logs, jobs, timeline: await timeline(d, name, hours), hours, releases }));
  });
  app.get<Named>('/parts/stacks/:name/services', PAGE, async (req, reply) => {
    const state = await statusOrWhy(d, req.params.name);
    return sendHtml(reply, servicesPart(state.status, state.engineError));
  });
  app.get<Named>('/parts/stacks/:name/logs', PAGE, async (req, reply) => sendHtml(reply, logTail(await tail(d, req.params.name))));
}

function registerJobPages(app: FastifyInstance, d: Dashboard): void {
  app.get<JobQuery>('/deployments', PAGE, async (req, reply) => {
    const q = jobQuery(req.query);
    const stacks = d.ctx.deps.store.stacks.names();
    return sendHtml(reply, deploymentsPage(frameOf(d, req), await d.ctx.jobStore.list(q), stacks, { stack: q.stack, state: q.state }));
  });
  app.get<JobQuery>('/parts/deployments', PAGE, async (req, reply) => {
    const q = jobQuery(req.query);
    return sendHtml(reply, jobRows(await d.ctx.jobStore.list(q), { stackColumn: !q.stack }));
  });
  const job = async (id: string) => {
    const j = await d.ctx.jobStore.get(id);
    if (!j) throw new BerthError(`no deployment ${id}; the deployments page lists them`, { code: 'not_found' });
    return j;
  };
  app.get<{ Params: { id: string } }>('/deployments/:id', PAGE, async (req, reply) => {
    const j = await job(req.params.id);
    return sendHtml(reply, deploymentPage(frameOf(d, req), j, await d.ctx.jobStore.logs(j.id)));
  });
  app.get<{ Params: { id: string } }>('/parts/deployments/:id', PAGE, async (req, reply) => sendHtml(reply, jobSummary(await job(req.params.id))));
  // The lines after the last one a page shows, as list items.
  app.get<{ Params: { id: string }; Querystring: { after?: string } }>('/parts/deployments/:id/log', PAGE, async (req, reply) => {
    const j = await job(req.params.id);
    return sendHtml(reply, jobLog(await d.ctx.jobStore.logs(j.id, Number(req.query.after) || 0)));
  });
}

function registerAgentPages(app: FastifyInstance, d: Dashboard): void {
  app.get('/agents', PAGE, async (req, reply) => sendHtml(reply, agentsPage(frameOf(d, req), await d.ctx.agents.list())));
  app.get('/parts/agents', PAGE, async (req, reply) => sendHtml(reply, agentCards(await d.ctx.agents.list(), frameOf(d, req))));
  app.get('/parts/agent-stacks', PAGE, async (_req, reply) => sendHtml(reply, agentStacks(await d.ctx.agents.list())));
  if (d.ctx.readOnly) return;
  app.post('/agents/tokens', PAGE, async (req, reply) => {
    const t = await d.ctx.agents.createToken(whoOf(req));
    return sendHtml(reply, tokenPage(frameOf(d, req), t, `${req.protocol}://${req.host}`, d.ctx.tlsFingerprint), 201);
  });
  app.post<{ Params: { id: string } }>('/agents/:id/revoke', PAGE, async (req, reply) => {
    await d.ctx.agents.revoke(req.params.id);
    return reply.redirect('/agents', 303);
  });
}

export function registerPages(app: FastifyInstance, d: Dashboard): void {
  registerStackPages(app, d);
  registerJobPages(app, d);
  registerAgentPages(app, d);
}
