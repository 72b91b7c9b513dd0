/**
 * What components hand the stack-level renderers must make sense in the
 * stack: nginx routes lead to services with a port, and a collector's own
 * scrape jobs do not take a name the stack's services have. Every issue is
 * reported at once; the renderers then render what is there.
 */
import type { Issue } from '../errors.js';
import type { Service } from '../model/service.js';
import { issuesError } from '../spec/issues.js';
import { proxyRoutes } from './routes.js';
import { scrapeEndpoints } from './scrape.js';

function scrapeJobIssues(services: Service[]): Issue[] {
  const taken = new Set(scrapeEndpoints(services).map((e) => e.job));
  const issues: Issue[] = [];
  for (const c of services) {
    if (c.config?.kind !== 'scrape') continue;
    for (const job of Object.keys(c.config.targets).filter((j) => taken.has(j))) {
      issues.push({ path: `services.${c.name}.targets.${job}`, message: `${job} is already the scrape job of the stack's service ${job}; name the job differently` });
    }
  }
  return issues;
}

export function checkConfigs(services: Service[]): void {
  const issues = services.flatMap((s) => (s.config?.kind === 'nginx' ? proxyRoutes(services, s, s.config).issues : []));
  issues.push(...scrapeJobIssues(services));
  if (issues.length) throw issuesError(issues);
}
