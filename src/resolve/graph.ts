/** The dependency graph: names expanded to produced services, conditions set from the target, cycles and profile gaps refused. */
import { UsageError } from '../errors.js';
import type { Condition, Service } from '../model/service.js';
import { coversProfiles, describeProfiles } from './profiles.js';
import { byText } from '../util/order.js';

function conditionFor(target: Service): Condition {
  if (target.role === 'job') return 'completed';
  return target.probe ? 'ready' : 'started';
}

/**
 * `dependsOn` entries name spec services; a spec service with instances produced
 * several services, so an entry may expand to all of them.
 */
export function settleDependencies(services: Service[], produced: Map<string, Service[]>): void {
  const byName = new Map(services.map((s) => [s.name, s]));
  for (const svc of services) {
    const settled: Record<string, Condition> = {};
    for (const dep of Object.keys(svc.dependsOn)) {
      const targets = byName.has(dep) ? [byName.get(dep)!] : produced.get(dep);
      if (!targets || targets.length === 0) {
        throw new UsageError(`services.${svc.name}.dependsOn: ${dep} is not a service in this stack; use one of ${[...byName.keys()].sort().join(', ')}`);
      }
      for (const t of targets) {
        if (t.name === svc.name) throw new UsageError(`services.${svc.name}.dependsOn: a service cannot depend on itself`);
        if (!coversProfiles(t.profiles, svc.profiles)) {
          throw new UsageError(
            `services.${svc.name}: depends on ${t.name}, which only runs under ${describeProfiles(t.profiles)}; give ${svc.name} the same profiles, or take them off ${t.name}`,
          );
        }
        settled[t.name] = conditionFor(t);
      }
    }
    svc.dependsOn = settled;
  }
  refuseCycles(services);
}

function refuseCycles(services: Service[]): void {
  const byName = new Map(services.map((s) => [s.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      throw new UsageError(`dependency cycle: ${cycle.join(' -> ')}; remove one of these dependencies (dependsOn, uses or before)`);
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(byName.get(name)?.dependsOn ?? {}).sort()) visit(dep);
    stack.pop();
    state.set(name, 'done');
  };
  for (const s of [...services].sort((a, b) => byText(a.name, b.name))) visit(s.name);
}
