/** The OPC UA server sink as the tests start it: gateway gw-test offering one scored asset, pump-1, with no channel. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { OpcuaServerSink } from '../../../src/sinks/opcua-server/opcua-server-sink.js';
import { opcuaServerSchema } from '../../../src/sinks/opcua-server/schema.js';
import { silentLogger, type Logger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

/** The sink (not started) with `config` (storage.opcua_server, parsed), its PKI in `pkiDir`. */
export function pumpServerSink(config: Record<string, unknown>, pkiDir: string, logger: Logger): OpcuaServerSink {
  return new OpcuaServerSink(
    opcuaServerSchema.parse(config),
    { gateway: 'gw-test', pkiDir },
    {
      logger,
      metrics: new GatewayMetrics(),
      tags: { site: 's', line: 'l', gateway: 'gw-test' },
      openQueue: () => {
        throw new Error('the OPC UA server queues nothing');
      },
      assets: [{ asset: 'pump-1', scored: true, alarms: ['anomaly'], channels: [], parts: false }],
    },
  );
}

/** The user the file-wide server below takes. */
export const MES_USER = { userName: 'mes', password: 'mes-password-1' };

/**
 * The sink started before a test file's tests and closed after them: security mode None, MES_USER, `config` over
 * that, its PKI in a temporary folder named from `prefix`. Returns the started sink (once beforeAll has run).
 */
export function pumpServerForFile(prefix: string, config: Record<string, unknown>): () => OpcuaServerSink {
  let dir: string | undefined;
  let sink: OpcuaServerSink | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    sink = pumpServerSink(
      {
        port: await freePort(),
        security_modes: ['None'],
        users: [{ username: MES_USER.userName, password: MES_USER.password }],
        ...config,
      },
      join(dir, 'pki'),
      silentLogger(),
    );
    await sink.start();
  }, 120_000);
  afterAll(async () => {
    await sink?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => sink!;
}

/** Writes a score of `value` for pump-1, dated `value` seconds after a fixed time: one change of its Anomaly/Score. */
export function writePumpScore(sink: OpcuaServerSink, value: number): void {
  sink.write({
    samples: [],
    scores: [
      {
        asset: 'pump-1',
        model: 'pump',
        modelVersion: '1',
        ts: 1_765_000_000_000 + value * 1000,
        score: value,
        threshold: 100,
        anomalous: false,
        contributions: [],
      },
    ],
    alarms: [],
  });
}

/** A client side's PKI folder: one key, and self-signed certificates made with it on demand (a client of the tests). */
export class ClientCertificates {
  readonly manager: OPCUACertificateManager;

  private constructor(private readonly folder: string) {
    this.manager = new OPCUACertificateManager({ rootFolder: folder, automaticallyAcceptUnknownCertificate: true });
  }

  /** The folder's PKI, its key made where it has none. */
  static async open(folder: string): Promise<ClientCertificates> {
    const clients = new ClientCertificates(folder);
    await clients.manager.initialize();
    return clients;
  }

  /** The one key every certificate made here carries. */
  get privateKeyFile(): string {
    return join(this.folder, 'own', 'private', 'private_key.pem');
  }

  /** A new self-signed certificate `<name>.pem`, valid `days` days from `start` (a minute ago): its file. */
  async make(name: string, subject: string, uri: string, start = Date.now() - 60_000, days = 30): Promise<string> {
    const outputFile = join(this.folder, `${name}.pem`);
    await this.manager.createSelfSignedCertificate({
      subject,
      applicationUri: uri,
      dns: [],
      startDate: new Date(start),
      validity: days,
      outputFile,
    });
    return outputFile;
  }
}
