import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.js';
import { colorAllowed, prettyLine } from '../../src/telemetry/pretty-stream.js';

const LINE = JSON.stringify({
  level: 40,
  time: '2026-01-02T03:04:05.678Z',
  svc: 'linewatch',
  sink: 'influxdb',
  note: 'two words',
  n: 3,
  msg: 'queue full',
});

function capture(isTTY: boolean): { stream: NodeJS.WritableStream; lines: string[] } {
  const lines: string[] = [];
  return { stream: { isTTY, write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream, lines };
}

describe('prettyLine', () => {
  it('writes time, level, message and the other fields as key=value', () => {
    expect(prettyLine(LINE, false)).toBe('03:04:05.678 WARN  queue full  sink=influxdb note="two words" n=3\n');
  });

  it('colours the level and the keys when asked', () => {
    expect(prettyLine(LINE, true)).toBe(
      '\u001b[90m03:04:05.678\u001b[0m \u001b[33mWARN \u001b[0m queue full  \u001b[90msink=\u001b[0minfluxdb ' +
        '\u001b[90mnote=\u001b[0m"two words" \u001b[90mn=\u001b[0m3\n',
    );
  });

  it('writes control characters in the message and the fields as text (\\u001b, \\n), so a terminal obeys none', () => {
    const line = JSON.stringify({
      level: 30,
      time: '2026-01-02T03:04:05.678Z',
      topic: 'plant/\u009b2J',
      detail: { text: 'a\u007fb' },
      msg: 'from \u001b]0;title\u0007\nnext',
    });
    expect(prettyLine(line, false)).toBe(
      String.raw`03:04:05.678 INFO  from \u001b]0;title\u0007\nnext  topic=plant/\u009b2J detail={"text":"a\u007fb"}` +
        '\n',
    );
  });

  it('passes a line that is not JSON unchanged', () => {
    expect(prettyLine('not json', false)).toBe('not json');
  });
});

describe('colorAllowed', () => {
  it.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, {}, false],
  ])('a terminal: %s, env %j: %s', (isTTY, env, allowed) => {
    expect(colorAllowed({ isTTY }, env)).toBe(allowed);
  });
});

describe('createLogger', () => {
  it('writes JSON lines off a terminal', () => {
    const { stream, lines } = capture(false);
    createLogger('info', stream).info({ sink: 'local' }, 'stored');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 30, svc: 'linewatch', sink: 'local', msg: 'stored' });
  });

  // Regression: JSON escapes C0 (ESC) but left DEL and C1 raw, and a terminal showing `docker logs` obeys a C1 CSI.
  it('writes DEL and C1 controls in JSON lines as \\u escapes, the line the same JSON', () => {
    const { stream, lines } = capture(false);
    createLogger('info', stream).info({ topic: 'plant/\u009b2J' }, 'from \u001b[2J\u009b31m\u007f');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(String.raw`"topic":"plant/\u009b2J"`);
    expect(lines[0]).toContain(String.raw`"msg":"from \u001b[2J\u009b31m\u007f"`);
    expect(lines[0].endsWith('}\n')).toBe(true);
    expect(JSON.parse(lines[0])).toMatchObject({ topic: 'plant/\u009b2J', msg: 'from \u001b[2J\u009b31m\u007f' });
  });

  it('writes readable lines on a terminal, without colour under NO_COLOR', () => {
    const { stream, lines } = capture(true);
    createLogger('info', stream, { env: { NO_COLOR: '1' } }).info({ sink: 'local' }, 'stored');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}stored {2}sink=local\n$/);
  });

  it('still removes credentials from URLs in readable lines', () => {
    const { stream, lines } = capture(true);
    createLogger('info', stream, { env: { NO_COLOR: '1' } }).info('connect http://user:secret@host:8086/');
    expect(lines[0]).not.toContain('secret');
  });
});
