/** berth export: a stored stack as Kubernetes manifests (kustomize or plain) in a folder of their own. */
import path from 'node:path';
import type { CommandSpec, Flag } from '../spec.js';
import { UsageError } from '../../errors.js';
import { validateStackName } from '../../store/home.js';
import type { ExportFlags } from '../../ops/export-options.js';
import { opsDeps } from '../deps.js';
import { printJson, warn } from '../output.js';

type Opts = ExportFlags & { to?: string; out?: string; profile?: string[]; json?: boolean };

const FLAGS: Flag[] = [
  { flags: '--to <target>', doc: 'what to export to: kubernetes' },
  { flags: '-o, --out <dir>', doc: 'folder to write (replaced as a whole; default ./<name>-kubernetes)' },
  { flags: '--format <format>', doc: 'kustomize (overlays per profile), plain (one manifests.yaml) or helm (a chart; profiles are values)', default: 'kustomize' },
  { flags: '--namespace <ns>', doc: "namespace of the stack's objects (default: the stack's name)" },
  { flags: '--profile <name>', doc: "active profile at the top of the output (repeatable; default: the stack's)", repeat: true },
  { flags: '--service-type <type>', doc: 'how published ports are reached: ClusterIP (not from outside), NodePort or LoadBalancer', default: 'ClusterIP' },
  { flags: '--ingress-class <class>', doc: "the Ingress's ingressClassName (default: the cluster's default class)" },
  { flags: '--ingress-namespace <ns>', doc: "namespace of the ingress controller's pods, which network policies let in", default: 'ingress-nginx' },
  { flags: '--cert-issuer <issuer>', doc: 'cert-manager ClusterIssuer that issues the Ingress certificates' },
  { flags: '--image-pull-secret <secret>', doc: 'Secret with registry credentials for every pod (repeatable)', repeat: true },
  { flags: '--existing-secret <NAME=secret[:key]>', doc: 'read secret NAME from an existing Secret instead of the generated one (repeatable)', repeat: true },
  { flags: '--gpu-node-selector <label=value>', doc: 'node label GPU pods are scheduled on (repeatable)', repeat: true },
  { flags: '--gpu-toleration <key[=value][:effect]>', doc: 'taint GPU pods tolerate, like nvidia.com/gpu:NoSchedule (repeatable)', repeat: true },
];

export const exportCommand: CommandSpec = {
  name: 'export',
  doc: 'write a stack as Kubernetes manifests or a Helm chart (Deployments, StatefulSets, probes, Secrets, Ingress, autoscalers, network policies)',
  args: [['<name>', 'stack name']],
  flags: FLAGS,
  async run(ctx, [name], raw) {
    const opts = raw as Opts;
    validateStackName(String(name));
    if (opts.to !== 'kubernetes') throw new UsageError(opts.to === undefined ? '--to is required: berth export NAME --to kubernetes' : `--to ${opts.to}: berth exports to kubernetes`);
    const [{ exportStack }, { kubeOptionsFromFlags }] = await Promise.all([import('../../ops/export.js'), import('../../ops/export-options.js')]);
    const out = path.resolve(ctx.io.cwd, opts.out ?? `${name}-kubernetes`);
    const profiles = opts.profile?.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
    const r = exportStack(opsDeps(ctx, { json: opts.json }), { name: String(name), to: 'kubernetes', out, options: kubeOptionsFromFlags(opts), profiles });
    if (opts.json) return printJson(ctx.io, r), 0;
    for (const w of r.warnings) warn(ctx.io, w);
    const shown = path.relative(ctx.io.cwd, r.dir) || '.';
    ctx.io.out(`Exported stack ${r.stack} to ${r.dir} (${r.format}, ${r.files.length} files)\nNext:\n${r.next.map((n) => `  ${n.replaceAll('<dir>', shown)}`).join('\n')}\n`);
    return 0;
  },
};
