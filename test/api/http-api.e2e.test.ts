/**
 * The operator API at its boundary (issue: unauthenticated event streams without a cap, a 500 on a
 * malformed path, a token compare that leaks its length): a real daemon on the simulator, and for
 * the slow-client case an endpoint fed a flood of events.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { startHttpEndpoint, MAX_STREAM_BACKLOG_BYTES, type GatewayApi } from '../../src/api/http-server.js';
import { MAX_PIPELINED_REQUESTS } from '../../src/api/pipelined-requests.js';
import { EventBus } from '../../src/core/event-bus.js';
import type { ScoreResult } from '../../src/core/types.js';
import type { GatewayTopics } from '../../src/runtime/gateway.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from '../helpers/cli.js';

const WRITE = 'write-token-0123456789';
const READ = 'read-token-0123456789';
let sim: RunningSimulator;
let daemon: Daemon;
let base: string;

/** Opens an event stream; resolves with its status once the headers arrive (the stream stays open). */
function openStream(token?: string): Promise<{ status: number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/events`, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      resolve({ status: res.statusCode!, close: () => req.destroy() });
    });
    req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
    req.end();
  });
}

beforeAll(async () => {
  sim = await runSimulator({ modbusPort: 0, seed: 9 });
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
    LINEWATCH_API_TOKEN: WRITE,
  });
  loaded.config.storage.local = undefined;
  loaded.config.http = { ...loaded.config.http, read_token: READ, max_event_streams: 3 };
  daemon = await startDaemon(loaded, silentLogger());
  base = `http://127.0.0.1:${daemon.http!.port}`;
});

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('the operator API', () => {
  it('answers a malformed percent-encoding with 400, token or not', async () => {
    const post = await fetch(`${base}/api/alarms/%E0%A4%A/anomaly/ack`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(400);
    expect(await post.json()).toEqual({ error: 'bad path: malformed percent-encoding' });
    expect((await fetch(`${base}/api/%ZZ`, { headers: { authorization: `Bearer ${READ}` } })).status).toBe(400);
  });

  it('with read_token, the /api reads need it (or the write token); /healthz and /metrics stay open', async () => {
    expect((await fetch(`${base}/api/status`)).status).toBe(401);
    expect(
      (await fetch(`${base}/api/alarms`, { headers: { authorization: 'Bearer read-token-012345678X' } })).status,
    ).toBe(401);
    expect((await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${READ}` } })).status).toBe(200);
    expect((await fetch(`${base}/api/alarms`, { headers: { authorization: `Bearer ${WRITE}` } })).status).toBe(200);
    expect((await openStream()).status).toBe(401);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it('serves at most max_event_streams at once, refuses the next with 503 and counts it, takes one again when one closes', async () => {
    const open = await Promise.all([openStream(READ), openStream(READ), openStream(READ)]);
    expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
    expect((await openStream(READ)).status).toBe(503);
    // From the registry: /metrics may answer the body it built for the request above a moment ago (shared-build.ts).
    expect(await daemon.metrics.registry.getSingleMetricAsString('linewatch_api_event_streams_refused_total')).toMatch(
      /^linewatch_api_event_streams_refused_total 1$/m,
    );
    open[0].close();
    let again = await openStream(READ);
    while (again.status === 503) again = await openStream(READ); // the server sees the close a moment later
    expect(again.status).toBe(200);
    for (const s of [...open.slice(1), again]) s.close();
  });

  // Regression: HEAD /api/events reserved a stream and never answered (Node sends no headers to a HEAD until the
  // response ends, and a stream never ends): each one held a slot of max_event_streams until its client left.
  it('answers HEAD /api/events with the headers at once, holding no stream', async () => {
    const head = () =>
      new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
        const req = request(`${base}/api/events`, { method: 'HEAD', headers: { authorization: `Bearer ${READ}` } });
        req.on('response', (res) => resolve({ status: res.statusCode!, type: res.headers['content-type'] }));
        req.on('error', reject);
        req.end();
      });
    for (let i = 0; i < 4; i++) expect(await head()).toEqual({ status: 200, type: 'text/event-stream; charset=utf-8' });
    let stream = await openStream(READ);
    while (stream.status === 503) stream = await openStream(READ); // the test before's streams, closing
    expect(stream.status).toBe(200);
    stream.close();
  });
});

// Regression: a name or comment with control characters was taken (checked for length only) into the alarm's event
// message, the journal and a webhook's chat text: a line break forged a line, a bidi override showed another name.
describe('an operator command whose name or comment holds a control character', () => {
  it('is refused with 400, naming the field, the character and where it is', async () => {
    const post = (body: unknown) =>
      fetch(`${base}/api/alarms/pump-1/anomaly/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WRITE}` },
        body: JSON.stringify(body),
      });
    const cases: [unknown, string][] = [
      [{ by: 'j.doe\nanomaly: reset by admin' }, 'by: a control character (\\n) at character 6: printable text only'],
      [{ by: 'eve\u202enimda' }, 'by: a control character (\\u202e) at character 4: printable text only'],
      [
        { by: 'ann', comment: 'ok\u001b[2J' },
        'comment: a control character (\\u001b) at character 3: printable text only',
      ],
    ];
    for (const [body, error] of cases) {
      const res = await post(body);
      expect([body, res.status, await res.json()]).toEqual([body, 400, { error }]);
    }
    // A comment keeps its line breaks and tabs: it passes the check (and the alarm, normal, has nothing to ack).
    const lines = await post({ by: 'ann', comment: 'line one\n\tline two' });
    expect([lines.status, await lines.json()]).toEqual([
      409,
      { error: expect.stringContaining('nothing to acknowledge') as unknown },
    ]);
  });
});

describe('a client that does not read its event stream', () => {
  it('is dropped once its backlog passes the limit, and counted; the endpoint goes on', async () => {
    const events = new EventBus<GatewayTopics>(() => undefined);
    const api = {
      status: () => ({ state: 'running', sources: [], assets: [], sinks: [] }),
      events,
    } as unknown as GatewayApi;
    const metrics = new GatewayMetrics();
    const endpoint = await startHttpEndpoint({ host: '127.0.0.1', port: 0 }, api, metrics, silentLogger());
    const closed = new Promise<void>((resolve) => {
      const req = request(`http://127.0.0.1:${endpoint.port}/api/events`, (res) => {
        res.pause(); // never reads
        res.on('close', () => resolve());
        res.on('error', () => resolve());
        const big = [{ text: 'x'.repeat(16 * 1024) } as unknown as ScoreResult];
        for (let i = 0; i < (4 * MAX_STREAM_BACKLOG_BYTES) / (16 * 1024) + 64; i++) events.publish('scores', big);
      });
      req.on('error', () => resolve());
      req.end();
    });
    await closed;
    expect(await metrics.registry.getSingleMetricAsString('linewatch_api_event_streams_dropped_total')).toMatch(/ 1$/);
    expect((await fetch(`http://127.0.0.1:${endpoint.port}/healthz`)).status).toBe(200);
    expect(events.subscriberCount('scores')).toBe(0); // the dropped stream unsubscribed
    await endpoint.close();
  });
});

describe('event streams asked for in one pipelined burst', () => {
  it('cannot pass max_event_streams: one stream opens, the pipelined ones are refused and hold nothing', async () => {
    const events = new EventBus<GatewayTopics>(() => undefined);
    const api = {
      status: () => ({ state: 'running', sources: [], assets: [], sinks: [] }),
      events,
    } as unknown as GatewayApi;
    const metrics = new GatewayMetrics();
    const endpoint = await startHttpEndpoint(
      { host: '127.0.0.1', port: 0, maxEventStreams: 2 },
      api,
      metrics,
      silentLogger(),
    );
    const burst = MAX_PIPELINED_REQUESTS; // one more closes the connection (pipelined-requests.e2e.test.ts)
    const socket = connect(endpoint.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) =>
      socket.write('GET /api/events?types=alarm HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(burst), () => resolve()),
    );
    socket.pause(); // never reads
    const refused = async () =>
      (await metrics.registry.getSingleMetricAsString('linewatch_api_event_streams_refused_total')).split(' ').pop();
    // all but two over the cap (503) and one pipelined behind the first stream (400)
    await vi.waitFor(async () => expect(await refused()).toBe(String(burst - 1)), { timeout: 10_000 });
    expect(events.subscriberCount('alarm')).toBe(1);
    socket.destroy();
    await vi.waitFor(() => expect(events.subscriberCount('alarm')).toBe(0));
    await endpoint.close();
  });
});
