/**
 * The dashboard in a real browser (Debian's chromium through
 * playwright-core), against a berth server in-process over HTTPS on the
 * in-memory engine: logging in, the stacks page changing by itself when a
 * stack does, actions from a stack page with their confirmation and
 * progress, a deployment's log followed while it runs, and the keyboard.
 * Every page is kept as a screenshot in test-artifacts/browser/.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SPEC, TOKEN, startable } from '../server/_app.js';
import { launch, listening, logIn, newPage, shot } from './_browser.js';

const executable = inject('chromium');

/** A server with stack prod generated, and a page logged in to it. */
async function setUp(browser: Browser, o: Parameters<typeof listening>[0] = {}) {
  const s = await listening(o);
  expect((await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } })).statusCode).toBe(201);
  const page = await newPage(browser);
  await logIn(page, s.url);
  return { s, page };
}

const rowOf = (page: Page, stack: string) => page.locator(`tr[data-stack="${stack}"]`);

describe.skipIf(!executable)('the dashboard in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch(executable);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('logs in with the token; a wrong one is refused with the reason next to the field', async () => {
    const s = await listening();
    const page = await newPage(browser);
    await page.goto(`${s.url}/deployments`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot(page, '01-login');
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the API token');
    expect(await page.getByLabel('API token').getAttribute('aria-invalid')).toBe('true');
    await shot(page, '02-login-refused');
    await page.getByLabel('API token').fill(TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${s.url}/deployments`);
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.secure, c.sameSite])).toEqual([['__Host-berth_session', true, true, 'Strict']]);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${s.url}/login`);
    await page.goto(`${s.url}/stacks`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('the stacks page changes by itself when a stack does', async () => {
    const { s, page } = await setUp(browser);
    expect(await rowOf(page, 'prod').getAttribute('data-state')).toBe('stopped');
    await expect.poll(() => page.locator('#live-status').textContent()).toContain('Live');
    for (const svc of ['postgres', 'redis', 'worker']) s.engine.add('prod', svc, { health: 'healthy' });
    await expect.poll(() => rowOf(page, 'prod').getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
    expect(await rowOf(page, 'prod').textContent()).toContain('3 of 3');
    // A new stack appears, failing ones move to the top, without a reload.
    await s.call('POST', '/api/v1/stacks/cache', { payload: { spec: 'services:\n  redis: {}\n' } });
    s.engine.add('cache', 'redis', { health: 'unhealthy' });
    await expect.poll(() => page.locator('tr[data-stack]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stack'))), { timeout: 10_000 }).toEqual(['cache', 'prod']);
    await shot(page, '03-stacks');
  });

  it('runs actions from the stack page: progress in place, and a confirmation before what destroys', async () => {
    const { s, page } = await setUp(browser);
    startable(s.engine, 'prod', ['postgres', 'redis', 'worker']);
    const now = Date.now();
    // Five hours of samples a minute apart: running, degraded for a while, then nothing for the last hour.
    const degraded = (m: number) => m >= 120 && m < 150;
    await s.ctx.samples.add(Array.from({ length: 300 }, (_, m) => ({ stack: 'prod', at: new Date(now - (360 - m) * 60_000).toISOString(), state: degraded(m) ? 'degraded' : 'running', ready: degraded(m) ? 2 : 3, active: 3 })));
    await page.getByRole('link', { name: 'prod' }).click();
    await page.waitForURL(`${s.url}/stacks/prod`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Stack prod');
    expect(await page.getByRole('img', { name: /Health of stack prod/ }).count()).toBe(1);

    await page.getByRole('button', { name: 'Start (up)' }).click();
    const progress = page.locator('#progress');
    await expect.poll(() => progress.locator('#progress-log').textContent(), { timeout: 10_000 }).toContain('up of stack prod succeeded');
    await expect.poll(() => progress.locator('#progress-state').textContent()).toBe('up of prod: succeeded');
    await expect.poll(() => page.locator('#services tr[data-service="redis"]').textContent(), { timeout: 10_000 }).toContain('healthy');
    // The log tail follows: a new line shows within its 3 s.
    const redis = s.engine.containers.find((c) => c.Labels['com.docker.compose.service'] === 'redis')!;
    s.engine.logLines[redis.Id] = [{ stream: 'stdout', time: new Date().toISOString(), text: 'Ready to accept connections tcp' }];
    await expect.poll(() => page.locator('#log-tail').textContent(), { timeout: 10_000 }).toContain('redis-1 | Ready to accept connections tcp');
    await shot(page, '04-stack-after-up');

    // Restart asks first; cancelling does nothing.
    await page.getByRole('button', { name: 'Restart' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Restart every service of stack prod?');
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(false);
    // Down asks, and runs once confirmed.
    await page.getByRole('button', { name: 'Stop (down)' }).click();
    expect(await dialog.textContent()).toContain('Stop stack prod? Its containers are removed; its volumes and data are kept.');
    await shot(page, '05-stack-confirm-down');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => progress.locator('#progress-log').textContent(), { timeout: 10_000 }).toContain('down of stack prod succeeded');
    await s.ctx.jobs.idle();
    expect((await s.ctx.jobStore.list({ limit: 10 })).map((j) => `${j.action} ${j.who} ${j.state}`)).toEqual(['down dashboard@127.0.0.1 succeeded', 'up dashboard@127.0.0.1 succeeded']);
    // Scale fills the confirmation with what was chosen.
    await page.getByLabel('Service', { exact: true }).selectOption('worker');
    await page.getByLabel('Replicas', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Scale' }).click();
    expect(await dialog.textContent()).toContain('Scale worker of stack prod to 2 replicas?');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('#jobs-title + div').textContent()).toContain('down');
    await shot(page, '06-stack');
  });

  it("shows a deployment's log, following it while the job runs", async () => {
    const { s, page } = await setUp(browser);
    // Containers that start but are judged healthy only when the test says so.
    for (const svc of ['postgres', 'redis', 'worker']) s.engine.add('prod', svc, { state: 'created' });
    s.engine.execExit = () => 1;
    const job = await s.ctx.jobs.start('prod', { action: 'up', timeoutMs: 20_000 }, 'token@127.0.0.1');
    await page.goto(`${s.url}/deployments`);
    await page.getByRole('link', { name: 'up' }).click();
    await page.waitForURL(`${s.url}/deployments/${job.id}`);
    await expect.poll(() => page.locator('ol.log').textContent(), { timeout: 10_000 }).toContain('up of stack prod started by token@127.0.0.1');
    for (const c of s.engine.containers) c.Status = 'Up 2 seconds (healthy)';
    s.engine.execExit = () => 0;
    await expect.poll(() => page.locator('ol.log').textContent(), { timeout: 15_000 }).toContain('up of stack prod succeeded');
    await expect.poll(() => page.locator('.facts').first().textContent()).toContain('succeeded');
    const seqs = await page.locator('ol.log li').evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-seq'))));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    await shot(page, '07-deployment');
    await page.goto(`${s.url}/deployments`);
    expect(await page.locator('tr[data-job]').count()).toBe(1);
    await shot(page, '08-deployments');
  });

  it('is usable from the keyboard, and the agents page says there are none yet', async () => {
    const { s, page } = await setUp(browser);
    await page.goto(`${s.url}/agents`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(await page.getByRole('link', { name: 'Agents' }).getAttribute('aria-current')).toBe('page');
    expect(await page.locator('main').textContent()).toContain('No agents yet.');
    await shot(page, '09-agents');
  });

  it('makes an enrollment token, then shows the enrolled agent, its host and stacks, online and then offline by itself', async () => {
    const { s, page } = await setUp(browser, { agentTimes: { sweepMs: 100 } });
    await page.goto(`${s.url}/agents`);
    await page.getByRole('button', { name: 'Create an enrollment token' }).click();
    const token = (await page.locator('#enroll-token').textContent())!;
    expect(token).toMatch(/^berth-enroll-/);
    await shot(page, '10-enrollment-token');
    await page.goto(`${s.url}/agents`);
    const enrolled = await s.call('POST', '/api/v1/agents/enroll', { token: null, payload: { token, name: 'gpu1', intervalSeconds: 1 } });
    const { credential } = enrolled.json();
    const facts = { hostname: 'gpu1.lab', cpus: 16, memoryBytes: 64 * 2 ** 30, engineVersion: '27.3.1', composeVersion: '2.29.1', gpus: [{ index: 0, model: 'NVIDIA L4', memoryMiB: 23034, memoryUsedMiB: 0, utilizationPercent: 0 }] };
    const beat = () => s.call('POST', '/api/v1/agent/heartbeat', { token: credential, payload: { intervalSeconds: 1, facts, stacks: [{ name: 'train', state: 'running', ready: 1, activeServices: 1 }] } });
    // The agent beats as a live one does (every half interval) until the page has shown it, however slow the page is.
    await beat();
    const beating = setInterval(() => void beat(), 500);
    const card = page.locator('section[data-agent="gpu1"]');
    try {
      await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('online');
      const text = await card.textContent();
      for (const t of ['gpu1.lab', 'Docker 27.3.1, Compose 2.29.1', 'NVIDIA L4', 'train']) expect(text).toContain(t);
      await shot(page, '11-agent-online');
    } finally {
      clearInterval(beating);
    }
    // No heartbeat for three of its intervals: offline, without a reload.
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 15_000 }).toBe('offline');
    await shot(page, '12-agent-offline');
    await page.goto(`${s.url}/stacks`);
    expect(await page.locator('tr[data-agent-stack="train"]').textContent()).toContain('gpu1');
  });

  it('a reporting server shows the same pages without any action', async () => {
    const web = await listening();
    await web.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    const s = await listening({ mode: 'reporting', home: web.home });
    const page = await newPage(browser);
    await logIn(page, s.url);
    await page.goto(`${s.url}/stacks/prod`);
    expect(await page.locator('main').textContent()).toContain('This server is read-only');
    expect(await page.getByRole('button', { name: /Start|Stop|Restart|Scale/ }).count()).toBe(0);
    await shot(page, '10-reporting-stack');
  });
});
