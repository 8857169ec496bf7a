/**
 * What the server has instead of the configured nodes it does not have (unknown-nodes.ts): its namespace array, and
 * for each node id the other namespaces whose node of the same identifier exists, read on the connection the
 * subscription was made on (the daemon's source), or on one of its own after the reads (`run --once`). Read only
 * where a node is unknown; at most PROBED node ids in one Read of their NodeClass, so that a configuration of many
 * unknown nodes on a server of many namespaces asks a bounded question with a small answer. A read that fails (the
 * connection lost, a response over max_message_bytes) leaves the words without what it would have said; the daemon's
 * source asks no more once one closed its connection (a namespace array over the bound, on a server that sends it).
 */
import type { OpcuaConnection } from './client-adapter.js';
import type { ResolvedNode } from './node-ids.js';
import { isUnread } from './read-in-parts.js';
import type { NodeReads } from './read-nodes.js';
import type { OpcuaSourceConfig } from './schema.js';
import { describeUnknownNode, elsewhereIds, isUnknownNodeStatus, quotedTagIds } from './unknown-nodes.js';

/** At most this many node ids are read to find where else an unknown node's identifier is. */
const PROBED = 1000;

/** What the probe asks of a connection. */
export type ProbedConnection = Pick<OpcuaConnection, 'readNamespaceArray' | 'exists'>;

/** A configured node whose monitored item the server refused. */
export interface RefusedItem {
  /** The configured node's index. */
  readonly index: number;
  /** Its node id as configured; none for a browse path (its node id is the server's own translation). */
  readonly configured?: string;
  /** The node id subscribed. */
  readonly sent: string;
  /** The status code's name the server answered. */
  readonly status: string;
}

/** Each refused item's reason in words, after its status (without the node's name), by configured node index. */
export async function describeRefusedItems(
  connection: ProbedConnection | undefined,
  items: readonly RefusedItem[],
): Promise<Map<number, string>> {
  const unknown = items.filter((it) => isUnknownNodeStatus(it.status) && it.configured !== undefined);
  const namespaces =
    connection && unknown.length > 0 ? await connection.readNamespaceArray().catch(() => undefined) : undefined;
  const probes = namespaces
    ? unknown.flatMap((it) => [
        ...elsewhereIds(it.sent, namespaces).map((p) => ({ ...p, item: it.index, quoted: false })),
        ...quotedTagIds(it.sent, namespaces).map((p) => ({ ...p, item: it.index, quoted: true })),
      ])
    : [];
  const asked = probes.slice(0, PROBED);
  const found =
    connection && asked.length > 0 ? await connection.exists(asked.map((p) => p.nodeId)).catch(() => []) : [];
  const foundIn = new Map<number, number[]>();
  const quotedIn = new Map<number, number[]>();
  found.forEach((there, k) => {
    if (!there) return;
    const { item, index, quoted } = asked[k];
    const into = quoted ? quotedIn : foundIn;
    into.set(item, [...(into.get(item) ?? []), index]);
  });
  return new Map(
    items.map((it) => [
      it.index,
      isUnknownNodeStatus(it.status) && it.configured !== undefined
        ? describeUnknownNode({
            ...it,
            configured: it.configured,
            namespaces,
            foundIn: foundIn.get(it.index) ?? [],
            quotedIn: quotedIn.get(it.index) ?? [],
          })
        : it.status,
    ]),
  );
}

/** A subscription's outcome: each configured node's resolution, the nodes subscribed, and their items refused. */
export interface SubscribedNodes {
  readonly resolved: readonly ResolvedNode[];
  readonly subscribed: readonly { index: number; node: OpcuaSourceConfig['nodes'][number] }[];
  /** By subscribed node: the status the server refused its monitored item with, where it did. */
  readonly refused: readonly (string | undefined)[];
}

/**
 * The subscribed nodes that give no values, each with why, naming it (`label`): those the server has not (no such
 * namespace or browse path, said at the resolution; no such node, with what it has instead, where `connection` is
 * given to ask) or refused to monitor.
 */
export async function missingNodes(
  connection: ProbedConnection | undefined,
  { resolved, subscribed, refused }: SubscribedNodes,
  label: (index: number) => string,
): Promise<Map<number, string>> {
  const missing = new Map<number, string>();
  for (const { index } of subscribed) if (resolved[index].unknown) missing.set(index, resolved[index].error!);
  const items = subscribed.flatMap(({ index, node }, k) => {
    const sent = resolved[index].nodeId;
    const status = refused[k];
    return status !== undefined && sent !== undefined ? [{ index, configured: node.node_id, sent, status }] : [];
  });
  for (const [index, why] of await describeRefusedItems(connection, items))
    missing.set(index, `${label(index)}: ${why}`);
  return missing;
}

/**
 * The nodes read once (`run --once`) that the server has not (BadNodeIdUnknown), each with what the server has
 * instead, asked on a connection of its own (`open`): none opened where every node was there; nothing said where it
 * fails.
 */
export async function unknownReads(
  open: () => Promise<OpcuaConnection>,
  { resolved, readings }: NodeReads,
  nodes: OpcuaSourceConfig['nodes'],
): Promise<Map<number, string>> {
  const items = [...readings].flatMap(([index, r]) => {
    const sent = resolved[index].nodeId;
    return !isUnread(r) && isUnknownNodeStatus(r.status) && sent !== undefined
      ? [{ index, configured: nodes[index].node_id, sent, status: r.status! }]
      : [];
  });
  if (items.length === 0) return new Map();
  const connection = await open().catch(() => undefined);
  if (!connection) return new Map();
  try {
    return await describeRefusedItems(connection, items);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
