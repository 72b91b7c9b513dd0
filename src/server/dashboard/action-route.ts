/**
 * POST /stacks/NAME/actions: a stack action asked from its page, run as the
 * same job the API runs. A page's script gets the job as JSON and follows its
 * progress in place; a plain form goes to the deployment's page. A
 * destructive action not yet confirmed does nothing: the script is told so,
 * a plain form gets a page that asks.
 */
import type { FastifyInstance } from 'fastify';
import { UsageError } from '../../errors.js';
import { stackAction, whoOf } from '../routes/stacks.js';
import { confirmPage, needsConfirmation, parseActionForm } from './action-forms.js';
import { PAGE, frameOf, type Dashboard } from './context.js';
import { sendHtml, wantsJson } from './respond.js';

export function registerActionRoute(app: FastifyInstance, d: Dashboard): void {
  app.post<{ Params: { name: string }; Body?: Record<string, unknown> }>('/stacks/:name/actions', PAGE, async (req, reply) => {
    const { name } = req.params;
    const r = parseActionForm(req.body ?? {});
    if (needsConfirmation(r)) {
      if (wantsJson(req)) throw new UsageError(`confirm: ${r.action} of stack ${name} needs confirm=yes`);
      return sendHtml(reply, confirmPage(frameOf(d, req), name, r));
    }
    const job = await d.ctx.jobs.start(name, stackAction(r.action, r.body), whoOf(req));
    if (wantsJson(req)) return reply.code(202).header('location', `/deployments/${job.id}`).send({ job });
    return reply.redirect(`/deployments/${job.id}`, 303);
  });
}
