/** Every command, in the order `berth --help` lists them. A new command: its file, and one line here. */
import type { CommandSpec } from '../spec.js';
import { generate } from './generate.js';
import { list } from './list.js';
import { show, config } from './show.js';
import { catalog } from './catalog.js';
import { up } from './up.js';
import { down, restart, scale, build, pull } from './lifecycle.js';
import { status } from './status.js';
import { logs, exec } from './logs.js';
import { remove, clean } from './remove.js';
import { serve } from './serve.js';
import { agent } from './agent.js';
import { image } from './image.js';
import { exportCommand } from './export.js';
import { deploy, releases, rollback } from './deploy.js';

export const COMMANDS: readonly CommandSpec[] = [generate, list, show, config, catalog, up, down, restart, status, logs, exec, build, pull, scale, remove, clean, deploy, releases, rollback, exportCommand, serve, agent, image];
