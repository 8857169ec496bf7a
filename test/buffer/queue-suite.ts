/** One behavioural suite that every DurableQueue implementation must pass. */
import { describe, expect, it } from 'vitest';
import type { DurableQueue, Priority, QueueInput } from '../../src/buffer/queue.js';
import { QueueStateError } from '../../src/buffer/queue.js';

export type QueueFactory = (options: { maxBytes: number; now: () => number }) => DurableQueue;

const item = (payload: string, priority: Priority = 'raw'): QueueInput => ({ payload, priority });
const payloads = (q: DurableQueue, n = 1000) => {
  const b = q.take(n);
  if (!b) return [];
  q.reject(b);
  return b.items.map((i) => i.payload);
};

export function queueSuite(name: string, make: QueueFactory): void {
  describe(`${name}: the durable queue contract`, () => {
    const big = { maxBytes: 1 << 30, now: () => 1000 };

    it('takes the oldest items first, in push order', () => {
      const q = make(big);
      q.push([item('a'), item('b')]);
      q.push([item('c')]);
      const batch = q.take(2)!;
      expect(batch.items.map((i) => i.payload)).toEqual(['a', 'b']);
      expect(batch.bytes).toBe(2);
      q.close();
    });

    it('accept removes the batch; reject keeps it at the head, in order', () => {
      const q = make(big);
      q.push(['a', 'b', 'c', 'd'].map((p) => item(p)));
      const first = q.take(2)!;
      q.reject(first);
      const again = q.take(2)!;
      expect(again.items.map((i) => i.payload)).toEqual(['a', 'b']);
      q.accept(again);
      expect(payloads(q)).toEqual(['c', 'd']);
      expect(q.stats().items).toBe(2);
      q.close();
    });

    it('has one batch in flight at a time', () => {
      const q = make(big);
      q.push([item('a'), item('b')]);
      const batch = q.take(1)!;
      expect(q.take(1)).toBeUndefined();
      q.push([item('c')]);
      q.accept(batch);
      expect(payloads(q)).toEqual(['b', 'c']);
      q.close();
    });

    it('refuses to settle a batch that is not in flight', () => {
      const q = make(big);
      q.push([item('a')]);
      const batch = q.take(1)!;
      q.accept(batch);
      expect(() => q.accept(batch)).toThrow(QueueStateError);
      expect(() => q.reject(batch)).toThrow(QueueStateError);
      q.close();
    });

    it('returns undefined when empty', () => {
      const q = make(big);
      expect(q.take(10)).toBeUndefined();
      q.close();
    });

    it('limits a batch by bytes, but always takes at least one item', () => {
      const q = make(big);
      q.push([item('aaaa'), item('bbbb'), item('cccc')]);
      const b = q.take(10, 9)!;
      expect(b.items.map((i) => i.payload)).toEqual(['aaaa', 'bbbb']);
      q.reject(b);
      const one = q.take(10, 1)!;
      expect(one.items).toHaveLength(1);
      q.close();
    });

    it('counts items and bytes (UTF-8) and the age of the oldest item', () => {
      let now = 1000;
      const q = make({ maxBytes: 1 << 30, now: () => now });
      q.push([item('é')]);
      now = 1500;
      q.push([item('x')]);
      now = 4000;
      expect(q.stats()).toMatchObject({ records: 2, items: 2, bytes: 3, oldestAgeMs: 3000 });
      q.close();
    });

    it('over the byte bound, evicts the oldest raw samples first and keeps alarms longest', () => {
      const q = make({ maxBytes: 10, now: () => 0 });
      q.push([item('A1', 'alarm'), item('r1'), item('S1', 'score'), item('r2'), item('P1', 'part')]);
      q.push([item('r3'), item('S2', 'score')]); // 14 bytes: 2 raw must go (r1, r2)
      expect(payloads(q)).toEqual(['A1', 'S1', 'P1', 'r3', 'S2']);
      q.push([item('A2', 'alarm'), item('A3', 'alarm')]); // 14 bytes: r3, then S1
      expect(payloads(q)).toEqual(['A1', 'P1', 'S2', 'A2', 'A3']);
      expect(q.stats().evicted).toEqual({ raw: 3, score: 1, part: 0, alarm: 0 });
      expect(q.stats().bytes).toBe(10);
      q.close();
    });

    it('never evicts the batch in flight', () => {
      const q = make({ maxBytes: 4, now: () => 0 });
      q.push([item('r1'), item('r2')]);
      const batch = q.take(1)!;
      q.push([item('r3')]); // over: r2 goes, r1 is in flight
      q.accept(batch);
      expect(payloads(q)).toEqual(['r3']);
      expect(q.stats().evicted.raw).toBe(1);
      q.close();
    });

    it('sizes batches by records when an item holds several, always at least one item', () => {
      const q = make(big);
      q.push([
        { payload: 'a\nb\nc', count: 3, priority: 'raw' },
        { payload: 'd\ne', count: 2, priority: 'raw' },
        { payload: 'f', priority: 'alarm' },
      ]);
      expect(q.stats()).toMatchObject({ records: 6, items: 3 });
      const b = q.take(4)!;
      expect([b.items.length, b.count]).toEqual([1, 3]);
      q.accept(b);
      const big2 = q.take(1)!;
      expect([big2.items.length, big2.count]).toEqual([1, 2]);
      q.accept(big2);
      expect(q.stats()).toMatchObject({ records: 1, items: 1 });
      q.close();
    });

    it('counts evicted records, not entries', () => {
      const q = make({ maxBytes: 6, now: () => 0 });
      q.push([
        { payload: 'r1\nr2', count: 2, priority: 'raw' },
        { payload: 'A', priority: 'alarm' },
      ]);
      q.push([{ payload: 'r3', priority: 'raw' }]);
      expect(q.stats().evicted.raw).toBe(2);
      expect(q.stats().records).toBe(2);
      q.close();
    });

    it('keeps order across many interleaved pushes, takes and rejections', () => {
      const q = make(big);
      const delivered: string[] = [];
      let next = 0;
      for (let round = 0; round < 200; round++) {
        q.push(Array.from({ length: (round % 7) + 1 }, () => item(String(next++))));
        const b = q.take((round % 5) + 1);
        if (!b) continue;
        if (round % 3 === 0) q.reject(b);
        else {
          delivered.push(...b.items.map((i) => i.payload));
          q.accept(b);
        }
      }
      for (let b = q.take(100); b; b = q.take(100)) {
        delivered.push(...b.items.map((i) => i.payload));
        q.accept(b);
      }
      expect(delivered).toEqual(Array.from({ length: next }, (_, i) => String(i)));
      q.close();
    });
  });
}
