/**
 * storage.opcua_server's sink alone, written records by the test and read by a node-opcua client over a real socket:
 * the status codes a SCADA sees before the first record and while a source cannot be read, a text channel, and a
 * port already taken. One PKI folder for the file (the server's certificate is made once).
 */
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, StatusCodes } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample, ScoreResult } from '../../../src/core/types.js';
import { freePort } from '../../../src/core/free-port.js';
import { OpcuaServerSink } from '../../../src/sinks/opcua-server/opcua-server-sink.js';
import { opcuaServerSchema } from '../../../src/sinks/opcua-server/schema.js';
import type { SinkDeps } from '../../../src/sinks/sink-type.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { offeredEndpoints, openUaSession, type UaSession } from '../../helpers/ua-client.js';

const USER = { userName: 'mes', password: 'mes-password-1' };
const NAMESPACE = 'urn:linewatch:gw-test';

let dir: string;
let sink: OpcuaServerSink;

const config = (port: number, more: object = {}) =>
  opcuaServerSchema.parse({
    ...more,
    port,
    security_modes: ['None'],
    users: [{ username: USER.userName, password: USER.password }],
  });

const deps = (): SinkDeps => ({
  logger: silentLogger(),
  metrics: new GatewayMetrics(),
  tags: { site: 's', line: 'l', gateway: 'gw-test' },
  openQueue: () => {
    throw new Error('the OPC UA server queues nothing');
  },
  assets: [
    {
      asset: 'pump-1',
      scored: true,
      alarms: ['anomaly'],
      channels: [
        { name: 'flow', unit: 'l/min', text: false },
        { name: 'serial', text: true },
      ],
      parts: false,
    },
    { asset: 'idle-1', channels: [{ name: 'flow', text: false }], scored: true, alarms: ['anomaly'], parts: false },
  ],
});

const sample = (over: Partial<Sample>): Sample => ({
  source: 'plc',
  asset: 'pump-1',
  channel: 'flow',
  ts: 1_765_000_000_000,
  value: 12.5,
  quality: 'good',
  ...over,
});

const score = (ts: number, value: number): ScoreResult => ({
  asset: 'pump-1',
  model: 'pump',
  modelVersion: '1',
  ts,
  score: value,
  threshold: 3,
  anomalous: value > 3,
  contributions: [],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-uaserver-sink-'));
  sink = new OpcuaServerSink(config(await freePort()), { gateway: 'gw-test', pkiDir: join(dir, 'pki') }, deps());
  await sink.start();
}, 120_000);

afterAll(async () => {
  await sink?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const pkiDir = () => join(dir, 'pki');

/** A server on its own port with the default security (Sign, SignAndEncrypt; unknown clients refused). */
async function startDefaultServer(): Promise<OpcuaServerSink> {
  const users = [{ username: USER.userName, password: USER.password }];
  const secure = new OpcuaServerSink(
    opcuaServerSchema.parse({ port: await freePort(), users }),
    { gateway: 'gw-test', pkiDir: pkiDir() },
    deps(),
  );
  await secure.start();
  return secure;
}

async function session(onTestFinished: (fn: () => Promise<void>) => void): Promise<UaSession> {
  const ua = await openUaSession(sink.endpointUrl!, NAMESPACE, USER);
  onTestFinished(() => ua.close());
  return ua;
}

const value = (ua: UaSession, path: string) =>
  ua.session.read({ nodeId: `ns=${ua.ns};s=${path}`, attributeId: AttributeIds.Value });

describe('the OPC UA server sink', () => {
  it('before the first record every variable reads BadWaitingForInitialData', async ({ onTestFinished }) => {
    const ua = await session(onTestFinished);
    for (const path of ['idle-1/Channels/flow', 'idle-1/Anomaly/Score', 'idle-1/Alarm/Active'])
      expect((await value(ua, path)).statusCode).toBe(StatusCodes.BadWaitingForInitialData);
  });

  it('a failed read makes the channel BadNoCommunication and the score UncertainLastUsableValue, its value kept, until the next score', async ({
    onTestFinished,
  }) => {
    const ua = await session(onTestFinished);
    sink.write({ samples: [sample({ ts: 1_765_000_000_000 })], scores: [score(1_765_000_000_000, 1.25)], alarms: [] });
    const flow = await value(ua, 'pump-1/Channels/flow');
    expect([flow.statusCode, flow.value.value, flow.sourceTimestamp?.getTime()]).toEqual([
      StatusCodes.Good,
      12.5,
      1_765_000_000_000,
    ]);
    sink.write({
      samples: [sample({ ts: 1_765_000_001_000, value: NaN, quality: 'bad', failedRead: true })],
      scores: [],
      alarms: [],
    });
    expect((await value(ua, 'pump-1/Channels/flow')).statusCode).toBe(StatusCodes.BadNoCommunication);
    const cut = await value(ua, 'pump-1/Anomaly/Score');
    expect([cut.statusCode, cut.value.value, cut.sourceTimestamp?.getTime()]).toEqual([
      StatusCodes.UncertainLastUsableValue,
      1.25,
      1_765_000_000_000,
    ]);
    sink.write({ samples: [], scores: [score(1_765_000_002_000, 4.5)], alarms: [] });
    const back = await value(ua, 'pump-1/Anomaly/Verdict');
    expect([back.statusCode, back.value.value]).toEqual([StatusCodes.Good, 'anomalous']);
  });

  it('a text channel reads its text, a String', async ({ onTestFinished }) => {
    const ua = await session(onTestFinished);
    sink.write({ samples: [sample({ channel: 'serial', value: NaN, text: 'PRS-000123' })], scores: [], alarms: [] });
    expect((await value(ua, 'pump-1/Channels/serial')).value.value).toBe('PRS-000123');
  });

  it('a port another program holds: start fails naming the sink, the host and the port', async () => {
    const holder: Server = createServer();
    const port = await new Promise<number>((r) =>
      holder.listen(0, '127.0.0.1', () => r((holder.address() as { port: number }).port)),
    );
    try {
      const second = new OpcuaServerSink(config(port), { gateway: 'gw-test', pkiDir: join(dir, 'pki') }, deps());
      await expect(second.start()).rejects.toThrow(
        `storage.opcua_server: cannot listen on 127.0.0.1 port ${port}: the port is in use (another OPC UA server?): set storage.opcua_server.port to a free one`,
      );
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('a client past max_sessions is refused: its connection is closed (node-opcua bounds connections alike)', async () => {
    const bounded = new OpcuaServerSink(
      config(await freePort(), { max_sessions: 1 }),
      { gateway: 'gw-test', pkiDir: join(dir, 'pki') },
      deps(),
    );
    await bounded.start();
    try {
      const first = await openUaSession(bounded.endpointUrl!, NAMESPACE, USER);
      try {
        await expect(openUaSession(bounded.endpointUrl!, NAMESPACE, USER)).rejects.toThrow(
          'The connection may have been rejected by server',
        );
      } finally {
        await first.close();
      }
    } finally {
      await bounded.close();
    }
  });

  it('the default endpoints: SignAndEncrypt and Sign with the three SHA-2 policies, no anonymous token, no None', async () => {
    const secure = await startDefaultServer();
    try {
      const endpoints = await offeredEndpoints(secure.endpointUrl!);
      expect(endpoints.map((e) => `${e.mode} ${e.policy}`).sort()).toEqual(
        ['Sign', 'SignAndEncrypt']
          .flatMap((m) => ['Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss', 'Basic256Sha256'].map((p) => `${m} ${p}`))
          .sort(),
      );
      // node-opcua lists X.509 user tokens too; the gateway's user PKI trusts none.
      for (const e of endpoints) expect(e.tokens).toEqual(['UserName', 'Certificate']);
    } finally {
      await secure.close();
    }
  });

  it("an unknown client's certificate is refused and kept in rejected/; moved to trusted/certs, the client opens a session over SignAndEncrypt", async () => {
    const first = await startDefaultServer();
    try {
      await expect(openUaSession(first.endpointUrl!, NAMESPACE, USER, 'SignAndEncrypt')).rejects.toThrow(
        'BadSecurityChecksFailed',
      );
    } finally {
      await first.close();
    }
    const rejected = await readdir(join(pkiDir(), 'rejected'));
    expect(rejected).toHaveLength(1);
    await rename(join(pkiDir(), 'rejected', rejected[0]), join(pkiDir(), 'trusted', 'certs', rejected[0]));
    // Started again (node-opcua also watches trusted/ while it runs; a start reads it for sure).
    const second = await startDefaultServer();
    try {
      const ua = await openUaSession(second.endpointUrl!, NAMESPACE, USER, 'SignAndEncrypt');
      try {
        expect((await value(ua, 'pump-1/Anomaly/Score')).statusCode).toBe(StatusCodes.BadWaitingForInitialData);
      } finally {
        await ua.close();
      }
    } finally {
      await second.close();
    }
  });

  it('a generic client lists it as linewatch and the gateway: ApplicationName, BuildInfo; the namespace is 2 (1 is the server application)', async ({
    onTestFinished,
  }) => {
    const ua = await session(onTestFinished);
    const [status, namespaces] = await Promise.all([
      ua.session.read({ nodeId: 'ns=0;i=2256', attributeId: AttributeIds.Value }),
      ua.session.readNamespaceArray(),
    ]);
    const build = status.value.value.buildInfo as { productName: string; productUri: string };
    expect([build.productName, build.productUri, ua.ns, namespaces.length]).toEqual([
      'linewatch',
      'urn:linewatch',
      2,
      3,
    ]);
    expect(ua.session.endpoint.server.applicationName.text).toBe('linewatch gw-test');
  });
});
