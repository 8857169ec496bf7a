/**
 * Properties of the operator API at its boundary (paths and bodies are outside input), on a real
 * endpoint on a free port: any path and any body get a JSON answer with a 4xx naming the problem
 * or a success, never a 500; an accepted command reaches the gateway with the asset, alarm and
 * fields exactly as sent. The gateway behind it only records the commands it is given.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type GatewayApi, type HttpEndpoint } from '../../src/api/http-server.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { silentLogger } from '../../src/telemetry/logger.js';

const TOKEN = 'write-token-0123456789';
const RUNS = { numRuns: 80 };
const commands: { asset: string; alarm: string; request: unknown }[] = [];
let endpoint: HttpEndpoint;

const api = {
  status: () => ({ state: 'running', sources: [], assets: [], alarms: [], actions: [], sinks: [] }),
  events: { subscribe: () => () => undefined },
  command: (asset: string, alarm: string, req: unknown) => {
    commands.push({ asset, alarm, request: req });
    return { asset, alarm, state: 'ack_active' };
  },
  rollbackModel: async (asset: string, by: string) => ({ asset, by }),
} as unknown as GatewayApi;

beforeAll(async () => {
  endpoint = await startHttpEndpoint(
    { host: '127.0.0.1', port: 0, apiToken: TOKEN },
    api,
    new GatewayMetrics(),
    silentLogger(),
  );
});

afterAll(async () => {
  await endpoint?.close();
});

/** A raw request (no client-side normalisation of the path); resolves with status and body text. */
function call(method: string, path: string, body?: string | Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: endpoint.port, method, path, headers: { authorization: `Bearer ${TOKEN}` } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pathPart = fc
  .array(
    fc.constantFrom(
      'a',
      'Z',
      '0',
      '-',
      '_',
      '.',
      '..',
      '%',
      '%2',
      '%2F',
      '%E0%A4%A',
      '%C3%A9',
      '%00',
      '~',
      '!',
      '$',
      '*',
    ),
    { maxLength: 6 },
  )
  .map((p) => p.join(''));
const path = fc
  .record({
    prefix: fc.constantFrom('/', '/api/', '/api/alarms/', '/api/models/', '/healthz', '/api/status', '/api/events'),
    parts: fc.array(pathPart, { maxLength: 4 }),
    query: fc.option(pathPart, { nil: undefined }),
  })
  .map(({ prefix, parts, query }) => `${prefix}${parts.join('/')}${query !== undefined ? `?${query}` : ''}`);

describe('the operator API (property)', () => {
  it('answers any GET or POST path with JSON: a success or a 4xx naming the problem, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), path, async (method, p) => {
        fc.pre(!p.startsWith('/api/events') || method !== 'GET'); // a stream stays open
        const res = await call(method, p, method === 'POST' ? '{"by":"prop"}' : undefined);
        expect([200, 400, 404, 405]).toContain(res.status);
        const body = JSON.parse(res.text) as { error?: string };
        if (res.status !== 200)
          expect(body.error).toMatch(/^(bad path|bad body|not found|unknown command|method not allowed|by:)/);
      }),
      RUNS,
    );
  });

  it('answers any body with 200 or a 400 naming the problem, never a 500', async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            by: fc.jsonValue({ maxDepth: 0 }),
            comment: fc.jsonValue({ maxDepth: 0 }),
            duration_s: fc.jsonValue({ maxDepth: 0 }),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ack', 'shelve', 'reset'), body, async (command, b) => {
        const res = await call('POST', `/api/alarms/pump-1/anomaly/${command}`, b);
        expect([200, 400]).toContain(res.status);
        if (res.status === 400)
          expect((JSON.parse(res.text) as { error: string }).error).toMatch(
            /^(bad body: \S|unknown field\(s\): |by: required|by: at most|by: a control character|comment: expected a string|comment: at most|comment: a control character|duration_s: required)/,
          );
      }),
      RUNS,
    );
  });

  it('hands an accepted command to the gateway with asset, alarm and fields exactly as sent', async () => {
    const name = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '.' && s !== '..');
    const by = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() === s && s !== '');
    await fc.assert(
      fc.asyncProperty(
        name,
        name,
        by,
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        async (asset, alarm, who, comment) => {
          commands.length = 0;
          const res = await call(
            'POST',
            `/api/alarms/${encodeURIComponent(asset)}/${encodeURIComponent(alarm)}/ack`,
            JSON.stringify({ by: who, ...(comment !== undefined ? { comment } : {}) }),
          );
          expect(res.status).toBe(200);
          expect(commands).toEqual([
            { asset, alarm, request: { command: 'ack', by: who, ...(comment !== undefined ? { comment } : {}) } },
          ]);
        },
      ),
      RUNS,
    );
  });
});
