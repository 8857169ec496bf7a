/**
 * storage.opcua_server as a sink: the gateway's results offered over OPC UA (docs/opcua-server.md). Each write sets
 * the variables of the assets offered to the records' latest values; nothing is queued (a client reads the current
 * values, a subscription gets each change). node-opcua is loaded at start, only where the server is configured.
 */
import { resolve } from 'node:path';
import { certificateFacts, type CertificateFacts } from '../../core/certificate-facts.js';
import type { Sink, SinkRecords, SinkRefusedClients } from '../../core/components.js';
import { listenProblem } from '../../core/free-port.js';
import type { AssetOutline } from '../../core/asset-outline.js';
import type { SinkDeps } from '../sink-type.js';
import { assetVariables, heldAlarmUpdates, recordUpdates } from './asset-variables.js';
import { refusedClient, type ClientRefusal } from './refused-client.js';
import { RefusedClients } from './refused-clients.js';
import type { OpcuaServerConfig } from './schema.js';
import type { RunningUaServer, UaServerWarnings } from './ua-server.js';
import { LogThrottle } from '../../core/log-throttle.js';

export const OPCUA_SERVER_SINK = 'opcua_server';

/** Its PKI folder (own certificate, trusted and rejected clients) under the gateway's data_dir. */
export const pkiDirOf = (dataDir: string): string => resolve(dataDir, 'opcua-server-pki');

export class OpcuaServerSink implements Sink {
  readonly name = OPCUA_SERVER_SINK;
  private server: RunningUaServer | undefined;
  private known: ReadonlySet<string> = new Set();
  /** The assets whose alarm variables have no value yet: set from the gateway's alarms at the first write. */
  private readonly alarmPending: Set<string>;
  private readonly assets: readonly AssetOutline[];

  constructor(
    private readonly config: OpcuaServerConfig,
    private readonly identity: { readonly gateway: string; readonly pkiDir: string },
    private readonly deps: SinkDeps,
  ) {
    const offered = config.assets ? new Set(config.assets) : undefined;
    // The assets under `assets:` (scored); a source's asset that no model scores is not offered.
    this.assets = (deps.assets ?? []).filter((a) => a.scored && (!offered || offered.has(a.asset)));
    this.alarmPending = new Set(this.assets.map((a) => a.asset));
  }

  /** Its endpoint's URL, once started. */
  get endpointUrl(): string | undefined {
    return this.server?.endpointUrl;
  }

  async start(): Promise<void> {
    const { host, port } = this.config;
    const problem = await listenProblem(port, host);
    if (problem)
      throw new Error(
        `storage.opcua_server: cannot listen on ${host} port ${port}: ${
          problem.code === 'EADDRINUSE'
            ? 'the port is in use (another OPC UA server?): set storage.opcua_server.port to a free one'
            : problem.message
        }`,
      );
    await this.deps.opcuaLogsTo?.(this.deps.logger);
    const { startUaServer } = await import('./ua-server.js');
    const specs = this.assets.flatMap(assetVariables);
    this.server = await startUaServer(this.config, this.identity.gateway, this.identity.pkiDir, specs, this.warnings);
    this.known = this.server.space.keys();
    this.deps.logger.info(
      {
        sink: this.name,
        endpoint: this.server.endpointUrl,
        security_modes: this.config.security_modes,
        anonymous: this.config.allow_anonymous,
        users: this.config.users.length,
        assets: this.assets.map((a) => a.asset),
      },
      `OPC UA server at ${this.server.endpointUrl}: ${this.assets.length} asset(s), ${specs.length} variables`,
    );
  }

  /** The server's warnings as log lines; failed logins once answers are held back, one line a minute. */
  private readonly warnings: UaServerWarnings = {
    clientRefused: (refusal) => this.clientRefused(refusal),
    notKept: (what) =>
      this.deps.logger.warn(
        { sink: this.name, reason: what.reason, folder: what.folder, unlogged: what.unlogged },
        `OPC UA server: a client's certificate was refused and not kept in ${what.folder}: ${what.why}`,
      ),
    certificateReplaced: (replaced, uri) =>
      this.deps.logger.warn(
        { sink: this.name, old_uri: replaced.uri, uri, moved_to: replaced.movedTo },
        `OPC UA server: its certificate carried the ApplicationUri ${replaced.uri ?? '(none)'}, not ${uri}: a new one is made (the old one moved to ${replaced.movedTo}); clients that trusted the old certificate must trust the new one`,
      ),
    loginFailed: (failures, delayMs) => {
      const unlogged = delayMs > 0 ? this.loginLog.take(Date.now()) : undefined;
      if (unlogged === undefined) return;
      this.deps.logger.warn(
        { sink: this.name, failures, delay_ms: delayMs, unlogged },
        `OPC UA server: ${failures} failed logins within a minute: answers to logins are held back ${delayMs} ms (at most 5 s) until a minute passes without one`,
      );
    },
  };
  private readonly loginLog = new LogThrottle(60_000);
  private readonly refused = new RefusedClients();

  /** A refused client certificate: one line for each (not for each retry), and /api/status. */
  private clientRefused(refusal: ClientRefusal): void {
    let facts: CertificateFacts;
    try {
      facts = certificateFacts(refusal.certificate);
    } catch {
      return; // no certificate to name: node-opcua refused it as invalid, and its warning says so
    }
    const said = refusedClient(facts, refusal, this.identity.pkiDir, Date.now());
    const unsaid = this.refused.take(said);
    if (unsaid === undefined) return;
    const more = unsaid > 0 ? ` (and ${unsaid} other refused certificate(s) not said one by one within a minute)` : '';
    const { message, at: _at, ...fields } = said;
    this.deps.logger.warn({ sink: this.name, ...fields, unsaid }, `${message}${more}`);
  }

  refusedClients(): SinkRefusedClients | undefined {
    return this.refused.status();
  }

  write(records: SinkRecords): void {
    const server = this.server;
    if (!server) return;
    for (const a of records.alarms) this.alarmPending.delete(a.asset);
    const held = this.alarmPending.size > 0 ? (this.deps.alarmStates?.() ?? []) : [];
    if (held.length > 0) {
      server.space.apply(heldAlarmUpdates(held, this.alarmPending, this.known));
      this.alarmPending.clear();
    }
    server.space.apply(recordUpdates(records, this.known));
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.shutdown();
  }
}
