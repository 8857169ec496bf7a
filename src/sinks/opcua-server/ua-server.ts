/**
 * The node-opcua server of storage.opcua_server: its endpoints (the security modes and policies configured, None only
 * where listed), who may open a session, its bounds, and its PKI folder (its own certificate, made at the first start,
 * and the client certificates it trusts). Loaded only where the server is configured (node-opcua is large).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageSecurityMode, OPCUAServer, RegisterServerMethod, SecurityPolicy } from 'node-opcua';
import { endpointHost } from '../../core/loopback.js';
import { LINEWATCH_VERSION } from '../../core/version.js';
import { GatewayAddressSpace } from './address-space.js';
import { retireCertificateWithOtherUri, serverApplicationUri, type ReplacedCertificate } from './application-uri.js';
import type { VariableSpec } from './asset-variables.js';
import { LoginPacer } from './login-pacing.js';
import { boundNotificationsPerPublish } from './notification-bound.js';
import { boundQueueSizes, MIN_SAMPLING_MS } from './queue-bound.js';
import { clientUriMismatch } from './client-uri.js';
import type { ClientRefusal } from './refused-client.js';
import { BoundedCertificateStore, type NotKept } from './rejected-store.js';
import type { OpcuaServerConfig } from './schema.js';
import { boundedTransportLimits } from './transport-limits.js';

export const RESOURCE_PATH = '/UA/linewatch';

/** Whether a user name and password are those of a configured user (compared in constant time). */
export function userCheck(users: OpcuaServerConfig['users']): (name: string, password: string) => boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const known = users.map((u) => ({ name: digest(u.username), password: digest(u.password) }));
  return (name, password) => {
    const n = digest(name);
    const p = digest(password);
    let ok = false;
    for (const u of known) ok = (timingSafeEqual(u.name, n) && timingSafeEqual(u.password, p)) || ok;
    return ok;
  };
}

/** What the server tells the gateway's log. */
export interface UaServerWarnings {
  /** A client's certificate refused and not kept in rejected/. */
  notKept(what: NotKept): void;
  /** A client's certificate refused (each refusal: the sink says each certificate once). */
  clientRefused(refusal: ClientRefusal): void;
  /** A password login failed: how many within the last minute, and how long answers are now held back. */
  loginFailed(failures: number, delayMs: number): void;
  /** The server's certificate carried another ApplicationUri: moved aside, a new one made at this start. */
  certificateReplaced(replaced: ReplacedCertificate, uri: string): void;
}

/** node-opcua's asynchronous user check: the configured users, each answer paced (login-pacing.ts). */
function pacedUserCheck(
  users: OpcuaServerConfig['users'],
  loginFailed: UaServerWarnings['loginFailed'],
): (name: string, password: string, answer: (err: Error | null, ok?: boolean) => void) => void {
  const check = userCheck(users);
  const pacer = new LoginPacer();
  return (name, password, answer) => {
    const ok = check(name, password);
    const delay = pacer.delayMs();
    if (!ok) loginFailed(pacer.failed(), pacer.delayMs());
    setTimeout(() => answer(null, ok), delay);
  };
}

export interface RunningUaServer {
  readonly endpointUrl: string;
  readonly space: GatewayAddressSpace;
  shutdown(): Promise<void>;
}

export async function startUaServer(
  config: OpcuaServerConfig,
  gateway: string,
  pkiDir: string,
  specs: readonly VariableSpec[],
  warnings: UaServerWarnings,
): Promise<RunningUaServer> {
  const notKept = (what: NotKept) => warnings.notKept(what);
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  const applicationUri = serverApplicationUri(gateway);
  const replaced = await retireCertificateWithOtherUri(pkiDir, applicationUri);
  if (replaced) warnings.certificateReplaced(replaced, applicationUri);
  const serverCertificateManager = new BoundedCertificateStore(
    { rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: config.trust_unknown_clients },
    notKept,
    Date.now,
    (refusal) => warnings.clientRefused(refusal),
  );
  // node-opcua lists X.509 user tokens on every endpoint; without its own folder it would trust the process-wide
  // default UserPKI. This one, in the gateway's PKI folder, trusts no user certificate unless an operator puts one in
  // its trusted/certs (or a CA there, with its CRL in trusted/crl). Each one refused is said as a client's is.
  const userCertificateManager = new BoundedCertificateStore(
    { rootFolder: join(pkiDir, 'users'), automaticallyAcceptUnknownCertificate: false },
    notKept,
    Date.now,
    (refusal) => warnings.clientRefused({ ...refusal, user: true }),
  );
  const modes = config.security_modes.map((m) => MessageSecurityMode[m]);
  const policies = [
    ...config.security_policies.map((p) => SecurityPolicy[p]),
    ...(config.security_modes.includes('None') ? [SecurityPolicy.None] : []),
  ];
  const { max_sessions: sessions, max_subscriptions_per_session: perSession, max_monitored_items: items } = config;
  const urlHost = endpointHost(config.host);
  const server = new OPCUAServer({
    port: config.port,
    // `host` is the address node-opcua listens on (without it: every interface); `hostname` only names the endpoint.
    host: config.host,
    hostname: urlHost,
    alternateHostname: [urlHost],
    resourcePath: RESOURCE_PATH,
    serverCertificateManager,
    userCertificateManager,
    securityModes: modes,
    securityPolicies: policies,
    allowAnonymous: config.allow_anonymous,
    userManager: { isValidUserAsync: pacedUserCheck(config.users, (n, ms) => warnings.loginFailed(n, ms)) },
    maxConnectionsPerEndpoint: sessions,
    transportSettings: { adjustTransportLimits: boundedTransportLimits },
    serverCapabilities: {
      maxSessions: sessions,
      maxSubscriptionsPerSession: perSession,
      maxSubscriptions: sessions * perSession,
      maxMonitoredItems: items,
      maxMonitoredItemsPerSubscription: items,
      maxMonitoredItemsQueueSize: config.max_monitored_item_queue_size,
      minSupportedSampleRate: MIN_SAMPLING_MS,
    },
    registerServerMethod: RegisterServerMethod.HIDDEN,
    // What a generic client lists the server as (node-opcua's own name, NodeOPCUA, otherwise), and its ApplicationUri,
    // the same at every start whatever the host name (application-uri.ts): the certificate node-opcua makes carries it.
    serverInfo: { applicationName: { text: `linewatch ${gateway}`, locale: 'en' }, applicationUri },
    buildInfo: {
      productName: 'linewatch',
      productUri: 'urn:linewatch',
      manufacturerName: 'linewatch',
      softwareVersion: LINEWATCH_VERSION,
    },
  });
  await server.initialize();
  // Each request as its endpoint decodes it, before the server serves it: queue sizes (queue-bound.ts) and
  // notifications per message (notification-bound.ts) revised down. node-opcua makes its endpoints in initialize().
  // And a CreateSession whose client certificate carries another ApplicationUri than the client describes itself
  // with, which node-opcua refuses (BadCertificateUriInvalid) saying only its own error lines (client-uri.ts).
  for (const endpoint of server.endpoints)
    endpoint.prependListener(
      'message',
      (message: { request: object }, channel: { securityMode: MessageSecurityMode }) => {
        boundQueueSizes(message.request, config.max_monitored_item_queue_size);
        boundNotificationsPerPublish(message.request, config.max_notifications_per_publish);
        const mismatch =
          channel.securityMode !== MessageSecurityMode.None ? clientUriMismatch(message.request) : undefined;
        if (mismatch) warnings.clientRefused(mismatch);
      },
    );
  const space = new GatewayAddressSpace(server.engine.addressSpace!, gateway, specs);
  await server.start();
  return {
    endpointUrl: `opc.tcp://${urlHost}:${config.port}${RESOURCE_PATH}`,
    space,
    shutdown: () => server.shutdown(0),
  };
}
