/**
 * One chromium for a test file, launched with the flags that work on these
 * machines (no sandbox, no GPU, nothing fetched in the background), and a
 * berth server per test listening over HTTPS with a self-signed certificate,
 * as `berth serve web` does. Screenshots go to test-artifacts/browser/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { selfSignedCert } from '../../src/ops/tls.js';
import { TOKEN, testServer } from '../server/_app.js';

export const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts', 'browser');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch(executablePath: string): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath, args: FLAGS });
}

let cert: Promise<{ cert: string; key: string }> | undefined;

/** A server (in-memory engine, recording runner) listening on a free loopback port; its URL. */
export async function listening(o: Parameters<typeof testServer>[0] = {}) {
  const s = await testServer({ https: await (cert ??= selfSignedCert(['127.0.0.1'])), ...o });
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...s, url: `https://127.0.0.1:${(s.app.server.address() as AddressInfo).port}` };
}

/** A fresh browser context that trusts the self-signed certificate; its page. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1200, height: 900 } });
  onTestFinished(() => context.close());
  return context.newPage();
}

export async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/stacks`);
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${url}/stacks`);
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
