/**
 * Configured nodes read once, on connections of their own (`run --once`; a daemon source looking for the nodes whose
 * value is over max_message_bytes): node ids resolved, then the nodes read in parts (read-in-parts.ts), a new
 * connection opened where a refusal at the bound closed the last one (onLost is seen before the read rejects), for
 * the resolution's browse paths as for the reads.
 * The connections are given (`open`); the last one is closed before it resolves or rejects.
 */
import type { OpcuaConnection, Reading } from './client-adapter.js';
import type { ResolvedNode } from './node-ids.js';
import { partsDeadline, readInParts, type PartsTiming, type Unread } from './read-in-parts.js';

export interface NodeReads {
  /** Every configured node's node id, or why it has none. */
  readonly resolved: ResolvedNode[];
  /** By configured node index: the nodes that were resolved (and asked for), each read or why not. */
  readonly readings: Map<number, Reading | Unread>;
}

/**
 * Reads the configured nodes whose index is in `only` (all where none is given). Rejects only where the first
 * connection, the resolution or the first read fails (the connection, not a node).
 */
export async function readNodes(
  open: () => Promise<OpcuaConnection>,
  resolve: (live: () => Promise<OpcuaConnection>, only?: ReadonlySet<number>) => Promise<ResolvedNode[]>,
  only?: ReadonlySet<number>,
  /** The source's timeout_ms and clock: the reads in parts stop at their deadline (read-in-parts.ts). */
  timing?: PartsTiming,
): Promise<NodeReads> {
  let connection: OpcuaConnection | undefined;
  let lost = false;
  const connect = async () => {
    connection = await open();
    lost = false;
    connection.onLost(() => (lost = true));
    return connection;
  };
  /** The connection, a new one where a refusal at the bound closed the last. */
  const live = async (): Promise<OpcuaConnection> => {
    if (connection && !lost) return connection;
    await connection?.close().catch(() => undefined);
    connection = undefined;
    return connect();
  };
  try {
    const resolved = await resolve(live, only);
    const readable = resolved.flatMap((r, i) => (r.nodeId !== undefined && (only?.has(i) ?? true) ? [i] : []));
    const readings = await readInParts(
      readable.map((i) => resolved[i].nodeId!),
      async (ids) => (await live()).read(ids),
      timing && partsDeadline(readable.length, timing.timeoutMs, timing.now),
    );
    const byIndex = new Map<number, Reading | Unread>(readable.map((i, k) => [i, readings[k]]));
    // A browse path whose translation alone was refused at the bound: unread, as a node whose value is (over-bound).
    for (const [i, r] of resolved.entries())
      if (r.overBound && (only?.has(i) ?? true))
        byIndex.set(i, { unread: r.overBound, tooLarge: true, described: true });
    return { resolved, readings: byIndex };
  } finally {
    await (connection as OpcuaConnection | undefined)?.close().catch(() => undefined);
  }
}
