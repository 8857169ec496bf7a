import { describe, expect, it } from 'vitest';
import { SseParser, formatSse, parseEventTypes } from '../../src/telemetry/event-stream.js';

describe('daemon event stream (SSE)', () => {
  it('parses what formatSse writes, across arbitrary chunk boundaries, skipping comments', () => {
    const text = `retry: 2000\n\n${formatSse({ type: 'model', data: { asset: 'a', n: 1 } })}: keepalive\n\n${formatSse({ type: 'model', data: { asset: 'b', n: 2 } })}`;
    for (const size of [1, 3, 7, text.length]) {
      const parser = new SseParser();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...parser.push(text.slice(i, i + size)));
      expect(got).toEqual([
        { event: 'model', data: '{"asset":"a","n":1}' },
        { event: 'model', data: '{"asset":"b","n":2}' },
      ]);
    }
  });

  it('joins multi-line data and accepts CRLF', () => {
    expect(new SseParser().push('data: a\r\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('checks the requested event types', () => {
    expect([...(parseEventTypes(null) as Set<string>)]).toEqual(['score', 'alarm', 'part', 'model', 'journal_gap']);
    expect([...(parseEventTypes('journal_gap') as Set<string>)]).toEqual(['journal_gap']);
    expect([...(parseEventTypes('alarm, part') as Set<string>)]).toEqual(['alarm', 'part']);
    expect(parseEventTypes('alarm,warning')).toMatch(/unknown event type\(s\) warning/);
  });

  it('refuses a message over its size bound, whether one line never ends or its data lines pile up', () => {
    const endless = new SseParser(100);
    expect(endless.push(`data: ${'x'.repeat(60)}`)).toEqual([]);
    expect(() => endless.push('y'.repeat(60))).toThrow('event stream: a message of over 100 characters; dropped');
    const piled = new SseParser(100);
    expect(() => piled.push('data: 0123456789\n'.repeat(10))).toThrow(
      'event stream: a message of over 100 characters; dropped',
    );
    const fits = new SseParser(100);
    expect(fits.push(`event: alarm\ndata: ${'z'.repeat(90)}\n\n`)).toEqual([{ event: 'alarm', data: 'z'.repeat(90) }]);
    expect(fits.push(`data: ${'z'.repeat(90)}\n\n`)).toEqual([{ event: 'message', data: 'z'.repeat(90) }]);
  });
});
