import { describe, expect, it } from 'vitest';
import { createApiHandler, type ApiRequest, type GatewayApi, type HttpOptions } from '../../src/api/handlers.js';
import { MAX_BY_CHARS, MAX_COMMENT_CHARS } from '../../src/core/operator-fields.js';
import type { AlarmEvent } from '../../src/core/types.js';
import type { CommandRequest } from '../../src/runtime/asset-pipeline.js';
import { CommandError } from '../../src/core/errors.js';
import type { GatewayStatus } from '../../src/runtime/gateway.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

const READ = 'read-token-0123456789';
const WRITE = 'write-token-0123456789';

/** The gateway side of the API, recording the commands it is given. */
function gateway(state: GatewayStatus['state'] = 'running', over: Partial<GatewayStatus> = {}) {
  const commands: { asset: string; alarm: string; request: Omit<CommandRequest, 'ts'> }[] = [];
  const rollbacks: string[] = [];
  const api: GatewayApi = {
    status: () => ({
      gateway: 'gw',
      site: 's',
      line: 'l',
      state,
      uptime_s: 1,
      sources: [{ name: 'plc', connected: true }],
      assets: [],
      alarms: [],
      actions: [],
      sinks: [{ name: 'local', reachable: true }],
      ...over,
    }),
    events: { subscribe: () => () => undefined },
    command: async (asset, alarm, request) => {
      if (asset !== 'pump-1') throw new CommandError(404, `no asset "${asset}" (assets: pump-1)`);
      if (request.command === 'reset') throw new CommandError(409, 'reset: the alarm is not latched');
      if (request.by === 'on-a-full-disk')
        throw new CommandError(503, 'ack took effect in memory but is not journaled', {
          sink: 'local',
          journaled: false,
        });
      commands.push({ asset, alarm, request });
      return { asset, alarm, state: 'ack_active' } as unknown as AlarmEvent;
    },
    rollbackModel: async (asset, by) => {
      rollbacks.push(`${asset} by ${by}`);
      return { asset, outcome: 'rolled_back' };
    },
  };
  return { api, commands, rollbacks };
}

function setup(options: Partial<HttpOptions> = {}, state?: GatewayStatus['state'], over?: Partial<GatewayStatus>) {
  const g = gateway(state, over);
  const metrics = new GatewayMetrics();
  const streams = { active: 0, tokenless: 0 };
  const handle = createApiHandler({ host: '127.0.0.1', port: 0, ...options }, g.api, metrics, streams);
  const call = (method: string, url: string, opts: { token?: string; body?: string } = {}) => {
    const req: ApiRequest = {
      method,
      url,
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      readBody: async () => opts.body ?? '',
    };
    return handle(req);
  };
  return { ...g, metrics, streams, call };
}

describe('operator API handlers', () => {
  it('answers /healthz 200 while running and 503 with the state otherwise, without a token', async () => {
    expect(await setup({ readToken: READ }).call('GET', '/healthz')).toEqual({
      kind: 'json',
      status: 200,
      body: { status: 'ok', sources: [{ name: 'plc', connected: true }], degraded_assets: [], unreachable_sinks: [] },
    });
    const stopping = await setup({}, 'stopping').call('GET', '/healthz');
    expect(stopping).toMatchObject({ status: 503, body: { status: 'stopping' } });
  });

  it('answers /readyz 200 only while every source is connected and no asset degraded; /healthz stays 200', async () => {
    expect(await setup({ readToken: READ }).call('GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    const blind = {
      sources: [{ name: 'plc', connected: false }],
      assets: [{ name: 'pump-1', degraded: 'blind' }] as unknown as GatewayStatus['assets'],
    };
    expect(await setup({}, 'running', blind).call('GET', '/readyz')).toEqual({
      kind: 'json',
      status: 503,
      body: {
        status: 'degraded',
        sources: [{ name: 'plc', connected: false }],
        degraded_assets: ['pump-1'],
        unreachable_sinks: [],
      },
    });
    expect(await setup({}, 'running', blind).call('GET', '/healthz')).toMatchObject({ status: 200 });
    const down = { sources: [{ name: 'plc', connected: false }] };
    expect(await setup({}, 'running', down).call('GET', '/readyz')).toMatchObject({ status: 503 });
    expect(await setup({}, 'stopping').call('GET', '/readyz')).toMatchObject({
      status: 503,
      body: { status: 'stopping' },
    });
  });

  it('answers /readyz 503 degraded while a connected source misses tags, naming them; /healthz stays 200', async () => {
    const missing = {
      sources: [
        {
          name: 'plc',
          connected: true,
          issues: ['device plc (opc.tcp://plc:4840): … BadNodeIdUnknown …'],
          missingTags: ['lamp'],
        },
      ],
    };
    const body = { sources: missing.sources, degraded_assets: [], unreachable_sinks: [] };
    expect(await setup({}, 'running', missing).call('GET', '/readyz')).toEqual({
      kind: 'json',
      status: 503,
      body: { status: 'degraded', ...body },
    });
    expect(await setup({}, 'running', missing).call('GET', '/healthz')).toEqual({
      kind: 'json',
      status: 200,
      body: { status: 'ok', ...body },
    });
  });

  it('answers /readyz 503 degraded, naming the sink, while a sink does not deliver; /healthz stays 200', async () => {
    const outage = {
      sinks: [
        { name: 'local', reachable: true },
        { name: 'influxdb', reachable: false, since: 1000, queued: { points: 40, bytes: 4000, oldestAgeS: 120 } },
      ],
    };
    expect(await setup({}, 'running', outage).call('GET', '/readyz')).toMatchObject({
      status: 503,
      body: { status: 'degraded', degraded_assets: [], unreachable_sinks: ['influxdb'] },
    });
    expect(await setup({}, 'running', outage).call('GET', '/healthz')).toMatchObject({ status: 200 });
  });

  it('answers /readyz 200 while the one sink that fails is within its grace; /api/status says it', async () => {
    const hiccup = {
      sinks: [{ name: 'influxdb', reachable: false, since: 1000, readyzGraceUntil: 7500, lastError: 'answered 503' }],
    };
    expect(await setup({}, 'running', hiccup).call('GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ok', unreachable_sinks: [] },
    });
    expect(await setup({}, 'running', hiccup).call('GET', '/api/status')).toMatchObject({ status: 200, body: hiccup });
  });

  it('serves /metrics as Prometheus text without a token', async () => {
    const res = await setup({ readToken: READ }).call('GET', '/metrics');
    expect(res.kind).toBe('text');
    expect(res.kind === 'text' && res.body).toContain('# TYPE');
  });

  it('needs the read token (or the api token) for /api reads when one is set', async () => {
    const s = setup({ readToken: READ, apiToken: WRITE });
    expect(await s.call('GET', '/api/status')).toEqual({
      kind: 'json',
      status: 401,
      body: { error: 'missing or wrong bearer token (http.read_token)' },
    });
    expect(await s.call('GET', '/api/status', { token: 'wrong-token-0123456789' })).toMatchObject({ status: 401 });
    expect(await s.call('GET', '/api/status', { token: READ })).toMatchObject({ status: 200, body: { gateway: 'gw' } });
    expect(await s.call('GET', '/api/alarms', { token: WRITE })).toEqual({ kind: 'json', status: 200, body: [] });
    // Without a read token the reads are open.
    expect(await setup().call('GET', '/api/status')).toMatchObject({ status: 200 });
  });

  it('refuses writes when no api token is configured, and with a wrong one', async () => {
    expect(await setup().call('POST', '/api/alarms/pump-1/anomaly/ack', { body: '{"by":"ann"}' })).toEqual({
      kind: 'json',
      status: 403,
      body: { error: 'the write API is disabled: set http.api_token in the configuration' },
    });
    const s = setup({ apiToken: WRITE, readToken: READ });
    // The read token does not write.
    expect(await s.call('POST', '/api/alarms/pump-1/anomaly/ack', { token: READ, body: '{"by":"ann"}' })).toEqual({
      kind: 'json',
      status: 401,
      body: { error: 'missing or wrong bearer token' },
    });
    expect(s.commands).toEqual([]);
  });

  it('acknowledges and shelves with who did it, the comment and the duration', async () => {
    const s = setup({ apiToken: WRITE });
    const ack = await s.call('POST', '/api/alarms/pump-1/anomaly/ack', {
      token: WRITE,
      body: '{"by":" ann ","comment":"checked the seal"}',
    });
    expect(ack).toMatchObject({ status: 200, body: { asset: 'pump-1', state: 'ack_active' } });
    await s.call('POST', '/api/alarms/pump-1/anomaly/shelve', { token: WRITE, body: '{"by":"bob","duration_s":60}' });
    expect(s.commands).toEqual([
      { asset: 'pump-1', alarm: 'anomaly', request: { command: 'ack', by: 'ann', comment: 'checked the seal' } },
      { asset: 'pump-1', alarm: 'anomaly', request: { command: 'shelve', by: 'bob', durationMs: 60_000 } },
    ]);
  });

  it('answers 400 on a bad body and names the problem', async () => {
    const s = setup({ apiToken: WRITE });
    const post = (body: string, command = 'ack') =>
      s.call('POST', `/api/alarms/pump-1/anomaly/${command}`, { token: WRITE, body });
    expect(await post('{"by":"ann"', 'ack')).toMatchObject({
      status: 400,
      body: { error: "bad body: Expected ',' or '}' after property value in JSON at position 11" },
    });
    expect(await post('[1]')).toEqual({
      kind: 'json',
      status: 400,
      body: { error: 'bad body: body must be a JSON object' },
    });
    expect(await post('{}')).toEqual({
      kind: 'json',
      status: 400,
      body: { error: 'by: required, who is doing this (a name or badge)' },
    });
    expect(await post('{"by":"ann","who":"x"}')).toEqual({
      kind: 'json',
      status: 400,
      body: { error: 'unknown field(s): who' },
    });
    expect(await post('{"by":"ann"}', 'shelve')).toEqual({
      kind: 'json',
      status: 400,
      body: { error: 'duration_s: required for shelve, a positive number of seconds' },
    });
    expect(s.commands).toEqual([]);
  });

  it('answers 400 on a malformed path, 404 on unknown commands and paths, 405 on other methods', async () => {
    const s = setup({ apiToken: WRITE });
    expect(await s.call('GET', '/api/alarms/%E0%A4%A')).toEqual({
      kind: 'json',
      status: 400,
      body: { error: 'bad path: malformed percent-encoding' },
    });
    expect(await s.call('POST', '/api/alarms/pump-1/anomaly/silence', { token: WRITE })).toMatchObject({
      status: 404,
      body: { error: expect.stringContaining('unknown command "silence": one of ack, ') },
    });
    expect(await s.call('POST', '/api/pumps', { token: WRITE })).toMatchObject({
      status: 404,
      body: { error: 'not found: POST /api/alarms/{asset}/{alarm}/{command} or /api/models/{asset}/rollback' },
    });
    expect(await s.call('GET', '/nothing')).toMatchObject({ status: 404 });
    expect(await s.call('PUT', '/api/status')).toEqual({
      kind: 'json',
      status: 405,
      body: { error: 'method not allowed' },
    });
  });

  it("answers a refused command with the gateway's status and reason", async () => {
    const s = setup({ apiToken: WRITE });
    const body = '{"by":"ann"}';
    expect(await s.call('POST', '/api/alarms/press-9/anomaly/ack', { token: WRITE, body })).toEqual({
      kind: 'json',
      status: 404,
      body: { error: 'no asset "press-9" (assets: pump-1)' },
    });
    expect(await s.call('POST', '/api/alarms/pump-1/anomaly/reset', { token: WRITE, body })).toEqual({
      kind: 'json',
      status: 409,
      body: { error: 'reset: the alarm is not latched' },
    });
  });

  it("answers a command the journal could not store with the gateway's 503 and its fields beside the error", async () => {
    const s = setup({ apiToken: WRITE });
    expect(
      await s.call('POST', '/api/alarms/pump-1/anomaly/ack', { token: WRITE, body: '{"by":"on-a-full-disk"}' }),
    ).toEqual({
      kind: 'json',
      status: 503,
      body: { error: 'ack took effect in memory but is not journaled', sink: 'local', journaled: false },
    });
  });

  it('rolls a model back for whom it names', async () => {
    const s = setup({ apiToken: WRITE });
    expect(await s.call('POST', '/api/models/pump%201/rollback', { token: WRITE, body: '{}' })).toEqual({
      kind: 'json',
      status: 400,
      body: { error: 'by: required, who is doing this (a name or badge)' },
    });
    const res = await s.call('POST', '/api/models/pump%201/rollback', { token: WRITE, body: '{"by":"ann"}' });
    expect(res).toEqual({ kind: 'json', status: 200, body: { asset: 'pump 1', outcome: 'rolled_back' } });
    expect(s.rollbacks).toEqual(['pump 1 by ann']);
  });

  it('refuses a name or comment longer than its bound, and a field it does not know, on a command and a rollback', async () => {
    const s = setup({ apiToken: WRITE });
    const refused = async (path: string, body: unknown) =>
      ((await s.call('POST', path, { token: WRITE, body: JSON.stringify(body) })) as { body: { error: string } }).body
        .error;
    for (const path of ['/api/alarms/pump-1/anomaly/ack', '/api/models/pump-1/rollback']) {
      expect(await refused(path, { by: 'a'.repeat(MAX_BY_CHARS + 1) })).toBe(
        `by: at most ${MAX_BY_CHARS} characters, who is doing this (a name or badge)`,
      );
      expect(await refused(path, { by: 'ann', comment: 'c'.repeat(MAX_COMMENT_CHARS + 1) })).toBe(
        `comment: at most ${MAX_COMMENT_CHARS} characters`,
      );
      expect(await refused(path, { by: 'ann', coment: 'typo' })).toBe('unknown field(s): coment');
      expect(await refused(path, { by: 'ann', comment: 5 })).toBe('comment: expected a string');
    }
    expect(s.rollbacks).toEqual([]);
    expect(s.commands).toEqual([]);
  });

  it('opens event streams of the asked types up to the limit, then refuses and counts', async () => {
    const s = setup({ maxEventStreams: 1 });
    expect(await s.call('GET', '/api/events?types=alarm,part')).toEqual({
      kind: 'events',
      types: new Set(['alarm', 'part']),
      tokenless: false,
    });
    expect(await s.call('GET', '/api/events?types=alarm,sample')).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^types: unknown event type\(s\) sample: use /) },
    });
    expect(s.streams.active).toBe(1); // reserved by the answer, before the server opens the stream
    expect(await s.call('GET', '/api/events')).toEqual({
      kind: 'json',
      status: 503,
      body: { error: 'too many event streams (http.max_event_streams 1)' },
    });
    expect((await s.metrics.apiEventStreamsRefused.get()).values[0].value).toBe(1);
  });
});
