/**
 * Names and labels every object carries: the app.kubernetes.io labels (the
 * service, the stack, the catalog component, berth as manager) and the two
 * of them a selector matches on, so each Service selects its own pods.
 */
import type { Service } from '../../model/service.js';

export type Labels = Record<string, string>;

export interface Meta {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
}

/** One Kubernetes object, as it is written. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  [field: string]: unknown;
}

export const MANAGED_BY = 'berth';

/** Pods of one service of one stack. */
export function selectorOf(service: string, stack: string): Labels {
  return { 'app.kubernetes.io/name': service, 'app.kubernetes.io/instance': stack };
}

export function labelsOf(s: Pick<Service, 'name' | 'component'>, stack: string): Labels {
  return {
    ...selectorOf(s.name, stack),
    'app.kubernetes.io/component': s.component,
    'app.kubernetes.io/part-of': stack,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** Labels of what belongs to the stack as a whole (its namespace, the default-deny policy). */
export function stackLabels(stack: string): Labels {
  return { 'app.kubernetes.io/part-of': stack, 'app.kubernetes.io/managed-by': MANAGED_BY };
}

/** A name Kubernetes takes for a volume or a claim: lowercase letters, digits and -, at most 63. */
export function dnsLabel(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'x';
}

/** Why `name` cannot be the name of a Service (consumers reach it by this name), or undefined. */
export function serviceNameProblem(name: string): string | undefined {
  if (name.length > 63) return 'is longer than 63 characters';
  if (name === 'kustomization') return "is the name of kustomize's own file, beside which its manifests are written";
  return /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) ? undefined : 'is not a Kubernetes Service name (lowercase letters, digits and -, starting with a letter)';
}

export function object(apiVersion: string, kind: string, metadata: Meta, body: Record<string, unknown>): KubeObject {
  return { apiVersion, kind, metadata, ...body };
}
