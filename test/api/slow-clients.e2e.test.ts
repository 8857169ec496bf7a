/**
 * Slow clients on the operator API (slowloris): a connection that sends nothing, or sends its headers a line at a
 * time, is answered 408 and closed after http.headers_timeout_ms, while normal clients are answered and an event
 * stream stays open; and no more than http.max_connections are held at once (one more is closed unanswered, and
 * counted). Regression: Node's defaults held a client sending its headers for up to 90 s, and any number of them.
 * Real sockets on a real endpoint.
 */
import { request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { clientErrorAnswer } from '../../src/api/client-errors.js';
import { startHttpEndpoint, type GatewayApi, type HttpEndpoint } from '../../src/api/http-server.js';
import { EventBus } from '../../src/core/event-bus.js';
import type { GatewayTopics } from '../../src/runtime/gateway.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { silentLogger } from '../../src/telemetry/logger.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A client's raw connection: what it received, and a promise of its close. */
interface RawClient {
  readonly socket: Socket;
  readonly received: () => string;
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

/** Connects to `port`; resolves once connected, having sent `first` (nothing where undefined). */
async function rawClient(port: number, first?: string, localAddress?: string): Promise<RawClient> {
  const socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
  cleanups.push(() => socket.destroy());
  socket.on('error', () => undefined);
  let text = '';
  let done = false;
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      done = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  if (first !== undefined) socket.write(first);
  return { socket, received: () => text, closed, isClosed: () => done };
}

/** A slowloris client: the request line, then one more header line each 50 ms, never the blank line. */
async function trickling(port: number, localAddress?: string): Promise<RawClient> {
  const client = await rawClient(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n', localAddress);
  let n = 0;
  const timer = setInterval(() => client.socket.writable && client.socket.write(`X-Slow-${n++}: 1\r\n`), 50);
  cleanups.push(() => clearInterval(timer));
  void client.closed.then(() => clearInterval(timer));
  return client;
}

/** GET `path` on a connection of its own (closed after the answer): its status. */
function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { host: 'localhost' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens an event stream; resolves with its answer once the headers arrive (the stream stays open). */
function openStream(port: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/events', agent: false }, resolve);
    cleanups.push(() => req.destroy());
    req.on('error', reject);
    req.end();
  });
}

async function endpoint(options: { headersTimeoutMs: number; maxConnections: number; maxEventStreams?: number }) {
  const api = {
    status: () => ({ state: 'running', sources: [], assets: [], sinks: [] }),
    events: new EventBus<GatewayTopics>(() => undefined),
  } as unknown as GatewayApi;
  const metrics = new GatewayMetrics();
  const http: HttpEndpoint = await startHttpEndpoint(
    { host: '127.0.0.1', port: 0, ...options },
    api,
    metrics,
    silentLogger(),
  );
  cleanups.push(() => http.close());
  const refused = async () =>
    (await metrics.registry.getSingleMetricAsString('linewatch_api_connections_refused_total')).split(' ').pop();
  return { port: http.port, refused };
}

/** Node's own 408, with the headers every answer carries (response-headers.e2e.test.ts checks them). */
const TIMEOUT_408 = clientErrorAnswer('ERR_HTTP_REQUEST_TIMEOUT');

describe('slow clients on the operator API', () => {
  it('are answered 408 and closed after headers_timeout_ms, while others are answered and a stream stays open', async () => {
    const { port, refused } = await endpoint({ headersTimeoutMs: 1000, maxConnections: 16 });
    const stream = await openStream(port);
    expect(stream.statusCode).toBe(200);
    const silent = await rawClient(port);
    const partial = await rawClient(port, 'GET /api/status HTTP/1.1\r\nHost: localhost\r\n');
    const slow = await trickling(port);
    // Answered while the slow ones hold their connections.
    expect(await get(port, '/healthz')).toBe(200);
    expect([silent, partial, slow].map((c) => c.isClosed())).toEqual([false, false, false]);
    await Promise.all([silent.closed, partial.closed, slow.closed]);
    expect([silent, partial, slow].map((c) => c.received())).toEqual([TIMEOUT_408, TIMEOUT_408, TIMEOUT_408]);
    // The stream, open longer than the slow ones were, is no request in progress: still open.
    expect(stream.socket.destroyed).toBe(false);
    expect(await get(port, '/api/status')).toBe(200);
    expect(await refused()).toBe('0');
  }, 30_000);

  it('holds at most max_connections: one more is closed unanswered, counted, and the API answers once they end', async () => {
    // From four addresses: one holds at most half of max_connections (the next test).
    const { port, refused } = await endpoint({ headersTimeoutMs: 1000, maxConnections: 4, maxEventStreams: 1 });
    const stream = await openStream(port);
    const held = [await trickling(port, '127.0.0.2'), await rawClient(port, undefined, '127.0.0.3')];
    held.push(await rawClient(port, undefined, '127.0.0.3')); // with the stream, 4: the cap
    const extra = await rawClient(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n', '127.0.0.4');
    await extra.closed;
    expect(extra.received()).toBe('');
    expect(await refused()).toBe('1');
    expect(held.map((c) => c.isClosed())).toEqual([false, false, false]);
    await Promise.all(held.map((c) => c.closed));
    expect(await get(port, '/healthz')).toBe(200);
    expect(stream.socket.destroyed).toBe(false);
  }, 30_000);

  it('holds at most half of max_connections from one address: the rest stay free for other clients', async () => {
    // Adversarial review r2 (s32): one peer opening max_connections sockets that send nothing (or a request every few
    // seconds, kept alive) held every slot, and every other client (Node-RED, an operator) was refused meanwhile.
    // An address's share: half of max_connections (2), or max_event_streams and one request (2).
    const { port, refused } = await endpoint({ headersTimeoutMs: 5000, maxConnections: 4, maxEventStreams: 1 });
    const intruder = [];
    for (let i = 0; i < 4; i++) intruder.push(await rawClient(port, undefined, '127.0.0.2'));
    // The third and fourth from 127.0.0.2 are closed as they come, unanswered.
    await Promise.all([intruder[2].closed, intruder[3].closed]);
    expect(intruder.map((c) => [c.isClosed(), c.received()])).toEqual([
      [false, ''],
      [false, ''],
      [true, ''],
      [true, ''],
    ]);
    expect(await refused()).toBe('2');
    // Another address is answered while the intruder's two are held.
    expect(await get(port, '/healthz')).toBe(200);
    expect(intruder.slice(0, 2).map((c) => c.isClosed())).toEqual([false, false]);
  }, 30_000);
});
