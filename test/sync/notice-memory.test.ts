/** The bounded memory of settled release notices. */
import { describe, expect, it } from 'vitest';
import { MAX_REMEMBERED_NOTICES, NoticeMemory } from '../../src/sync/notice-memory.js';

const notice = (version: string, url = 'https://releases.example/pump-ae/') => ({ model: 'pump-ae', version, url });

describe('NoticeMemory', () => {
  it('tells a notice delivered before, by model, version and URL', () => {
    const memory = new NoticeMemory();
    expect(memory.seen(notice('2.0.0'))).toBe(false);
    expect(memory.seen(notice('2.0.0'))).toBe(true);
    expect(memory.seen(notice('2.0.0', 'https://elsewhere.example/pump-ae/'))).toBe(false);
    expect(memory.seen({ ...notice('2.0.0'), model: 'press-ae' })).toBe(false);
    expect(memory.size).toBe(3);
  });

  it('forgets a notice on request', () => {
    const memory = new NoticeMemory();
    memory.seen(notice('2.0.0'));
    memory.forget(notice('2.0.0'));
    expect(memory.size).toBe(0);
    expect(memory.seen(notice('2.0.0'))).toBe(false);
  });

  it('keeps the most recently delivered, a notice delivered again counting as recent', () => {
    const memory = new NoticeMemory(3);
    for (const v of ['1', '2', '3']) memory.seen(notice(v));
    expect(memory.seen(notice('1'))).toBe(true); // now the most recent
    expect(memory.seen(notice('4'))).toBe(false); // pushes out 2, the oldest
    expect(memory.size).toBe(3);
    expect(memory.seen(notice('1'))).toBe(true);
    expect(memory.seen(notice('3'))).toBe(true);
    expect(memory.seen(notice('2'))).toBe(false);
  });

  it(`holds ${MAX_REMEMBERED_NOTICES} by default, however long their URLs`, () => {
    const memory = new NoticeMemory();
    const long = `https://releases.example/${'x'.repeat(4096)}/`;
    for (let i = 0; i < 3 * MAX_REMEMBERED_NOTICES; i++) memory.seen(notice(`v${i}`, long));
    expect(memory.size).toBe(MAX_REMEMBERED_NOTICES);
    expect(memory.seen(notice(`v${3 * MAX_REMEMBERED_NOTICES - 1}`, long))).toBe(true);
    expect(memory.seen(notice('v0', long))).toBe(false);
  });
});
