import type { ComponentDef } from './types.js';
import { AUTH_TOKEN, BERTH_IMAGE, berthService } from './_berth.js';

export const reporting: ComponentDef<Record<string, never>> = {
  name: 'reporting',
  summary: "berth's read-only reporting dashboard",
  category: 'berth',
  image: BERTH_IMAGE,
  port: 8080,
  memory: '256m',
  consumer: true,
  options: {},
  secrets: [AUTH_TOKEN],
  build(ctx) {
    const svc = berthService(ctx, reporting, ['serve', 'reporting'], 8080, { BERTH_AUTH_TOKEN: ctx.secret('authToken'), BERTH_READ_ONLY: 'true' }, { serve: true });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
