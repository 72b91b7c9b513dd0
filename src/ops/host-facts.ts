/**
 * What an agent tells its server about its host: name, Docker engine and
 * Compose versions, CPUs, memory, the disk berth's home is on, and NVIDIA
 * GPUs (model, memory, utilisation) when `nvidia-smi` is there. A fact that
 * cannot be read is left out, never guessed.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { OpsDeps } from './deps.js';

export interface Gpu {
  index: number;
  model: string;
  memoryMiB: number;
  memoryUsedMiB: number;
  utilizationPercent: number;
}

export interface HostFacts {
  hostname: string;
  os: string;
  cpus: number;
  memoryBytes: number;
  engineVersion?: string;
  composeVersion?: string;
  disk?: { path: string; totalBytes: number; freeBytes: number };
  gpus: Gpu[];
}

async function output(deps: OpsDeps, argv: string[]): Promise<string | undefined> {
  try {
    const r = await deps.runner.run({ argv });
    return r.code === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** `nvidia-smi --query-gpu` CSV, one GPU a line. */
export function parseGpus(csv: string): Gpu[] {
  return csv
    .split('\n')
    .map((l) => l.split(',').map((x) => x.trim()))
    .filter((f) => f.length === 5 && /^\d+$/.test(f[0]!))
    .map(([index, model, total, used, util]) => ({ index: Number(index), model: model!, memoryMiB: Number(total), memoryUsedMiB: Number(used), utilizationPercent: Number(util) || 0 }));
}

function disk(p: string): HostFacts['disk'] {
  try {
    const s = fs.statfsSync(p);
    return { path: p, totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  } catch {
    return undefined;
  }
}

export async function hostFacts(deps: OpsDeps): Promise<HostFacts> {
  const engineVersion = await output(deps, ['docker', 'version', '--format', '{{.Server.Version}}']);
  const compose = await deps.compose(deps.runner).catch(() => undefined);
  const composeVersion = compose ? await output(deps, [...compose.argv, 'version', '--short']) : undefined;
  const smi = await output(deps, ['nvidia-smi', '--query-gpu=index,name,memory.total,memory.used,utilization.gpu', '--format=csv,noheader,nounits']);
  fs.mkdirSync(deps.home, { recursive: true });
  return {
    hostname: os.hostname(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    ...(engineVersion ? { engineVersion } : {}),
    ...(composeVersion ? { composeVersion } : {}),
    ...(disk(deps.home) ? { disk: disk(deps.home) } : {}),
    gpus: smi ? parseGpus(smi) : [],
  };
}
