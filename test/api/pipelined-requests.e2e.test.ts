/**
 * Regression (attack on the API, session 35): Node parses every request pipelined on a connection and calls the
 * handler for each before the first is answered. One 64 KiB packet of `GET /metrics` (no token needed, beyond
 * loopback too) from a client that never reads made some 1,500 answers of 28 kB wait in the gateway's memory: its
 * RSS went from 60 MB to 407 MB (4 such connections: 707 MB; one address may hold 64). A connection with more than
 * MAX_PIPELINED_REQUESTS unanswered requests is now closed, unanswered, and counted. A real endpoint and a raw socket.
 */
import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type HttpEndpoint } from '../../src/api/http-server.js';
import { MAX_PIPELINED_REQUESTS } from '../../src/api/pipelined-requests.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { RUNNING_STATUS, stubGatewayApi } from '../helpers/stub-gateway-api.js';

let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

/** An endpoint whose status() counts its calls, and its refused-connections counter. */
async function serve() {
  const calls = { status: 0 };
  const api = stubGatewayApi({
    status: () => {
      calls.status++;
      return RUNNING_STATUS;
    },
  });
  const metrics = new GatewayMetrics();
  endpoint = await startHttpEndpoint({ host: '127.0.0.1', port: 0 }, api, metrics, silentLogger());
  const refused = async () =>
    Number(
      (await metrics.registry.getSingleMetricAsString('linewatch_api_connections_refused_total')).split(' ').pop(),
    );
  return { port: endpoint.port, calls, refused };
}

/** Sends `count` pipelined GET /healthz in one write and reads nothing; resolves with the bytes it was sent back once
 * the server closes the connection. */
function pipeline(port: number, count: number, read = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (chunk: Buffer) => (got += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
    if (!read) socket.pause();
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(count), (err) => err && reject(err));
    if (read) socket.end();
  });
}

describe('requests pipelined on one connection', () => {
  it('past MAX_PIPELINED_REQUESTS unanswered close the connection: no more handlers run, and it is counted', async () => {
    const { port, calls, refused } = await serve();
    await pipeline(port, 1500);
    expect(calls.status).toBe(MAX_PIPELINED_REQUESTS);
    expect(await refused()).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('up to MAX_PIPELINED_REQUESTS are all answered, in order, as before', async () => {
    const { port, refused } = await serve();
    const answers = await pipeline(port, MAX_PIPELINED_REQUESTS, true);
    expect(answers.match(/^HTTP\/1\.1 200 OK\r\n/gm)).toHaveLength(MAX_PIPELINED_REQUESTS);
    expect(await refused()).toBe(0);
  });

  it('one at a time on a kept-alive connection are never refused, however many', async () => {
    const { port, refused } = await serve();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const statuses: number[] = [];
    for (let i = 0; i < 4 * MAX_PIPELINED_REQUESTS; i++)
      statuses.push(
        await new Promise<number>((resolve, reject) => {
          const req = get(
            { host: '127.0.0.1', port, path: '/healthz', agent, headers: { host: 'localhost' } },
            (res) => {
              sockets.add(res.socket);
              res.resume();
              res.on('end', () => resolve(res.statusCode!));
            },
          );
          req.on('error', reject);
        }),
      );
    agent.destroy();
    expect(statuses).toEqual(Array(4 * MAX_PIPELINED_REQUESTS).fill(200));
    expect(sockets.size).toBe(1); // all on one connection
    expect(await refused()).toBe(0);
  });
});
