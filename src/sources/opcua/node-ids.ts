/**
 * The configured nodes of an OPC UA source on one server: node ids that name their namespace by URI, and browse
 * paths, resolved with the server's namespace array (pure, but for the one translate call); a node that cannot be
 * resolved is named by its configuration path, node id or browse path, and channel.
 */
import type { OpcuaConnection } from './client-adapter.js';
import { isOversize } from './message-bound.js';
import { firstLine } from './opcua-value.js';
import { isUnread, partsDeadline, readInParts, type PartsTiming } from './read-in-parts.js';
import type { OpcuaSourceConfig } from './schema.js';
import { describeMissingNamespace } from './unknown-nodes.js';
import { findPathBreak } from './browse-path-break.js';

const STANDARD_ELEMENTS = new Set(['Objects', 'Types', 'Views', 'Server']);
/** At most this many browse paths that match no node are asked where they break (browse-path-break.ts). */
const ASKED_BREAKS = 20;

/**
 * A browse path in the text form node-opcua resolves ("/Objects/2:Plant/2:Pump1/2:flow"):
 * elements that name no namespace index take `namespaceUri`'s index on this server (the standard
 * folders stay in namespace 0).
 */
export function browsePathText(path: string, namespaceUri: string | undefined, namespaces: readonly string[]): string {
  let index: number | undefined;
  if (namespaceUri !== undefined) {
    index = namespaces.indexOf(namespaceUri);
    if (index < 0) throw new Error(describeMissingNamespace(namespaceUri, `browse path ${path}`, namespaces));
  }
  return path
    .split('/')
    .slice(1)
    .map((element) =>
      /^\d+:/.test(element) || index === undefined || STANDARD_ELEMENTS.has(element)
        ? `/${element}`
        : `/${index}:${element}`,
    )
    .join('');
}

/** Turns `nsu=<uri>;...` into `ns=<index>;...` with the server's namespace array. */
export function resolveNodeId(nodeId: string, namespaces: readonly string[]): string {
  const m = /^nsu=([^;]+);(.*)$/.exec(nodeId);
  if (!m) return nodeId;
  const index = namespaces.indexOf(m[1]);
  if (index < 0) throw new Error(describeMissingNamespace(m[1], `node ${nodeId}`, namespaces));
  return `ns=${index};${m[2]}`;
}

/**
 * How configured node `index` is named in messages: its configuration path, node id or browse path, and channel
 * ("sources[0].nodes[4].node_id ns=2;s=Pump1.presure (channel pressure)"); `where` is the source's path, if known.
 */
export function nodeLabel(nodes: OpcuaSourceConfig['nodes'], index: number, where: string | undefined): string {
  const n = nodes[index];
  const key = n.node_id !== undefined ? 'node_id' : 'browse_path';
  const at = `${where !== undefined ? `${where}.` : ''}nodes[${index}].${key}`;
  return `${at} ${n.node_id ?? n.browse_path} (channel ${n.channel})`;
}

/** A configured node on this server: its node id, or why it has none (naming the node). */
export type ResolvedNode = {
  nodeId?: string;
  error?: string;
  /** Its browse path's translation alone was refused at max_message_bytes: why, in words (without the node's name). */
  overBound?: string;
  /** The server has no such node: its namespace URI is not on the server, or its browse path leads nowhere. */
  unknown?: true;
};

/** How the nodes of a source are named, and a translation over max_message_bytes said (from node-ids.ts's caller). */
export interface ResolveContext {
  /** How configured node `index` is named in messages. */
  label(index: number): string;
  /** A browse path whose translation alone was refused at the bound, in words; `detail` is node-opcua's. */
  overBound(detail: string): string;
  /** The namespace array refused at the bound, in words, for a node that needs it; `detail` is node-opcua's. */
  namespacesOverBound(detail: string): string;
}

/** Whether a node is resolved with the server's namespace array: its node id or browse_namespace names a URI. */
export function needsNamespaces(n: OpcuaSourceConfig['nodes'][number]): boolean {
  return n.node_id !== undefined ? n.node_id.startsWith('nsu=') : n.browse_namespace !== undefined;
}

/**
 * The server's namespace array, read only where one of the nodes asked for needs it; a response over the bound is
 * not the source's failure but each such node's (`overBound`, why in words), as a translation's is.
 */
async function namespacesFor(
  live: () => Promise<OpcuaConnection>,
  asked: OpcuaSourceConfig['nodes'],
  c: ResolveContext,
): Promise<{ namespaces: readonly string[]; overBound?: string }> {
  if (!asked.some(needsNamespaces)) return { namespaces: [] };
  try {
    return { namespaces: await (await live()).readNamespaceArray() };
  } catch (err) {
    const message = firstLine((err as Error)?.message ?? String(err)).trim();
    if (!isOversize(message)) throw err;
    return { namespaces: [], overBound: c.namespacesOverBound(message) };
  }
}

/**
 * Node ids for the configured nodes (namespace URIs and browse paths resolved), or why not. The browse paths are
 * translated in parts (read-in-parts.ts) where a response is over max_message_bytes: a path whose translation alone is
 * refused is that node's error, not the source's, as is the namespace array's for the nodes that need it (read only
 * where one does). `live` gives the connection, a new one where a refusal closed it. With `timing`, translating in
 * parts starts no part after timeout_ms × (⌈log2 p⌉ + 1) for p browse paths (partsDeadline): the paths left are each
 * that node's error, saying how many were translated; none translated by then fails the resolution.
 * Only the nodes in `only` are resolved, where it is given (the others: neither node id nor error).
 */
export async function resolveNodes(
  live: () => Promise<OpcuaConnection>,
  nodes: OpcuaSourceConfig['nodes'],
  c: ResolveContext,
  only?: ReadonlySet<number>,
  timing?: PartsTiming,
): Promise<ResolvedNode[]> {
  const asked = (i: number) => !only || only.has(i);
  const { namespaces, overBound } = await namespacesFor(
    live,
    nodes.filter((_, i) => asked(i)),
    c,
  );
  const out: ResolvedNode[] = nodes.map(() => ({}));
  const paths: { index: number; text: string }[] = [];
  nodes.forEach((n, i) => {
    if (!asked(i)) return;
    if (overBound !== undefined && needsNamespaces(n)) {
      out[i] = { error: `${c.label(i)}: ${overBound}`, overBound };
      return;
    }
    try {
      if (n.node_id !== undefined) out[i] = { nodeId: resolveNodeId(n.node_id, namespaces) };
      else paths.push({ index: i, text: browsePathText(n.browse_path!, n.browse_namespace, namespaces) });
    } catch (err) {
      // The one failure of a resolution with the namespace array: a namespace URI the server does not have.
      out[i] = { error: `${c.label(i)}: ${(err as Error).message}`, unknown: true };
    }
  });
  const translated = await readInParts(
    paths.map((p) => p.text),
    async (texts) => (await live()).translate(texts),
    timing && partsDeadline(paths.length, timing.timeoutMs, timing.now, 'translate'),
  );
  let breaksAsked = 0;
  for (const [k, t] of translated.entries()) {
    const { index, text } = paths[k];
    if (isUnread(t)) {
      const overBound = t.tooLarge ? c.overBound(t.unread) : undefined;
      out[index] = { error: `${c.label(index)}: ${overBound ?? t.unread}`, ...(overBound ? { overBound } : {}) };
      continue;
    }
    if ('nodeId' in t) {
      out[index] = { nodeId: t.nodeId };
      continue;
    }
    if (t.error !== 'BadNoMatch') {
      out[index] = { error: `${c.label(index)}: ${t.error} (at ${text})` };
      continue;
    }
    // Where the path breaks, asked of the server for the first few such paths only (two requests each).
    const broken =
      breaksAsked++ < ASKED_BREAKS
        ? await live()
            .then((connection) => findPathBreak(connection, text))
            .catch(() => undefined)
        : undefined;
    const why = `no such node at ${text}${broken !== undefined ? ` (${broken})` : ''}`;
    out[index] = {
      error: `${c.label(index)}: BadNoMatch: ${why}; check the element names and browse_namespace`,
      unknown: true,
    };
  }
  return out;
}
