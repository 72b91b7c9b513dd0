/**
 * Startup order. Kubernetes starts every pod at once; a service that waits
 * for another in Compose gets an init container per dependency that waits
 * until that dependency's Service takes a connection, which it does once a
 * pod behind it is ready (its readiness probe passed: a Service sends
 * nothing to pods that are not), or until a job has completed, asked of the
 * API with a ServiceAccount that may read Jobs. Each says what it waits for
 * while it waits.
 */
import type { Service } from '../../model/service.js';
import { object, stackLabels, type KubeObject } from './meta.js';
import { servedPorts } from './container.js';

/** Has a shell, nc and curl with TLS; runs as an unprivileged user. */
export const WAIT_IMAGE = 'curlimages/curl:8.11.1';

/** The ServiceAccount of pods that wait for a job: it may read the namespace's Jobs, nothing else. */
export const JOB_WAITER = 'berth-job-waiter';

const WAIT_RESOURCES = { limits: { cpu: '100m', memory: '32Mi' }, requests: { cpu: '10m', memory: '16Mi' } };
const WAIT_SECURITY = { runAsNonRoot: true, runAsUser: 100, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

function waitContainer(name: string, script: string): Record<string, unknown> {
  return { name, image: WAIT_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['/bin/sh', '-c', script], resources: WAIT_RESOURCES, securityContext: WAIT_SECURITY };
}

function waitForService(dep: string, port: number): Record<string, unknown> {
  return waitContainer(
    `wait-for-${dep}`,
    `until nc -z -w 2 ${dep} ${port}; do echo "waiting for ${dep} (${dep}:${port}) to be ready"; sleep 2; done; echo "${dep} is ready"`,
  );
}

/** The shell's $(...), written $$( so that Kubernetes' own $(NAME) expansion leaves it alone. */
function waitForJob(job: string): Record<string, unknown> {
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
  const url = `https://kubernetes.default.svc/apis/batch/v1/namespaces/$$(cat ${sa}/namespace)/jobs/${job}`;
  return waitContainer(
    `wait-for-${job}`,
    `until curl -fsS --cacert ${sa}/ca.crt -H "Authorization: Bearer $$(cat ${sa}/token)" ${url} | grep -q '"succeeded": *[1-9]'; do echo "waiting for job ${job} to complete"; sleep 2; done; echo "job ${job} completed"`,
  );
}

export interface Waits {
  initContainers: Record<string, unknown>[];
  /** Whether the pod waits for a job (and needs the ServiceAccount that may read Jobs). */
  readsJobs: boolean;
}

/** `byName`: the services that run on Kubernetes; a dependency replaced there (nginx by the Ingress) is not waited for. */
export function waitsOf(s: Service, byName: ReadonlyMap<string, Service>, warn: (m: string) => void): Waits {
  const initContainers: Record<string, unknown>[] = [];
  let readsJobs = false;
  for (const dep of Object.keys(s.dependsOn).sort()) {
    const target = byName.get(dep);
    if (!target) continue;
    if (s.dependsOn[dep] === 'completed') {
      initContainers.push(waitForJob(dep));
      readsJobs = true;
      continue;
    }
    const port = target.mainPort ?? servedPorts(target)[0];
    if (port === undefined) {
      warn(`services.${s.name}: waits for ${dep} to start in Compose; ${dep} serves no port to ask, so on Kubernetes ${s.name} starts without waiting`);
      continue;
    }
    initContainers.push(waitForService(dep, port));
  }
  return { initContainers, readsJobs };
}

/** The ServiceAccount, Role and RoleBinding that let waiting pods read Jobs. */
export function jobWaiterAccess(stack: string): KubeObject[] {
  const meta = { name: JOB_WAITER, labels: stackLabels(stack) };
  return [
    object('v1', 'ServiceAccount', meta, {}),
    object('rbac.authorization.k8s.io/v1', 'Role', meta, { rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'] }] }),
    object('rbac.authorization.k8s.io/v1', 'RoleBinding', meta, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: JOB_WAITER },
      subjects: [{ kind: 'ServiceAccount', name: JOB_WAITER }],
    }),
  ];
}

