/**
 * Nodes behind ssh, faked at the runner: every command berth runs is recorded
 * as the exact ssh argv, and the fake reads the one remote line back into
 * argv (as the node's shell would) to play the node: its release folders,
 * `current`, its locks, Compose creating containers in a MemoryEngine (one
 * per node; a service whose image is `bad` turns unhealthy), its images.
 */
import { parse as parseYaml } from 'yaml';
import { RecordingRunner, type Command, type RunResult } from '../../src/engine/runner.js';
import { openSsh, type Remote } from '../../src/engine/remote.js';
import { parseEnv } from '../../src/render/env.js';
import { tarEntries, entryText } from '../../src/engine/tar.js';
import { MemoryEngine } from './engine.js';
import { ENV_FROM_STDIN } from '../../src/engine/shell.js';
import { parseSshUrl, sshDestination } from '../../src/util/ssh-url.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A command line as a POSIX shell splits it (plain words, '...' and \x, which is all berth's quoting makes). */
export function unquote(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\') word = (word ?? '') + line[++i];
    else if (c === ' ') (word !== undefined && words.push(word), (word = undefined));
    else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

export class FakeNode {
  readonly engine = new MemoryEngine();
  readonly files = new Map<string, string>();
  /** The environment each Compose command got on stdin (ENV_FROM_STDIN), in order. */
  readonly stdinEnvs: Record<string, string>[] = [];
  current?: number;
  constructor(readonly home: string) {
    this.engine.startContainer = async (id) => {
      const c = this.engine.containers.find((x) => x.Id === id)!;
      this.engine.started.push(id);
      // A job (a service named migrate here) runs to its end at once, with exit code 0.
      if (c.Labels['com.docker.compose.service'] === 'migrate') {
        Object.assign(c, { State: 'exited', Status: 'Exited (0) 1 second ago' });
        this.engine.finishedAt[id] = new Date().toISOString();
      }
      else Object.assign(c, { State: 'running', Status: `Up 1 second (${c.Image.endsWith(':bad') ? 'unhealthy' : 'healthy'})` });
    };
  }

  base = (stack: string, node: string) => `${this.home}/.berth/releases/${stack}/${node}`;

  /** Compose `up --no-start` in a release folder: containers made (or replaced when their image changed) for the named services. */
  private create(cwd: string, argv: string[]): void {
    const project = argv[argv.indexOf('--project-name') + 1]!;
    const doc = parseYaml(this.files.get(`${cwd}/docker-compose.yaml`)!) as { services: Record<string, { image: string }> };
    const env = parseEnv(this.files.get(`${cwd}/.env`) ?? '');
    // The services named after the options (a --scale takes a value).
    const words = argv.slice(argv.indexOf('--no-start') + 1);
    for (const service of words.filter((a, i) => !a.startsWith('--') && words[i - 1] !== '--scale')) {
      const image = doc.services[service]!.image.replace(/\$\{(\w+)\}/g, (_, k: string) => env[k] ?? '');
      const old = this.engine.containers.find((c) => c.Labels['com.docker.compose.project'] === project && c.Labels['com.docker.compose.service'] === service);
      if (old?.Image === image) continue;
      if (old) this.engine.containers.splice(this.engine.containers.indexOf(old), 1);
      this.engine.add(project, service, { state: 'created' });
      this.engine.containers.at(-1)!.Image = image;
    }
  }

  private unpack(dir: string, tar: Buffer): void {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fake-')), 'x.tar');
    fs.writeFileSync(file, tar);
    const fd = fs.openSync(file, 'r');
    for (const e of tarEntries(fd)) if (!e.name.endsWith('/')) this.files.set(`${dir}/${e.name}`, entryText(fd, e));
    fs.closeSync(fd);
    fs.rmSync(path.dirname(file), { recursive: true });
  }

  /** The node's answer to one remote line. */
  answer(line: string, input: string | Buffer | undefined): Partial<RunResult> {
    const cd = /^cd (\S+) && /.exec(line);
    let argv = unquote(cd ? line.slice(cd[0].length) : line).slice(1);
    if (argv[0] === 'sh' && argv[2] === ENV_FROM_STDIN) {
      // The wrapper reads NAME=value lines up to an empty one, then runs the rest.
      const text = String(input ?? '');
      const head = text.slice(0, text.indexOf('\n\n') + 1);
      this.stdinEnvs.push(Object.fromEntries(head.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
      argv = argv.slice(4);
    }
    const cwd = cd ? unquote(cd[1]!)[0]! : this.home;
    const [cmd, , script, , ...args] = argv;
    if (cmd === 'docker' && argv[1] === 'compose') return { code: 1, stderr: "docker: 'compose' is not a docker command." };
    if (cmd === 'docker-compose' && argv.includes('version')) return { stdout: '1.29.2\n' };
    if (cmd === 'docker-compose' && argv.includes('--no-start')) return this.create(cwd, argv), {};
    if (cmd === 'rm') return argv.slice(2).forEach((d) => [...this.files.keys()].filter((f) => f.startsWith(`${d}/`)).forEach((f) => this.files.delete(f))), {};
    if (cmd === 'cat') return this.files.has(argv[1]!) ? { stdout: this.files.get(argv[1]!) } : { code: 1, stderr: 'No such file' };
    if (cmd !== 'sh') return {};
    if (script!.includes('.berth/releases')) {
      const base = this.base(args[0]!, args[1]!);
      const numbers = [...new Set([...this.files.keys()].filter((f) => f.startsWith(`${base}/`)).map((f) => f.slice(base.length + 1).split('/')[0]!))];
      return { stdout: [base, `${this.home}/.berth/locks`, `current=${this.current ?? ''}`, ...numbers].join('\n') + '\n' };
    }
    if (script!.includes('tar -x')) return this.unpack(args[1]!, input as Buffer), {};
    if (script!.includes('ln -sfn')) return (this.current = Number(args[0])), {};
    if (script!.includes('cat > ')) return this.files.set(args[0]!, String(input)), {};
    if (script!.includes('docker image inspect')) return { stdout: args.map((ref) => (ref.startsWith('sha256:') ? ref : `sha256:${ref.replace(/\W/g, '')}`) + (argv[3]!.includes('RepoDigests') ? ' []' : '')).join('\n') + '\n' };
    return {};
  }
}

/** Nodes by ssh destination, answering through one recording runner (local commands: `local`). */
export function fakeNodes(nodes: Record<string, FakeNode>, local: (cmd: Command) => Partial<RunResult> | undefined = () => undefined) {
  let last: { dest: string; line: string; input?: string | Buffer } | undefined;
  const runner = new RecordingRunner((cmd) => {
    if (cmd.argv[0] !== 'ssh') return local(cmd);
    const dash = cmd.argv.indexOf('--');
    const dest = cmd.argv[dash + 1]!;
    const line = cmd.argv[dash + 2];
    if (!line || cmd.argv.includes('-L')) return {};
    last = { dest, line, input: runner.commands.at(-1)?.input };
    return nodes[dest]!.answer(line, last.input);
  });
  const connect = (url: string): Promise<Remote> => {
    const dest = sshDestination(parseSshUrl(url)!);
    return openSsh(url, runner, { controlDir: `/run/berth-test/${dest}`, engineAt: () => nodes[dest]!.engine });
  };
  return { runner, connect };
}
