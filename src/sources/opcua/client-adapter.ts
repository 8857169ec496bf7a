/**
 * The only file that talks to node-opcua on the client side: a connection with a session, one
 * subscription with monitored items, reads and writes. Its types stay here; the source sees
 * plain values, qualities and timestamps.
 */
import {
  AttributeIds,
  BrowseDirection,
  ClientMonitoredItemGroup,
  ResultMask,
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  StatusCodes,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type ClientSubscription,
  type OPCUAClientOptions,
  type DataValue,
  type NotificationMessage,
  type UserIdentityInfo,
} from 'node-opcua';
import { X509Certificate } from 'node:crypto';
import { makeBrowsePath } from 'node-opcua';
import { boundedTransportFactory } from './bounded-transport.js';
import { describeRefusal, notOpcuaServer, receiveLimits } from './message-bound.js';
import { fetchServerCertificate, offeredSecurity } from './server-certificate.js';
import { CLIENT_APPLICATION_NAME, ensureOwnCertificate } from './own-certificate.js';
import { applyItemParameters, queueShortfall, type ItemParameters } from './item-parameters.js';
import { routeOpcuaLogs } from './opcua-log.js';
import { firstLine, qualityOf, toReading, type Reading } from './opcua-value.js';
import { deviceStamp } from '../../core/json-values.js';
import { timeoutOptions } from './request-timeout.js';
import { describeTimedOut } from './timed-out.js';
import { numberWriteType, readRefusedType, readWriteType, type WriteType } from './write-types.js';
import { OpcuaTypeMismatch } from './type-mismatch.js';

routeOpcuaLogs();

/** At most this many children of a node are browsed for their names (childNames). */
const CHILD_NAMES = 200;

export { qualityOf, type Reading } from './opcua-value.js';

export interface OpcuaConnectOptions {
  readonly endpoint: string;
  readonly securityMode: 'None' | 'Sign' | 'SignAndEncrypt';
  readonly securityPolicy: 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';
  readonly username?: string;
  readonly password?: string;
  /** X.509 user identity: the certificate and private key, PEM text. */
  readonly userCertificate?: { readonly certificatePem: string; readonly privateKeyPem: string };
  readonly pkiDir: string;
  readonly timeoutMs: number;
  /** The largest message the server may send (message-bound.ts). */
  readonly maxMessageBytes: number;
  /** Told the file of the gateway's own certificate when it is made (at the first connect; it takes seconds). */
  readonly onMakingCertificate?: (file: string) => void;
}

export interface MonitoredNode extends ItemParameters {
  readonly nodeId: string;
}

export interface SubscriptionHandlers {
  /** `reading` is reused for the next notification: copy what you keep, do not hold on to it. */
  onChange(index: number, reading: Reading): void;
  /**
   * A publish response arrived, with changes or as a keep-alive (before its changes are handed to onChange): the
   * server's publish time (ms), where it gave one.
   */
  onPublish(publishTs: number | undefined): void;
  onTerminated(reason: string): void;
}

export interface OpcuaConnection {
  /** The server's namespace array: read once a connection (node-opcua keeps it with the session). */
  readNamespaceArray(): Promise<string[]>;
  /**
   * Starts one subscription; resolves with, per node, the status code's name where the server refused to create its
   * monitored item (`refused`: BadNodeIdUnknown; no value comes from it) and the refusal of its sampling parameters in
   * words where they were not applied (`errors`: the item is monitored still), undefined where fine; and the
   * keep-alive period the server granted (its maxKeepAliveCount times its publishing interval): the longest it stays
   * silent.
   */
  subscribe(
    nodes: readonly MonitoredNode[],
    publishingIntervalMs: number,
    handlers: SubscriptionHandlers,
    /** The most notifications the server may put in one publish response; 0: no limit. */
    maxNotificationsPerPublish?: number,
  ): Promise<{ errors: (string | undefined)[]; refused: (string | undefined)[]; keepAliveMs: number }>;
  read(nodeIds: readonly string[]): Promise<Reading[]>;
  /**
   * Whether each node exists on the server: its NodeClass read (a small answer whatever the node's value: the
   * question of an unknown node's namespace stays under max_message_bytes).
   */
  exists(nodeIds: readonly string[]): Promise<boolean[]>;
  /** Resolves browse paths ("/Objects/2:Plant/2:Pump1") to node ids, or says why not. */
  translate(browsePaths: readonly string[]): Promise<({ nodeId: string } | { error: string })[]>;
  /**
   * The browse names of each node's children (hierarchical references, forward), as a browse path's elements name
   * them (`2:Pump1`; `Objects` in namespace 0), the first the server returns; undefined where it refused the node.
   */
  childNames(nodeIds: readonly string[]): Promise<(string[] | undefined)[]>;
  /**
   * Writes a node's value: a boolean as a Boolean, a number as the built-in type the node's DataType is built on, or
   * for an abstract one the type of the value it holds (read once a connection, write-types.ts); rejects a number the
   * type cannot hold, saying why. A write the server refuses as BadTypeMismatch rejects with an OpcuaTypeMismatch
   * (type-mismatch.ts): the node's DataType and ValueRank, read then, and what was sent.
   */
  write(nodeId: string, value: number | boolean): Promise<void>;
  onLost(callback: (reason: string) => void): void;
  close(): Promise<void>;
}

/** A DataValue's timestamp in ms; none where unset or before 2000 (the sample then takes the next clock). */
function stampOf(date: Date | null | undefined): number | undefined {
  return deviceStamp(date?.getTime());
}

/** The parts of a node-opcua DataValue that make a reading, with the status code's name where it is not Good. */
function readingOf(dv: DataValue): Reading {
  const reading = toReading({
    raw: dv.value?.value,
    dataType: dv.value ? DataType[dv.value.dataType] : undefined,
    status: dv.statusCode.value,
    sourceTs: stampOf(dv.sourceTimestamp),
    serverTs: stampOf(dv.serverTimestamp),
  });
  return dv.statusCode.value === 0 ? reading : { ...reading, status: dv.statusCode.name };
}

export async function connectOpcua(o: OpcuaConnectOptions): Promise<OpcuaConnection> {
  const certificateManager = new OPCUACertificateManager({
    rootFolder: o.pkiDir,
    automaticallyAcceptUnknownCertificate: false,
  });
  await certificateManager.initialize();
  // Made here, with linewatch's subject, before node-opcua's client would make one with its own (own-certificate.ts);
  // under the manager's folder: pki_dir, or node-opcua's default where a caller gives none.
  await ensureOwnCertificate(certificateManager, certificateManager.rootDir, o.onMakingCertificate);
  const limits = receiveLimits(o.maxMessageBytes);
  /** Why the transport last closed the connection on a message over the bound (node-opcua's events do not say). */
  let refused: string | undefined;
  /** A first answer refused before the server's ACK: the far end does not speak OPC UA (bounded-transport.ts). */
  let notOpcua: string | undefined;
  const onRefused = (detail: string, acked: boolean) => (acked ? (refused = detail) : (notOpcua = detail));
  /** A failed connect's error: said as not an OPC UA server where that is why (node-opcua's says "no data"). */
  const failure = (err: unknown) =>
    notOpcua !== undefined ? new Error(notOpcuaServer(notOpcua), { cause: err }) : err;
  // Sign, SignAndEncrypt: the server's certificate, fetched under the bound (node-opcua's own fetch is not).
  const securityMode = o.securityMode;
  let serverCertificate: Buffer | undefined;
  if (securityMode !== 'None') {
    try {
      serverCertificate = await fetchServerCertificate({ ...o, securityMode }, limits, certificateManager, onRefused);
    } catch (err) {
      await certificateManager.dispose();
      throw failure(err);
    }
  }
  const clientOptions: OPCUAClientOptions = {
    applicationName: CLIENT_APPLICATION_NAME,
    endpointMustExist: false,
    securityMode: MessageSecurityMode[o.securityMode],
    securityPolicy: SecurityPolicy[o.securityPolicy],
    clientCertificateManager: certificateManager,
    ...(serverCertificate ? { serverCertificate } : {}),
    // linewatch rebuilds connections itself (see OpcuaSource); node-opcua must not retry forever. maxRetry 0 also keeps
    // node-opcua's own reconnection off (reconnectOnFailure): a lost channel is built again by connectOpcua, under the
    // bound, where node-opcua's would fetch the server's certificate again through a client of its own, unbounded.
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 500 },
    requestedSessionTimeout: 60_000,
    keepSessionAlive: true,
    ...timeoutOptions(o.timeoutMs),
    // Announced in the HEL, and kept whatever the server ACKs (message-bound.ts).
    transportSettings: limits,
    transportFactory: boundedTransportFactory(limits, onRefused),
  };
  const client = OPCUAClient.create(clientOptions);
  const lostCallbacks: ((reason: string) => void)[] = [];
  const lost = (reason: string) => {
    const why = refused ? describeRefusal(o.maxMessageBytes, refused) : reason;
    lostCallbacks.forEach((cb) => cb(why));
  };
  client.on('connection_lost', () => lost('connection lost'));
  client.on('close', (err) => lost(`connection closed${err ? `: ${firstLine(err.message)}` : ''}`));
  let session: ClientSession | undefined;
  let subscription: ClientSubscription | undefined;
  try {
    await client.connect(o.endpoint);
    const identity: UserIdentityInfo = o.userCertificate
      ? {
          type: UserTokenType.Certificate,
          certificateData: new X509Certificate(o.userCertificate.certificatePem).raw,
          privateKey: o.userCertificate.privateKeyPem as never,
        }
      : o.username
        ? { type: UserTokenType.UserName, userName: o.username, password: o.password ?? '' }
        : { type: UserTokenType.Anonymous };
    session = await client.createSession(identity);
  } catch (err) {
    // No endpoint with this security: what the server offers, asked on the channel opened (its answer under the bound).
    const offers = /End point must exist/.test((err as Error)?.message ?? '')
      ? await client.getEndpoints().then(offeredSecurity, () => undefined)
      : undefined;
    await client.disconnect().catch(() => undefined);
    await certificateManager.dispose();
    throw failure(offers ? new Error(`End point must exist (it offers: ${offers})`, { cause: err }) : err);
  }
  const s = session;
  /**
   * The DataType of each node a number is written to, and the built-in type it is built on (write-types.ts; for an
   * abstract DataType, that of the value the node holds), read at its first write on this connection (session), not
   * at every one (an alarm's write-back): a restarted server, whose types may have changed, is a new connection. A
   * node whose DataType cannot be read is written as a Double, read again next time; a write refused reads it again
   * too, as does a node refused for the value it holds (none, an array).
   */
  const writeTypes = new Map<string, WriteType>();
  const writeType = async (nodeId: string, value: number): Promise<DataType> => {
    let known = writeTypes.get(nodeId);
    if (!known) {
      known = await readWriteType(s, nodeId);
      if (!known) return DataType.Double;
      writeTypes.set(nodeId, known);
    }
    const type = numberWriteType(nodeId, known, value);
    if (typeof type === 'string') throw new Error(type);
    return type;
  };
  return {
    readNamespaceArray: () => s.readNamespaceArray(),
    async subscribe(nodes, publishingIntervalMs, handlers, maxNotificationsPerPublish = 0) {
      subscription = await s.createSubscription2({
        requestedPublishingInterval: publishingIntervalMs,
        requestedLifetimeCount: 600,
        // A keep-alive after every publishing interval without a change, or as soon after as the server allows
        // (node-opcua's servers grant 2 at least): each publish response, changes or keep-alive, is what keeps the
        // values of the items that did not change current (OpcuaSource).
        requestedMaxKeepAliveCount: 1,
        maxNotificationsPerPublish,
        publishingEnabled: true,
        priority: 10,
      });
      // Every publish response, changes or keep-alive; emitted before its changes reach the group's 'changed'.
      subscription.on('raw_notification', (message: NotificationMessage) => {
        const publishTs = message.publishTime?.getTime();
        handlers.onPublish(publishTs !== undefined && publishTs > 0 ? publishTs : undefined);
      });
      subscription.on('terminated', () => handlers.onTerminated('subscription terminated'));
      const errors: (string | undefined)[] = [];
      const refused: (string | undefined)[] = [];
      // No items (every node left out, over max_message_bytes): the subscription alone, whose keep-alives go on.
      const granted = subscription;
      const keepAliveMs = () => granted.maxKeepAliveCount * granted.publishingInterval;
      if (nodes.length === 0) return { errors, refused, keepAliveMs: keepAliveMs() };
      const defaults = {
        samplingInterval: nodes[0]?.samplingIntervalMs ?? publishingIntervalMs,
        queueSize: nodes[0]?.queueSize ?? 1,
      };
      const group = ClientMonitoredItemGroup.create(
        subscription,
        nodes.map((n) => ({ nodeId: n.nodeId, attributeId: AttributeIds.Value })),
        { ...defaults, discardOldest: true },
        TimestampsToReturn.Both,
      );
      // The hot path (every notification): one scratch reading, filled in place, no allocation.
      const scratch: { -readonly [K in keyof Reading]: Reading[K] } = {
        value: 0,
        quality: 'good',
        sourceTs: undefined,
        serverTs: undefined,
        wrongType: undefined,
      };
      group.on('changed', (_item, dataValue, index) => {
        const raw: unknown = dataValue.value?.value;
        scratch.sourceTs = stampOf(dataValue.sourceTimestamp);
        scratch.serverTs = stampOf(dataValue.serverTimestamp);
        if (typeof raw === 'number') {
          scratch.value = raw;
          scratch.quality = qualityOf(dataValue.statusCode.value);
          scratch.wrongType = undefined;
          handlers.onChange(index, scratch);
        } else handlers.onChange(index, readingOf(dataValue));
      });
      await new Promise<void>((resolve) => group.once('initialized', () => resolve()));
      // Per-item parameters and the creation result of each item.
      await Promise.all(
        group.monitoredItems.map(async (item, i) => {
          const n = nodes[i];
          const status = item.statusCode;
          if (status && status.value !== 0) {
            refused[i] = status.name;
            return;
          }
          if (n.deadband || n.samplingIntervalMs !== defaults.samplingInterval || n.queueSize !== defaults.queueSize)
            errors[i] = await applyItemParameters(item, n);
          else errors[i] = queueShortfall(n.queueSize, item.monitoringParameters.queueSize);
        }),
      );
      return {
        errors: nodes.map((_, i) => errors[i]),
        refused: nodes.map((_, i) => refused[i]),
        keepAliveMs: keepAliveMs(),
      };
    },
    async translate(browsePaths) {
      if (browsePaths.length === 0) return [];
      const results = await s.translateBrowsePath(browsePaths.map((p) => makeBrowsePath('RootFolder', p)));
      return results.map((r) =>
        r.statusCode.value === 0 && r.targets && r.targets.length > 0
          ? { nodeId: r.targets[0].targetId.toString() }
          : { error: r.statusCode.name },
      );
    },
    async childNames(nodeIds) {
      if (nodeIds.length === 0) return [];
      // The first CHILD_NAMES children, their browse names only: an answer well under the smallest max_message_bytes
      // (64 KiB) for names of a few dozen characters. The request is made in the call, so the session's own limit
      // (10,000) is back before it returns.
      const limit = s.requestedMaxReferencesPerNode;
      s.requestedMaxReferencesPerNode = CHILD_NAMES;
      const browsed = s.browse(
        nodeIds.map((nodeId) => ({
          nodeId,
          browseDirection: BrowseDirection.Forward,
          referenceTypeId: 'HierarchicalReferences',
          includeSubtypes: true,
          resultMask: ResultMask.BrowseName,
        })),
      );
      s.requestedMaxReferencesPerNode = limit;
      const results = await browsed;
      return results.map((r) =>
        r.statusCode.value === 0
          ? (r.references ?? []).map(({ browseName: b }) =>
              b.namespaceIndex === 0 ? b.name! : `${b.namespaceIndex}:${b.name}`,
            )
          : undefined,
      );
    },
    async exists(nodeIds) {
      if (nodeIds.length === 0) return [];
      const values = await s.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.NodeClass })));
      return values.map((dv) => dv.statusCode.value === 0);
    },
    async read(nodeIds) {
      const values = await s.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })));
      return values.map(readingOf);
    },
    async write(nodeId, value) {
      const dataType = typeof value === 'boolean' ? DataType.Boolean : await writeType(nodeId, value);
      let status;
      try {
        status = await s.write({ nodeId, attributeId: AttributeIds.Value, value: { value: { dataType, value } } });
      } catch (err) {
        const timedOut = describeTimedOut((err as Error)?.message ?? '');
        throw timedOut ? new Error(`write ${nodeId}: ${timedOut}`, { cause: err }) : err;
      }
      if (status.value === 0) return;
      writeTypes.delete(nodeId);
      if (status.value === StatusCodes.BadTypeMismatch.value)
        throw new OpcuaTypeMismatch(nodeId, await readRefusedType(s, nodeId), { type: DataType[dataType], value });
      throw new Error(`write ${nodeId}: ${status.name}`);
    },
    onLost(callback) {
      lostCallbacks.push(callback);
    },
    async close() {
      lostCallbacks.length = 0;
      try {
        // A message refused at the bound closed the channel: node-opcua's close sends nothing without one, and the
        // server keeps the session (and its subscription) until its timeout. Closed on a channel of its own.
        if (refused !== undefined) await closeOrphaned(s, clientOptions, o.endpoint);
        else {
          await subscription?.terminate().catch(() => undefined);
          await s.close().catch(() => undefined);
        }
        await client.disconnect();
      } finally {
        await certificateManager.dispose();
      }
    },
  };
}

/**
 * Closes `session`, whose channel is gone, on the server: activated again on a new channel (OPC UA lets a session move
 * to another channel), then closed with its subscriptions. Best effort, bounded by the transport's timeout: where the
 * server is gone, so is the session's use.
 */
async function closeOrphaned(session: ClientSession, options: OPCUAClientOptions, endpoint: string): Promise<void> {
  const again = OPCUAClient.create(options);
  try {
    await again.connect(endpoint);
    await again.reactivateSession(session);
    await session.close(true);
  } catch {
    // Not reached, or refused: the server drops the session at its timeout.
  } finally {
    await again.disconnect().catch(() => undefined);
  }
}
