import type { ComponentDef } from './types.js';
import { AUTH_TOKEN, BERTH_IMAGE, MANAGE_HOST, SECRET_KEY, berthService, manageHostStacks } from './_berth.js';

export const web: ComponentDef<{ manageHost?: boolean }> = {
  name: 'web',
  summary: "berth's web dashboard and REST API (uses PostgreSQL when the stack has it, else SQLite in its volume)",
  category: 'berth',
  image: BERTH_IMAGE,
  port: 8080,
  memory: '512m',
  consumer: true,
  options: { manageHost: MANAGE_HOST },
  secrets: [AUTH_TOKEN, SECRET_KEY],
  optInUse: true,
  offers: [{ name: 'BERTH_SERVER_URL', doc: 'https://host:8080, where agents register' }],
  connection: ({ host, port }) => ({ BERTH_SERVER_URL: `https://${host}:${port}` }),
  build(ctx) {
    const svc = berthService(ctx, web, ['serve', 'web'], 8080, {
      BERTH_AUTH_TOKEN: ctx.secret('authToken'),
      BERTH_SECRET_KEY: ctx.secret('secretKey'),
    }, { serve: true });
    manageHostStacks(ctx, svc, { readOnly: false });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
