/** RequestsUnderWay (src/sinks/influx/requests-under-way.ts): a signal aborts at its timeout or at the stop. */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RequestsUnderWay } from '../../../src/sinks/influx/requests-under-way.js';

describe('the requests a sink has under way', () => {
  it('aborts one at its timeout with the reason AbortSignal.timeout gives', async () => {
    const request = new RequestsUnderWay().begin(1);
    await once(request.signal, 'abort');
    expect(request.signal.reason).toMatchObject({
      name: 'TimeoutError',
      message: 'The operation was aborted due to timeout',
    });
    request.done();
  });

  it('aborts every one under way at the stop, and each begun after it at once; one ended is left alone', () => {
    const requests = new RequestsUnderWay();
    const ended = requests.begin(60_000);
    ended.done();
    const [a, b] = [requests.begin(60_000), requests.begin()];
    const stop = new Error('no answer within 5000 ms of the stop');
    requests.abortAll(stop);
    expect([a.signal.reason, b.signal.reason]).toEqual([stop, stop]);
    expect(ended.signal.aborted).toBe(false);
    const later = requests.begin(60_000);
    expect(later.signal.reason).toBe(stop);
    for (const r of [a, b, later]) r.done();
  });
});
