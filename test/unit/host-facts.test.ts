/** nvidia-smi's CSV as an agent reports its GPUs: model, memory and utilisation of each; lines it cannot read are left out. */
import { describe, expect, it } from 'vitest';
import { parseGpus } from '../../src/ops/host-facts.js';

describe('GPUs from nvidia-smi', () => {
  it('reads one GPU a line', () => {
    const csv = '0, NVIDIA A100-SXM4-80GB, 81920, 1024, 37\n1, NVIDIA A100-SXM4-80GB, 81920, 0, [N/A]\n';
    expect(parseGpus(csv)).toEqual([
      { index: 0, model: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, memoryUsedMiB: 1024, utilizationPercent: 37 },
      { index: 1, model: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, memoryUsedMiB: 0, utilizationPercent: 0 },
    ]);
  });

  it('leaves out what is not a GPU line', () => {
    expect(parseGpus('')).toEqual([]);
    expect(parseGpus('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.')).toEqual([]);
  });
});
