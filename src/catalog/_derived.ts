/**
 * Services that run an app's image with another command (workers and jobs):
 * the image, build, env, volumes, secrets and hardening (user, readOnly,
 * noNewPrivileges) come from the app unless given,
 * and the command is their own. With an image of its own, the image's command
 * is the default.
 */
import type { CommonOptions, ComponentContext, ComponentDef } from './types.js';
import type { Service } from '../model/service.js';
import { UsageError } from '../errors.js';
import { baseService } from './_base.js';
import { buildOf, hardeningOf, mountsOf, secretEnv, type WorkloadOptions } from './_workload.js';
import { localImage, type AppOptions } from './app.js';

export type DerivedOptions = Omit<WorkloadOptions, 'health' | 'metrics'> & { app?: string };

function parentApp(ctx: ComponentContext, appName: string | undefined, where: string) {
  if (!appName) return undefined;
  if (ctx.stack.components.get(appName) !== 'app') {
    throw new UsageError(`${where}.app: ${appName} is not an app in this stack; name the app whose image this runs`);
  }
  const a = ctx.stack.optionsOf(appName) as AppOptions & CommonOptions;
  return {
    image: a.image ?? localImage(ctx.stack.name, appName),
    build: a.build,
    env: a.env ?? {},
    volumes: a.volumes,
    secrets: a.secrets,
    hardening: { user: a.user, readOnly: a.readOnly, noNewPrivileges: a.noNewPrivileges },
  };
}

export function derivedService<O extends DerivedOptions>(
  ctx: ComponentContext<O>,
  def: ComponentDef<O>,
  parts: Partial<Service> = {},
): { svc: Service; named: string[] } {
  const o = ctx.options;
  const where = `services.${ctx.service}`;
  const parent = parentApp(ctx as ComponentContext, o.app, where);
  const image = o.image ?? parent?.image;
  if (!image && !o.build) throw new UsageError(`${where}: a ${def.name} needs app: <app service>, image: <ref> or build: <context>`);
  // Without a command of its own it would run the app's server: a second app, or a job that never ends.
  if (parent && !o.command) throw new UsageError(`${where}.command: a ${def.name} from app ${o.app} needs the command it runs; without one it starts ${o.app}'s own`);
  // Errors about mounts and builds taken from the app name the app's keys, where the user wrote them.
  const from = (key: 'volumes' | 'build') => `services.${o[key] === undefined && parent ? o.app : ctx.service}.${key}`;
  const { mounts, named } = mountsOf(o.volumes ?? parent?.volumes, ctx.specDir, from('volumes'));
  const svc = baseService(ctx, def, {
    ...parts,
    build: buildOf(o.build ?? parent?.build, ctx.specDir, from('build')),
    command: o.command,
    entrypoint: o.entrypoint,
    mounts,
    privileged: o.privileged,
    capAdd: o.capAdd,
    ...hardeningOf({ ...parent?.hardening, ...Object.fromEntries(Object.entries({ user: o.user, readOnly: o.readOnly, noNewPrivileges: o.noNewPrivileges }).filter(([, x]) => x !== undefined)) }),
  });
  svc.image = image ?? localImage(ctx.stack.name, ctx.service);
  svc.environment = { ...secretEnv(o.secrets ?? parent?.secrets), ...parent?.env, ...svc.environment };
  return { svc, named };
}
