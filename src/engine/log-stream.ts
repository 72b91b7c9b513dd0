/**
 * Reading a container's log stream from the Engine API: the 8-byte framed
 * stdout/stderr multiplexing of non-TTY containers (frames may be split across
 * chunks), then lines, each with the timestamp the engine put in front of it.
 */

export type LogStreamName = 'stdout' | 'stderr';

export interface LogLine {
  stream: LogStreamName;
  /** RFC 3339 time the engine recorded, as it gave it. */
  time: string;
  text: string;
}

/**
 * Turns chunks of a log stream into lines. `tty`: the container has a terminal,
 * so its stream is raw (one stream, no frames).
 */
export class LogDecoder {
  private frames: Buffer = Buffer.alloc(0);
  private readonly partial: Record<LogStreamName, string> = { stdout: '', stderr: '' };

  constructor(
    private readonly tty: boolean,
    private readonly onLine: (line: LogLine) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.tty) return this.text('stdout', chunk.toString('utf8'));
    this.frames = this.frames.length ? Buffer.concat([this.frames, chunk]) : chunk;
    let off = 0;
    while (off + 8 <= this.frames.length) {
      const len = this.frames.readUInt32BE(off + 4);
      if (off + 8 + len > this.frames.length) break;
      const kind = this.frames[off] === 2 ? 'stderr' : 'stdout';
      this.text(kind, this.frames.subarray(off + 8, off + 8 + len).toString('utf8'));
      off += 8 + len;
    }
    this.frames = this.frames.subarray(off);
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.line(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  private text(stream: LogStreamName, text: string): void {
    const parts = (this.partial[stream] + text).split('\n');
    this.partial[stream] = parts.pop()!;
    for (const p of parts) this.line(stream, p);
  }

  private line(stream: LogStreamName, raw: string): void {
    const s = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const sp = s.indexOf(' ');
    const stamped = sp > 0 && /^\d{4}-\d\d-\d\dT/.test(s);
    this.onLine({ stream, time: stamped ? s.slice(0, sp) : '', text: stamped ? s.slice(sp + 1) : s });
  }
}

/** A sort key for engine timestamps: the fraction padded, so 05:00:00.1Z sorts before 05:00:00.12Z. */
export function timeKey(time: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(time);
  if (!m) return time;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}`;
}
