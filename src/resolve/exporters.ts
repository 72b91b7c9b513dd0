/**
 * Exporters, when something scrapes: each measured datastore gets its metrics
 * exporter sidecar. It runs with its target; a target that always runs gets an
 * exporter that runs with the collectors, when those are profile-gated.
 */
import { COLLECTORS } from '../catalog/index.js';
import { exporterService } from '../catalog/_base.js';
import type { Service } from '../model/service.js';
import { pickImage } from './images.js';
import { contextFor, type BuildEnv } from './fragments.js';
import type { SpecService } from './spec.js';

const EXPORTER_MEMORY_MIB = 64;

/** Adds each exporter to `produced` under its own name. */
export function addExporters(spec: SpecService[], produced: Map<string, Service[]>, env: BuildEnv): void {
  const collectors = spec.filter((s) => COLLECTORS.includes(s.def.name) && !s.options.external);
  if (!collectors.length) return;
  const collectorProfiles = collectors.every((c) => (c.options.profiles ?? []).length > 0) ? [...new Set(collectors.flatMap((c) => c.options.profiles ?? []))] : [];
  for (const s of spec) {
    const e = s.def.exporter;
    if (!e || s.options.external || s.options.exporter === false) continue;
    const profiles = [...(s.options.profiles?.length ? s.options.profiles : collectorProfiles)];
    const exporter = exporterService(contextFor(s, env), e, pickImage(e.name, e.image, env.images), EXPORTER_MEMORY_MIB, profiles);
    produced.set(exporter.name, [...(produced.get(exporter.name) ?? []), exporter]);
  }
}
