/**
 * OverBoundNodes on its own, its reads given (fault injection: a server that is gone, a value that stays over the
 * bound, then shrinks) and its timer advanced: what is left out, logged, counted and retried. The real server is in
 * opcua-over-bound-node.e2e.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reading } from '../../../src/sources/opcua/client-adapter.js';
import { OverBoundNodes } from '../../../src/sources/opcua/over-bound-nodes.js';
import type { Unread } from '../../../src/sources/opcua/read-in-parts.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';

const DETAIL = 'max message size exceeded: 65536 : total message size 131072';
const over: Unread = { unread: DETAIL, tooLarge: true };
const value: Reading = { value: 7.5, quality: 'good' };

type Answer = Map<number, Reading | Unread> | Error;

function nodes(answers: Answer[]) {
  const log = logLines();
  const metrics = new GatewayMetrics();
  const asked: number[][] = [];
  const overBound = new OverBoundNodes({
    source: 'bound',
    device: 'device bound (opc.tcp://plc:4840)',
    logger: log.logger,
    metrics,
    read: async (only) => {
      asked.push([...only]);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('test: no answer left');
      if (answer instanceof Error) throw answer;
      return answer;
    },
    bound: 65536,
    setting: 'sources[0].max_message_bytes',
    label: (i) => `sources[0].nodes[${i}].node_id ns=1;s=n${i} (channel c${i})`,
    channel: (i) => `c${i}`,
    random: () => 0,
  });
  const tooLarge = async () =>
    (await metrics.sourceErrors.get()).values.find((v) => v.labels.kind === 'too_large')?.value ?? 0;
  return { overBound, log, asked, tooLarge };
}

const WHY =
  'device bound (opc.tcp://plc:4840): sources[0].nodes[1].node_id ns=1;s=n1 (channel c1): its value is over max_message_bytes (65536 bytes, sources[0].max_message_bytes): a response with it alone was refused (max message size exceeded: 65536 : total message size 131072); raise sources[0].max_message_bytes if the value is meant to be that large';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('OverBoundNodes', () => {
  it('leaves out the nodes refused alone, logs each once, and not one whose part failed otherwise', async () => {
    const h = nodes([
      new Map<number, Reading | Unread>([
        [0, value],
        [1, over],
        [2, { unread: 'connection refused', tooLarge: false }],
      ]),
      new Map([[1, over]]),
    ]);
    await h.overBound.find([0, 1, 2]);
    await h.overBound.find([1]);
    expect(h.asked).toEqual([[0, 1, 2], [1]]);
    expect(h.overBound.entries()).toEqual([[1, WHY]]);
    expect([h.overBound.has(0), h.overBound.has(1), h.overBound.has(2)]).toEqual([false, true, false]);
    expect(h.log.at(40)).toEqual([
      `${WHY}; left out of the subscription (the other nodes stay subscribed), tried again alone at the source's backoff`,
    ]);
  });

  it('where no node alone is over the bound, asks for half as many notifications per publish each time, to one', async () => {
    const all = new Map<number, Reading | Unread>([0, 1, 2, 3, 4].map((i) => [i, value]));
    const h = nodes([all, all, all]);
    expect(h.overBound.notificationsPerPublish()).toBe(0);
    const steps: number[] = [];
    for (let i = 0; i < 3; i++) {
      await h.overBound.find([0, 1, 2, 3, 4]);
      steps.push(h.overBound.notificationsPerPublish());
    }
    expect(steps).toEqual([3, 1, 1]);
    expect(h.overBound.entries()).toEqual([]);
    const said = (n: number) =>
      `device bound (opc.tcp://plc:4840): no node's value alone is over max_message_bytes (65536 bytes, sources[0].max_message_bytes), but together they are: the server is asked for at most ${n} notifications per publish response; raise sources[0].max_message_bytes to take them in one`;
    expect(h.log.at(40)).toEqual([said(3), said(1)]);
  });

  it('a find whose reads cannot start rejects, leaving nothing out', async () => {
    const h = nodes([new Error('connect ECONNREFUSED 127.0.0.1:4840')]);
    await expect(h.overBound.find([0, 1])).rejects.toThrow('connect ECONNREFUSED 127.0.0.1:4840');
    expect(h.overBound.entries()).toEqual([]);
  });

  it('retries at the backoff: a server gone is not counted, a value still over is; back once it reads', async () => {
    const h = nodes([
      new Map([[1, over]]),
      new Error('connect ECONNREFUSED 127.0.0.1:4840'),
      new Map([[1, over]]),
      new Map([[1, { value: Number.NaN, quality: 'bad', wrongType: 'ByteString' } as Reading]]),
    ]);
    await h.overBound.find([0, 1]);
    const back: number[][] = [];
    h.overBound.retryLater((indices) => back.push(indices));
    // random 0: half of 250 ms, then of 250 ms again (one failure), then of 500 ms.
    await vi.advanceTimersByTimeAsync(124);
    expect(h.asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.asked).toEqual([[0, 1], [1]]);
    expect(await h.tooLarge()).toBe(0);
    await vi.advanceTimersByTimeAsync(125);
    expect(h.asked).toHaveLength(3);
    expect(await h.tooLarge()).toBe(1);
    expect(back).toEqual([]);
    await vi.advanceTimersByTimeAsync(250);
    expect(h.asked).toEqual([[0, 1], [1], [1], [1]]);
    // Read (not a number: the subscription says so), so back; nothing left to retry.
    expect(back).toEqual([[1]]);
    expect(h.overBound.entries()).toEqual([]);
    expect(h.log.at(30)).toEqual([
      'device bound (opc.tcp://plc:4840): sources[0].nodes[1].node_id ns=1;s=n1 (channel c1): its value is under max_message_bytes again; subscribing it again',
    ]);
    expect(h.log.at(40)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.asked).toHaveLength(4);
  });

  it('stopped: no retry after it', async () => {
    const h = nodes([new Map([[1, over]]), new Map([[1, value]])]);
    await h.overBound.find([1]);
    const back: number[][] = [];
    h.overBound.retryLater((indices) => back.push(indices));
    await h.overBound.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.asked).toHaveLength(1);
    expect(back).toEqual([]);
  });
});
