/** The OPC UA server sink as the tests start it: gateway gw-test offering one scored asset, pump-1, with no channel. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  type UserIdentityInfo,
} from 'node-opcua';
import { afterAll, beforeAll } from 'vitest';
import { logLines, type LogLines } from '../../helpers/log-lines.js';
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

/** A SignAndEncrypt server's test file: its folder, the server's PKI folder and log, the clients' PKI, the sink. */
export interface SignedServerFile {
  readonly dir: string;
  readonly pkiDir: string;
  readonly log: LogLines;
  readonly clients: ClientCertificates;
  readonly sink: OpcuaServerSink;
  /** Starts the server again on its PKI folder (node-opcua reads trusted/ and issuers/ for sure at a start). */
  restart(): Promise<void>;
}

/**
 * The sink started before a test file's tests and closed after them: security mode SignAndEncrypt, MES_USER, on a free
 * port, its PKI in `<dir>/pki` (`prepare` puts files there first), its log read by the test; the clients' PKI in
 * `<dir>/clients`. Use the returned object once beforeAll has run.
 */
export function signedServerForFile(prefix: string, prepare?: (dir: string, pkiDir: string) => void): SignedServerFile {
  let dir = '';
  let log: LogLines | undefined;
  let clients: ClientCertificates | undefined;
  let sink: OpcuaServerSink | undefined;
  const pkiDir = () => join(dir, 'pki');
  const restart = async () => {
    await sink?.close();
    sink = pumpServerSink(
      {
        port: await freePort(),
        security_modes: ['SignAndEncrypt'],
        users: [{ username: MES_USER.userName, password: MES_USER.password }],
      },
      pkiDir(),
      log!.logger,
    );
    await sink.start();
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    clients = await ClientCertificates.open(join(dir, 'clients'));
    log = logLines('info');
    prepare?.(dir, pkiDir());
    await restart();
  }, 120_000);
  afterAll(async () => {
    await sink?.close();
    await clients?.manager.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get pkiDir() {
      return pkiDir();
    },
    get log() {
      return log!;
    },
    get clients() {
      return clients!;
    },
    get sink() {
      return sink!;
    },
    restart,
  };
}

/** A client's certificate, its key, and the ApplicationUri it describes itself with. */
export interface ClientIdentity {
  readonly certificateFile: string;
  readonly privateKeyFile: string;
  readonly applicationUri: string;
  /** Another ApplicationUri than its certificate's (as a SCADA configured so does); the certificate's otherwise. */
  readonly describes?: string;
  /** Who it logs in as: MES_USER unless given (an X.509 user token). */
  readonly identity?: UserIdentityInfo;
}

/**
 * A SignAndEncrypt (Basic256Sha256) connect and session (as MES_USER unless told); what it came to ('session' or the
 * error's message). node-opcua's client describes itself with its certificate's URI whatever it is given; one that
 * `describes` itself otherwise has that method replaced. `manager` is the client's own PKI (it trusts the server at
 * first sight).
 */
export async function signedSession(
  endpointUrl: string,
  manager: OPCUACertificateManager,
  client: ClientIdentity,
): Promise<string> {
  const ua = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.SignAndEncrypt,
    securityPolicy: SecurityPolicy.Basic256Sha256,
    connectionStrategy: { maxRetry: 0 },
    applicationUri: client.applicationUri,
    clientCertificateManager: manager,
    certificateFile: client.certificateFile,
    privateKeyFile: client.privateKeyFile,
  });
  if (client.describes) Object.assign(ua, { _getApplicationUri: () => client.describes });
  try {
    await ua.connect(endpointUrl);
    const session = await ua.createSession(client.identity ?? { type: UserTokenType.UserName, ...MES_USER });
    await session.close();
    return 'session';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await ua.disconnect();
  }
}
