/**
 * How many pods run: a HorizontalPodAutoscaler between autoscale's bounds on
 * its CPU and memory targets, and a PodDisruptionBudget for anything that
 * runs two or more, so draining a node never takes them all down at once.
 */
import type { Service } from '../../model/service.js';
import { labelsOf, object, selectorOf, type KubeObject } from './meta.js';

function utilization(resource: 'cpu' | 'memory', percent: number | undefined) {
  return percent === undefined ? [] : [{ type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization: percent } } }];
}

export function scalingObjects(s: Service, kind: string, stack: string): KubeObject[] {
  const labels = labelsOf(s, stack);
  const out: KubeObject[] = [];
  const a = s.autoscale;
  if (a) {
    out.push(
      object('autoscaling/v2', 'HorizontalPodAutoscaler', { name: s.name, labels }, {
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind, name: s.name },
          minReplicas: a.min,
          maxReplicas: a.max,
          metrics: [...utilization('cpu', a.cpuPercent), ...utilization('memory', a.memoryPercent)],
        },
      }),
    );
  }
  if ((a?.min ?? s.replicas) >= 2) {
    out.push(object('policy/v1', 'PodDisruptionBudget', { name: s.name, labels }, { spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(s.name, stack) } } }));
  }
  return out;
}
