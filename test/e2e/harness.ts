/** Runs the real berth CLI (built bin) against the real engine, one private BERTH_HOME and stack per test. */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DockerApi, LABEL_PROJECT, LABEL_SERVICE, type ContainerSummary } from '../../src/engine/docker-api.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'berth.js');
export const IMAGES_FILE = path.join(import.meta.dirname, 'images.yaml');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export class Sandbox {
  readonly home: string;
  readonly stacks = new Set<string>();
  readonly docker = new DockerApi(process.env);
  constructor() {
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-'));
    fs.mkdirSync(this.home, { recursive: true });
    fs.copyFileSync(IMAGES_FILE, path.join(this.home, 'images.yaml'));
  }

  /** A unique stack name for this run. */
  name(prefix: string): string {
    const n = `e2e-${prefix}-${randomBytes(3).toString('hex')}`;
    this.stacks.add(n);
    return n;
  }

  berth(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, BERTH_HOME: this.home, ...(opts.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
      child.stdin.end(opts.input ?? '');
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started }));
    });
  }

  /** A berth command left running (logs -f, serve): its output so far, and a way to stop it like Ctrl-C does. */
  start(args: string[], env: Record<string, string> = {}): { output: () => string; stderr: () => string; interrupt: () => Promise<number> } {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, BERTH_HOME: this.home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    const closed = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
    return { output: () => stdout, stderr: () => stderr, interrupt: () => (child.kill('SIGINT'), closed) };
  }

  /** Writes a stack.yaml and generates it; fails the test on a non-zero exit. */
  async generate(name: string, yaml: string, extra: string[] = []): Promise<Run> {
    const dir = fs.mkdtempSync(path.join(this.home, 'spec-'));
    fs.writeFileSync(path.join(dir, 'stack.yaml'), yaml);
    const r = await this.berth(['generate', name, '-f', path.join(dir, 'stack.yaml'), ...extra]);
    if (r.code !== 0) throw new Error(`generate ${name} failed (${r.code}): ${r.stderr}`);
    return r;
  }

  containers(stack: string, service?: string, all = true): Promise<ContainerSummary[]> {
    return this.docker.listContainers([`${LABEL_PROJECT}=${stack}`, ...(service ? [`${LABEL_SERVICE}=${service}`] : [])], all);
  }

  async running(stack: string, service: string): Promise<number> {
    return (await this.containers(stack, service, false)).filter((c) => c.State === 'running').length;
  }

  /** Removes every container, network and volume of every stack this sandbox made, whatever state a test left. */
  async cleanup(): Promise<void> {
    for (const stack of this.stacks) {
      const ids = (await this.containers(stack).catch(() => [])).map((c) => c.Id);
      if (ids.length) execFileSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore' });
      const vols = execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${stack}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
      if (vols.length) execFileSync('docker', ['volume', 'rm', '-f', ...vols], { stdio: 'ignore' });
      const nets = execFileSync('docker', ['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${stack}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
      if (nets.length) execFileSync('docker', ['network', 'rm', ...nets], { stdio: 'ignore' });
    }
    this.docker.close();
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

export function volumes(stack: string): string[] {
  return execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${stack}`], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A free TCP port on this host (the kernel picks one). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '0.0.0.0', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
