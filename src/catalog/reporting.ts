import type { ComponentDef } from './types.js';
import { AUTH_TOKEN, BERTH_IMAGE, SECRET_KEY, berthService } from './_berth.js';

export const reporting: ComponentDef<Record<string, never>> = {
  name: 'reporting',
  summary: "berth's read-only reporting dashboard",
  category: 'berth',
  image: BERTH_IMAGE,
  port: 8080,
  memory: '256m',
  consumer: true,
  options: {},
  // The key signs dashboard sessions: without it the read-only server serves its API only.
  secrets: [AUTH_TOKEN, SECRET_KEY],
  build(ctx) {
    const svc = berthService(ctx, reporting, ['serve', 'reporting'], 8080, { BERTH_AUTH_TOKEN: ctx.secret('authToken'), BERTH_SECRET_KEY: ctx.secret('secretKey'), BERTH_READ_ONLY: 'true' }, { serve: true });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
