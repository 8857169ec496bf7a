/** The fields of every log line: the level's name beside pino's number, and the gateway's identity on JSON lines. */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.js';

const identity = { gateway: 'gw-7', site: 'plant-2', line: 'line-3' };

function capture(isTTY: boolean): { stream: NodeJS.WritableStream; lines: string[] } {
  const lines: string[] = [];
  return { stream: { isTTY, write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream, lines };
}

describe('log line fields', () => {
  it('JSON lines carry the identity and the level by number and by name', () => {
    const out = capture(false);
    const logger = createLogger('debug', out.stream, { identity });
    logger.warn({ sink: 'influxdb' }, 'queue full');
    logger.debug('polled');
    expect(out.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 40, level_name: 'warn', ...identity, svc: 'linewatch', sink: 'influxdb' }),
      expect.objectContaining({ level: 20, level_name: 'debug', ...identity, msg: 'polled' }),
    ]);
  });

  it('JSON lines without an identity (validate, demo, soak) have none', () => {
    const out = capture(false);
    createLogger('info', out.stream).info('hello');
    expect(Object.keys(JSON.parse(out.lines[0]) as object).sort()).toEqual([
      'level',
      'level_name',
      'msg',
      'svc',
      'time',
    ]);
  });

  it('readable lines (a terminal) leave the identity and the level name out', () => {
    const out = capture(true);
    createLogger('info', out.stream, { identity, env: { NO_COLOR: '1' } }).warn({ sink: 'influxdb' }, 'queue full');
    expect(out.lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}queue full {2}sink=influxdb\n$/);
  });
});
