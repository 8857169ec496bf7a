import { describe, expect, it } from 'vitest';
import { partsDeadline, readInParts } from '../../../src/sources/opcua/read-in-parts.js';

const BOUND = 100;
const REFUSED = 'serviceResult = BadTcpMessageTooLarge (0x80800000)';

/** A server whose response is the sum of its nodes' sizes, refused over BOUND; it records each request. */
function server(sizes: Record<string, number>, fail?: (request: number) => Error | undefined) {
  const requests: string[][] = [];
  const read = async (ids: readonly string[]) => {
    requests.push([...ids]);
    const err = fail?.(requests.length);
    if (err) throw err;
    if (ids.reduce((n, id) => n + sizes[id], 0) > BOUND) throw new Error(`${REFUSED}\nmore lines of node-opcua's`);
    return ids.map((id) => `value of ${id}`);
  };
  return { read, requests };
}

const tooLarge = { unread: REFUSED, tooLarge: true };

describe('readInParts', () => {
  it.each<{ case: string; sizes: Record<string, number>; expected: unknown[]; requests: string[][] }>([
    {
      case: 'all fit: one request',
      sizes: { a: 10, b: 10, c: 10 },
      expected: ['value of a', 'value of b', 'value of c'],
      requests: [['a', 'b', 'c']],
    },
    {
      case: 'one over the bound among five: halves, down to it alone',
      sizes: { a: 10, b: 10, c: 500, d: 10, e: 10 },
      expected: ['value of a', 'value of b', tooLarge, 'value of d', 'value of e'],
      requests: [['a', 'b', 'c', 'd', 'e'], ['a', 'b', 'c'], ['a', 'b'], ['c'], ['d', 'e']],
    },
    {
      case: 'each fits, together they do not: read in halves, none named',
      sizes: { a: 60, b: 60 },
      expected: ['value of a', 'value of b'],
      requests: [['a', 'b'], ['a'], ['b']],
    },
    {
      case: 'every one over the bound: 2n - 1 requests',
      sizes: { a: 200, b: 200, c: 200 },
      expected: [tooLarge, tooLarge, tooLarge],
      requests: [['a', 'b', 'c'], ['a', 'b'], ['a'], ['b'], ['c']],
    },
  ])('$case', async ({ sizes, expected, requests }) => {
    const s = server(sizes);
    expect(await readInParts(Object.keys(sizes), s.read)).toEqual(expected);
    expect(s.requests).toEqual(requests);
  });

  it('reads nothing for no nodes', async () => {
    const s = server({});
    expect(await readInParts([], s.read)).toEqual([]);
    expect(s.requests).toEqual([]);
  });

  it('a failure that is not a message over the bound, before anything was read, rejects with it', async () => {
    const s = server({ a: 10 }, () => new Error('Invalid Channel BadConnectionClosed'));
    await expect(readInParts(['a'], s.read)).rejects.toThrow('Invalid Channel BadConnectionClosed');
  });

  it('once a part was read, a later failure marks its part and keeps what was read', async () => {
    // The refusal closed the connection, and opening a new one for the third request failed.
    const s = server({ a: 10, b: 500, c: 10, d: 10 }, (n) =>
      n === 5 ? new Error('connect ECONNREFUSED 127.0.0.1:4840') : undefined,
    );
    expect(await readInParts(['a', 'b', 'c', 'd'], s.read)).toEqual([
      'value of a',
      tooLarge,
      { unread: 'connect ECONNREFUSED 127.0.0.1:4840', tooLarge: false },
      { unread: 'connect ECONNREFUSED 127.0.0.1:4840', tooLarge: false },
    ]);
    expect(s.requests).toEqual([['a', 'b', 'c', 'd'], ['a', 'b'], ['a'], ['b'], ['c', 'd']]);
  });

  describe('against a slow server (each request a whole timeout_ms, 1000 ms on the clock given)', () => {
    /** Eight nodes each under the bound, any two over it: 15 requests (2n - 1) read them all, 15 s here. */
    const EIGHT = { a: 60, b: 60, c: 60, d: 60, e: 60, f: 60, g: 60, h: 60 };
    function slow(firstMs = 1000) {
      let clock = 0;
      const s = server(EIGHT);
      const read = async (ids: readonly string[]) => {
        clock += s.requests.length === 0 ? firstMs : 1000;
        return s.read(ids);
      };
      return { read, requests: s.requests, deadline: partsDeadline(8, 1000, () => clock) };
    }
    const WHAT = 'reading 8 nodes in parts took over 4000 ms (timeout_ms 1000 × 4, one request per halving)';

    it('stops starting parts at timeout_ms × (⌈log2 n⌉ + 1); the rest unread, saying how many were read', async () => {
      const s = slow();
      const unread = { unread: `${WHAT}: 2 of 8 read, this one not`, tooLarge: false };
      expect(await readInParts(Object.keys(EIGHT), s.read, s.deadline)).toEqual([
        'value of a',
        'value of b',
        ...Array(6).fill(unread),
      ]);
      expect(s.requests).toEqual([Object.keys(EIGHT), ['a', 'b', 'c', 'd'], ['a', 'b'], ['a'], ['b']]);
    });

    it('says translating browse paths where the deadline is for translations', async () => {
      const s = slow(5000);
      const deadline = partsDeadline(8, 1000, s.deadline.now, 'translate');
      await expect(readInParts(Object.keys(EIGHT), s.read, deadline)).rejects.toThrow(
        'translating 8 browse paths in parts took over 4000 ms (timeout_ms 1000 × 4, one request per halving): 0 of 8 translated',
      );
    });

    it('rejects where nothing was read by the deadline', async () => {
      const s = slow(5000);
      await expect(readInParts(Object.keys(EIGHT), s.read, s.deadline)).rejects.toThrow(`${WHAT}: 0 of 8 read`);
      expect(s.requests).toEqual([Object.keys(EIGHT)]);
    });
  });
});
