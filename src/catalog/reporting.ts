import type { ComponentDef } from './types.js';
import { AUTH_TOKEN, BERTH_IMAGE, MANAGE_HOST, SECRET_KEY, berthService, manageHostStacks } from './_berth.js';

export const reporting: ComponentDef<{ manageHost?: boolean }> = {
  name: 'reporting',
  summary: "berth's read-only reporting dashboard",
  category: 'berth',
  image: BERTH_IMAGE,
  port: 8080,
  memory: '256m',
  consumer: true,
  options: { manageHost: MANAGE_HOST },
  // The key signs dashboard sessions: without it the read-only server serves its API only.
  secrets: [AUTH_TOKEN, SECRET_KEY],
  build(ctx) {
    const svc = berthService(ctx, reporting, ['serve', 'reporting'], 8080, { BERTH_AUTH_TOKEN: ctx.secret('authToken'), BERTH_SECRET_KEY: ctx.secret('secretKey'), BERTH_READ_ONLY: 'true' }, { serve: true });
    manageHostStacks(ctx, svc, { readOnly: true });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
