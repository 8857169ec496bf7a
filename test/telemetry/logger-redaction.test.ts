/** What the logger writes of a URL: path hidden, except on a line marked URL_PATHS_KEPT (a model update's outcome). */
import { describe, expect, it } from 'vitest';
import { URL_PATHS_KEPT } from '../../src/telemetry/logger.js';
import { logLines } from '../helpers/log-lines.js';

describe('the logger redacts URLs', () => {
  it('hides the path of a URL on an ordinary line, in its message and its fields', () => {
    const log = logLines('info');
    log.logger.info({ url: 'https://u:p@hooks.example/services/T0/X?k=v' }, 'POST https://hooks.example/services/T0/X');
    expect(log.lines[0]).toMatchObject({
      msg: 'POST https://hooks.example/***',
      url: 'https://***@hooks.example/***?k=***',
    });
  });

  it('keeps the path on a line marked URL_PATHS_KEPT, still without user info or query values, the mark unwritten', () => {
    const log = logLines('info');
    log.logger.warn(
      { reason: 'release https://u:p@cdn.example/r/2.0.0/?sig=abc', [URL_PATHS_KEPT]: true },
      'rejected: release https://cdn.example/r/2.0.0/?sig=abc',
    );
    expect(log.lines[0]).toMatchObject({
      msg: 'rejected: release https://cdn.example/r/2.0.0/?sig=***',
      reason: 'release https://***@cdn.example/r/2.0.0/?sig=***',
    });
    expect(Object.keys(log.lines[0]).sort()).toEqual(['level', 'level_name', 'msg', 'reason', 'svc', 'time']);
  });
});
