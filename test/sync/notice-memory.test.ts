/** The bounded memory of handled release notices. */
import { describe, expect, it } from 'vitest';
import {
  MAX_REMEMBERED_NOTICES,
  NoticeMemory,
  REEXAMINE_PUBLISHED_MS,
  REEXAMINE_REDELIVERED_MS,
  type NoticeIdentity,
} from '../../src/sync/notice-memory.js';

const notice = (version: string, url = 'https://releases.example/pump-ae/') => ({ model: 'pump-ae', version, url });
/** Whether the memory passes over `n` delivered again (redelivered, at time 0). */
const seen = (memory: NoticeMemory, n: NoticeIdentity) => !memory.recall(n, 0, false).handle;

describe('NoticeMemory', () => {
  it('tells a notice delivered before, by model, version and URL', () => {
    const memory = new NoticeMemory();
    expect(seen(memory, notice('2.0.0'))).toBe(false);
    expect(seen(memory, notice('2.0.0'))).toBe(true);
    expect(seen(memory, notice('2.0.0', 'https://elsewhere.example/pump-ae/'))).toBe(false);
    expect(seen(memory, { ...notice('2.0.0'), model: 'press-ae' })).toBe(false);
    expect(memory.size).toBe(3);
  });

  it("forgets a notice handling said to handle again ('again')", () => {
    const memory = new NoticeMemory();
    seen(memory, notice('2.0.0'));
    memory.settle(notice('2.0.0'), 'again', 0);
    expect(memory.size).toBe(0);
    expect(seen(memory, notice('2.0.0'))).toBe(false);
  });

  it('keeps a settled notice for good, whenever and however it comes again', () => {
    const memory = new NoticeMemory();
    memory.recall(notice('2.0.0'), 0, false);
    memory.settle(notice('2.0.0'), 'settled', 0);
    expect(memory.recall(notice('2.0.0'), 10 * REEXAMINE_REDELIVERED_MS, true)).toEqual({ handle: false, tell: false });
  });

  it('looks at a refused notice again a minute after when published anew, 15 minutes after when delivered again', () => {
    const memory = new NoticeMemory();
    const n = notice('2.0.0');
    const t0 = 1_000_000;
    memory.recall(n, t0, true);
    memory.settle(n, { rejected: 'not_newer' }, t0);
    const rejection = { code: 'not_newer', at: t0 };
    // Said once per refusal, however often it comes before it is looked at again.
    expect(memory.recall(n, t0 + REEXAMINE_PUBLISHED_MS - 1, true)).toEqual({ handle: false, rejection, tell: true });
    expect(memory.recall(n, t0 + REEXAMINE_PUBLISHED_MS, false)).toEqual({ handle: false, rejection, tell: false });
    expect(memory.recall(n, t0 + REEXAMINE_REDELIVERED_MS - 1, false).handle).toBe(false);
    expect(memory.recall(n, t0 + REEXAMINE_PUBLISHED_MS, true)).toEqual({ handle: true });
    // Looked at again: remembered as being handled (a redelivery meanwhile is passed over), refused anew, said anew.
    expect(memory.recall(n, t0 + REEXAMINE_PUBLISHED_MS, true)).toEqual({ handle: false, tell: false });
    const t1 = t0 + 2 * REEXAMINE_PUBLISHED_MS;
    memory.settle(n, { rejected: 'bad_signature' }, t1);
    expect(memory.recall(n, t1, true)).toEqual({
      handle: false,
      rejection: { code: 'bad_signature', at: t1 },
      tell: true,
    });
    expect(memory.recall(n, t1 + REEXAMINE_REDELIVERED_MS, false)).toEqual({ handle: true });
  });

  it('keeps the most recently delivered, a notice delivered again counting as recent', () => {
    const memory = new NoticeMemory(3);
    for (const v of ['1', '2', '3']) seen(memory, notice(v));
    expect(seen(memory, notice('1'))).toBe(true); // now the most recent
    expect(seen(memory, notice('4'))).toBe(false); // pushes out 2, the oldest
    expect(memory.size).toBe(3);
    expect(seen(memory, notice('1'))).toBe(true);
    expect(seen(memory, notice('3'))).toBe(true);
    expect(seen(memory, notice('2'))).toBe(false);
  });

  it('does not take back a refused notice pushed out while it was handled', () => {
    const memory = new NoticeMemory(1);
    memory.recall(notice('1'), 0, false);
    memory.recall(notice('2'), 0, false); // pushes out 1
    memory.settle(notice('1'), { rejected: 'not_newer' }, 0);
    expect(memory.size).toBe(1);
    expect(seen(memory, notice('2'))).toBe(true);
  });

  it(`holds ${MAX_REMEMBERED_NOTICES} by default, however long their URLs`, () => {
    const memory = new NoticeMemory();
    const long = `https://releases.example/${'x'.repeat(4096)}/`;
    for (let i = 0; i < 3 * MAX_REMEMBERED_NOTICES; i++) seen(memory, notice(`v${i}`, long));
    expect(memory.size).toBe(MAX_REMEMBERED_NOTICES);
    expect(seen(memory, notice(`v${3 * MAX_REMEMBERED_NOTICES - 1}`, long))).toBe(true);
    expect(seen(memory, notice('v0', long))).toBe(false);
  });
});
