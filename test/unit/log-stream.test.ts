import { describe, expect, it } from 'vitest';
import { LogDecoder, timeKey, type LogLine } from '../../src/engine/log-stream.js';

function frame(kind: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head[0] = kind;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

function decode(tty: boolean, chunks: Buffer[]): LogLine[] {
  const out: LogLine[] = [];
  const d = new LogDecoder(tty, (l) => out.push(l));
  for (const c of chunks) d.push(c);
  d.end();
  return out;
}

const T1 = '2026-11-23T05:00:00.100000000Z';
const T2 = '2026-11-23T05:00:01.000000000Z';

describe('LogDecoder', () => {
  it('splits stdout and stderr frames into timestamped lines', () => {
    const lines = decode(false, [frame(1, `${T1} ready to accept connections\n`), frame(2, `${T2} WARNING: low memory\n`)]);
    expect(lines).toEqual([
      { stream: 'stdout', time: T1, text: 'ready to accept connections' },
      { stream: 'stderr', time: T2, text: 'WARNING: low memory' },
    ]);
  });

  it('reassembles frames and lines cut across chunks', () => {
    const whole = Buffer.concat([frame(1, `${T1} first half`), frame(1, ` and the rest\n${T2} second\n`)]);
    const chunks = [whole.subarray(0, 3), whole.subarray(3, 20), whole.subarray(20, 45), whole.subarray(45)];
    expect(decode(false, chunks).map((l) => [l.time, l.text])).toEqual([
      [T1, 'first half and the rest'],
      [T2, 'second'],
    ]);
  });

  it('keeps a multi-byte character cut between chunks whole', () => {
    const text = `${T1} naïve café\n`;
    const bytes = Buffer.from(text, 'utf8');
    const cut = bytes.indexOf(0xc3) + 1;
    // One frame cut mid-character: a frame is decoded once it is whole.
    const f = frame(1, text);
    expect(decode(false, [f.subarray(0, 8 + cut), f.subarray(8 + cut)]).map((l) => l.text)).toEqual(['naïve café']);
  });

  it('reads the raw stream of a container with a terminal, dropping carriage returns', () => {
    expect(decode(true, [Buffer.from(`${T1} hello\r\n${T2} last line without newline`)])).toEqual([
      { stream: 'stdout', time: T1, text: 'hello' },
      { stream: 'stdout', time: T2, text: 'last line without newline' },
    ]);
  });

  it('leaves lines without a timestamp as they are', () => {
    expect(decode(true, [Buffer.from('plain text\n')])).toEqual([{ stream: 'stdout', time: '', text: 'plain text' }]);
  });
});

describe('timeKey', () => {
  it('orders fractions of a second by value, not by length', () => {
    const a = '2026-11-23T05:00:00.1Z';
    const b = '2026-11-23T05:00:00.12Z';
    const c = '2026-11-23T05:00:00Z';
    expect([b, a, c].sort((x, y) => (timeKey(x) < timeKey(y) ? -1 : 1))).toEqual([c, a, b]);
  });
});
