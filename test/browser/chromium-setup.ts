/**
 * The browser tier drives Debian's chromium through playwright-core (never
 * the `playwright` package, which downloads browsers of its own).
 * scripts/install-test-deps installs it. Without it the tier is skipped with
 * a loud warning, except in CI (CI=true), where that fails.
 */
import fs from 'node:fs';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The chromium to drive, or '' when there is none. */
    chromium: string;
  }
}

const CANDIDATES = [process.env.BERTH_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export default function setup(project: TestProject): void {
  const found = CANDIDATES.find((p): p is string => !!p && fs.existsSync(p));
  if (!found) {
    if (process.env.CI === 'true') throw new Error('the browser tier needs chromium (CI=true): run scripts/install-test-deps');
    console.warn('\n*** SKIPPING the browser tests: no chromium installed (scripts/install-test-deps installs it). ***\n');
  }
  project.provide('chromium', found ?? '');
}
