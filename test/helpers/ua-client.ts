/** A node-opcua client session on a linewatch OPC UA server (storage.opcua_server), as a SCADA opens one. */
import {
  AttributeIds,
  ClientMonitoredItem,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type DataValue,
} from 'node-opcua';

export interface UaSession {
  readonly session: ClientSession;
  /** The index of the gateway's namespace. */
  readonly ns: number;
  close(): Promise<void>;
}

/** A channel's security: None (the default) or SignAndEncrypt with Basic256Sha256. */
export type UaChannel = 'None' | 'SignAndEncrypt';

/**
 * Opens a session with a user's name and password, or anonymous without; over security mode None unless `channel`
 * says SignAndEncrypt (Basic256Sha256, the client's certificate from node-opcua's default PKI folder).
 */
export async function openUaSession(
  endpointUrl: string,
  namespaceUri: string,
  user?: { readonly userName: string; readonly password: string },
  channel: UaChannel = 'None',
): Promise<UaSession> {
  const client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode[channel],
    securityPolicy: channel === 'None' ? SecurityPolicy.None : SecurityPolicy.Basic256Sha256,
    connectionStrategy: { maxRetry: 0 },
  });
  await client.connect(endpointUrl);
  try {
    const session = await client.createSession(
      user ? { type: UserTokenType.UserName, ...user } : { type: UserTokenType.Anonymous },
    );
    const ns = (await session.readNamespaceArray()).indexOf(namespaceUri);
    return {
      session,
      ns,
      close: async () => {
        await session.close();
        await client.disconnect();
      },
    };
  } catch (err) {
    await client.disconnect();
    throw err;
  }
}

/** The endpoints a server offers (GetEndpoints over a None channel, as discovery is): mode, policy, token types. */
export async function offeredEndpoints(
  endpointUrl: string,
): Promise<{ mode: string; policy: string; tokens: string[] }[]> {
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  await client.connect(endpointUrl);
  try {
    return (await client.getEndpoints()).map((e) => ({
      mode: MessageSecurityMode[e.securityMode],
      policy: (e.securityPolicyUri ?? '').replace(/^.*#/, ''),
      tokens: (e.userIdentityTokens ?? []).map((t) => UserTokenType[t.tokenType]),
    }));
  } finally {
    await client.disconnect();
  }
}

/** Subscribes to a variable's value; resolves with the first `count` notifications that `matches`. */
export async function nextValues(
  session: ClientSession,
  nodeId: string,
  count: number,
  matches: (v: DataValue) => boolean = () => true,
): Promise<DataValue[]> {
  const subscription = await session.createSubscription2({
    requestedPublishingInterval: 100,
    requestedLifetimeCount: 100,
    requestedMaxKeepAliveCount: 10,
    publishingEnabled: true,
  });
  try {
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId, attributeId: AttributeIds.Value },
      { samplingInterval: 0, queueSize: 10, discardOldest: true },
      TimestampsToReturn.Both,
    );
    const seen: DataValue[] = [];
    return await new Promise<DataValue[]>((resolve) => {
      item.on('changed', (v: DataValue) => {
        if (!matches(v)) return;
        seen.push(v);
        if (seen.length === count) resolve(seen);
      });
    });
  } finally {
    await subscription.terminate();
  }
}
