import { describe, expect, it } from 'vitest';
import { ConnectionSince, MAX_LAST_ERROR_CHARS } from '../../src/core/connection-since.js';

/** A ConnectionSince on a clock the test sets. */
function tracker() {
  const clock = { now: 1000 };
  return { clock, since: new ConnectionSince(() => clock.now) };
}

describe('ConnectionSince (Source.connectionState for /api/status)', () => {
  it('says nothing before the first connect or failed connect', () => {
    expect(tracker().since.state(false)).toEqual({});
  });

  it('a failed first connect: since then, with why', () => {
    const { since } = tracker();
    since.down('refused');
    expect(since.state(false)).toEqual({ since: 1000, lastError: 'refused' });
  });

  it('connected: since the connect, no lastError', () => {
    const { clock, since } = tracker();
    since.down('refused');
    clock.now = 2000;
    since.connected();
    expect(since.state(true)).toEqual({ since: 2000 });
  });

  it('dropped: since the drop; later failures keep that time and give the latest reason', () => {
    const { clock, since } = tracker();
    since.connected();
    clock.now = 2000;
    since.down('connection lost');
    clock.now = 3000;
    since.down('connect refused');
    expect(since.state(false)).toEqual({ since: 2000, lastError: 'connect refused' });
  });

  it('connected again while connected (a subscription made again on purpose): still since the first', () => {
    const { clock, since } = tracker();
    since.connected();
    clock.now = 2000;
    since.connected();
    expect(since.state(true)).toEqual({ since: 1000 });
  });

  it('a drop without a reason: no lastError; lastError is said only while the source says it is down', () => {
    const { clock, since } = tracker();
    since.connected();
    clock.now = 2000;
    since.down();
    expect(since.state(false)).toEqual({ since: 2000 });
    since.down('refused');
    expect(since.state(true)).toEqual({ since: 2000 });
  });

  it("keeps at most MAX_LAST_ERROR_CHARS of a failure's text, saying how much more there was", () => {
    const { since } = tracker();
    since.down('x'.repeat(MAX_LAST_ERROR_CHARS + 250));
    expect(since.state(false).lastError).toBe(`${'x'.repeat(MAX_LAST_ERROR_CHARS)}… (250 more characters)`);
    since.down('y'.repeat(MAX_LAST_ERROR_CHARS));
    expect(since.state(false).lastError).toBe('y'.repeat(MAX_LAST_ERROR_CHARS));
  });
});
