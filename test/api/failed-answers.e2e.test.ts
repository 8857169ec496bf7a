/**
 * Regression (review s34, finding 3): an answer that failed once its headers were written had no way out. A status
 * the JSON encoder refused (a BigInt, in the test) threw after `writeHead`; the 500 that followed threw
 * ERR_HTTP_HEADERS_SENT inside the promise's catch, an unhandled rejection that ends a Node 20 process (the daemon sets
 * no handler), and the client waited for ever. An event stream whose subscription failed did the same and kept its
 * slot of max_event_streams. Each failure now ends its answer (a 500 before the headers, the connection cut after
 * them), is logged once and counted, and frees what it held. Fault injection: a GatewayApi whose values cannot be
 * written, served over a real socket.
 */
import { request, type IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type GatewayApi, type HttpEndpoint } from '../../src/api/http-server.js';
import { EventBus, type Subscribable } from '../../src/core/event-bus.js';
import type { ScoreResult } from '../../src/core/types.js';
import type { GatewayTopics } from '../../src/runtime/gateway.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { RUNNING_STATUS, stubGatewayApi } from '../helpers/stub-gateway-api.js';

let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

/** An endpoint on `api`, with the error lines it logs and its failed-answers counter. */
async function serve(api: GatewayApi, maxEventStreams?: number) {
  const lines: { msg: string; request: string }[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string; request: string });
      done();
    },
  });
  const metrics = new GatewayMetrics();
  endpoint = await startHttpEndpoint(
    { host: '127.0.0.1', port: 0, ...(maxEventStreams ? { maxEventStreams } : {}) },
    api,
    metrics,
    createLogger('error', out, { format: 'json' }),
  );
  const failed = async () =>
    Number((await metrics.registry.getSingleMetricAsString('linewatch_api_requests_failed_total')).split(' ').pop());
  return { port: endpoint.port, lines, failed };
}

/** Opens an event stream; resolves with its response once the headers arrive. */
function openStream(port: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/events?types=score', agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with whether the response's body arrived whole, once its connection is done. */
function outcome(res: IncomingMessage): Promise<'complete' | 'cut'> {
  return new Promise((resolve) => {
    res.resume();
    res.on('end', () => resolve('complete'));
    res.on('error', () => resolve('cut'));
    res.on('close', () => resolve(res.complete ? 'complete' : 'cut'));
  });
}

describe('an answer that fails', () => {
  it('before its headers went is a 500 naming the error, logged and counted once; the API goes on', async () => {
    const api = stubGatewayApi({
      status: () => ({ ...RUNNING_STATUS, assets: [{ name: 'pump-1', latest: { count: 1n } }] }),
    });
    const { port, lines, failed } = await serve(api);
    const res = await fetch(`http://127.0.0.1:${port}/api/status?x=1`);
    expect([res.status, await res.json()]).toEqual([
      500,
      { error: 'internal error: Do not know how to serialize a BigInt' },
    ]);
    expect(lines.map((l) => [l.msg, l.request])).toEqual([
      ['HTTP API: GET /api/status failed: Do not know how to serialize a BigInt', 'GET /api/status'],
    ]);
    expect(await failed()).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('once its event stream began is cut, logged and counted once, and frees its stream', async () => {
    const events = new EventBus<GatewayTopics>(() => undefined);
    const api = stubGatewayApi({ events });
    const { port, lines, failed } = await serve(api, 1);
    const first = await openStream(port);
    expect(first.statusCode).toBe(200);
    const ended = outcome(first);
    const unwritable = { asset: 'pump-1', score: 1n } as unknown as ScoreResult;
    events.publish('scores', [unwritable, unwritable]);
    events.publish('scores', [unwritable]);
    expect(await ended).toBe('cut');
    expect(lines.map((l) => l.msg)).toEqual([
      'HTTP API: GET /api/events failed: Do not know how to serialize a BigInt',
    ]);
    expect(await failed()).toBe(1);
    expect(events.subscriberCount('scores')).toBe(0);
    // max_event_streams 1: the cut stream no longer holds it
    const second = await openStream(port);
    expect(second.statusCode).toBe(200);
    second.destroy();
  });

  it('whose event subscription fails cuts the stream, frees its slot, and the gateway lives on', async () => {
    const bus = new EventBus<GatewayTopics>(() => undefined);
    let refuse = true;
    const events: Subscribable<GatewayTopics> = {
      subscribe: (topic, handler) => {
        if (refuse) throw new Error('the gateway is stopping');
        return bus.subscribe(topic, handler);
      },
    };
    const { port, lines, failed } = await serve(stubGatewayApi({ events }), 1);
    // cut before or after its headers reached the client: either way no stream, and no answer taken for whole
    expect(await openStream(port).then(outcome, (err: Error) => err.message)).toMatch(/^(cut|socket hang up)$/);
    expect(lines.map((l) => l.msg)).toEqual(['HTTP API: GET /api/events failed: the gateway is stopping']);
    expect(await failed()).toBe(1);
    refuse = false;
    const next = await openStream(port);
    expect(next.statusCode).toBe(200);
    next.destroy();
  });
});
