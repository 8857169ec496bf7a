/**
 * A configured node the server says does not exist, in words that say what does: the status it answered, the
 * server's namespace array where the node's namespace index is not in it, and where the same identifier is in another
 * namespace, which one (`did you mean ns=2;s=lamp`). A namespace URI (`nsu=`, browse_namespace) the server does not
 * have is named with the array and the URI nearest to it. Pure: the namespace array and the other namespaces that
 * hold the identifier are read by the caller (unknown-node-probe.ts).
 */
import { nearestName } from '../../core/nearest-name.js';

/**
 * The status codes by which a server says a node id names no node: node-opcua's servers answer BadNodeIdUnknown for
 * an unknown node (a namespace index they do not have included), and send BadNodeIdInvalid on an item whose node was
 * deleted; other servers answer BadNodeIdInvalid for an index out of their namespace array.
 */
const UNKNOWN_NODE = new Set(['BadNodeIdUnknown', 'BadNodeIdInvalid']);

export function isUnknownNodeStatus(status: string | undefined): boolean {
  return status !== undefined && UNKNOWN_NODE.has(status);
}

/** At most this many namespaces are listed in a message (a server's array may be long; it comes from the network). */
const LISTED_NAMESPACES = 20;
/** A URI longer than this is cut in a message. */
const URI_CHARS = 200;

const cut = (uri: string) => (uri.length > URI_CHARS ? `${uri.slice(0, URI_CHARS)}…` : uri);

/** The server's namespace array in words: `0 http://opcfoundation.org/UA/, 1 urn:…, 2 urn:plant`. */
export function namespaceList(namespaces: readonly string[]): string {
  const listed = namespaces.slice(0, LISTED_NAMESPACES).map((uri, i) => `${i} ${cut(uri)}`);
  const more = namespaces.length - listed.length;
  return `${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** A node id taken apart: its namespace (an index, a URI, or 0 where it names none) and its identifier (`s=lamp`). */
export function splitNodeId(nodeId: string): { index?: number; uri?: string; identifier: string } {
  const byIndex = /^ns=(\d+);(.*)$/.exec(nodeId);
  if (byIndex) return { index: Number(byIndex[1]), identifier: byIndex[2] };
  const byUri = /^nsu=([^;]+);(.*)$/.exec(nodeId);
  if (byUri) return { uri: byUri[1], identifier: byUri[2] };
  return { index: 0, identifier: nodeId };
}

/**
 * Namespace `uri` (of node `what`, "node nsu=urn:plnt;s=lamp") is not in `namespaces`: the array, and the URI it
 * most likely misspells.
 */
export function describeMissingNamespace(uri: string, what: string, namespaces: readonly string[]): string {
  const near = nearestName(uri, namespaces);
  const guess = near !== undefined ? `: did you mean "${cut(near)}" (namespace ${namespaces.indexOf(near)})?` : '';
  return `namespace "${cut(uri)}" of ${what} is not on the server (its namespace array: ${namespaceList(namespaces)})${guess}`;
}

/**
 * The node ids to read to learn where else the identifier of `sent` (the node id subscribed, its index resolved) is:
 * the same identifier in each other namespace of the server but 0 (OPC UA's own), with their indexes.
 */
export function elsewhereIds(sent: string, namespaces: readonly string[]): { index: number; nodeId: string }[] {
  const { index, identifier } = splitNodeId(sent);
  return namespaces.flatMap((_, k) => (k === 0 || k === index ? [] : [{ index: k, nodeId: `ns=${k};${identifier}` }]));
}

/**
 * The node id a Siemens S7-1500 gives a tag, each name in double quotes (`s="DB_Pump"."Flow"`), for a string identifier
 * written without them (`s=DB_Pump.Flow`, as its engineering tool shows the tag); undefined for any other identifier.
 */
export function quotedTagIdentifier(identifier: string): string | undefined {
  const names = /^s=([^"[\]]+)$/.exec(identifier)?.[1].split('.');
  return names && names.every((n) => n.length > 0) ? `s=${names.map((n) => `"${n}"`).join('.')}` : undefined;
}

/** The node ids to read to learn where the quoted form of `sent`'s identifier (quotedTagIdentifier) is: each namespace
 * but 0. */
export function quotedTagIds(sent: string, namespaces: readonly string[]): { index: number; nodeId: string }[] {
  const quoted = quotedTagIdentifier(splitNodeId(sent).identifier);
  return quoted ? namespaces.flatMap((_, k) => (k === 0 ? [] : [{ index: k, nodeId: `ns=${k};${quoted}` }])) : [];
}

/** What the server answered for a node it does not have, and what it has. */
export interface UnknownNode {
  /** The node id as configured (`ns=3;s=lamp`, `nsu=urn:plant;s=lamp`). */
  readonly configured: string;
  /** The node id subscribed, its namespace index resolved (`ns=3;s=lamp`). */
  readonly sent: string;
  /** The status code's name (BadNodeIdUnknown). */
  readonly status: string;
  /** The server's namespace array, where it was read. */
  readonly namespaces?: readonly string[];
  /** The other namespace indexes whose node of the same identifier exists. */
  readonly foundIn: readonly number[];
  /** The namespace indexes whose node of the identifier's quoted form (quotedTagIdentifier) exists. */
  readonly quotedIn?: readonly number[];
}

/**
 * A node (`label`) whose notification says it does not exist (`status`): deleted since its item was created, or on a
 * server that creates an item of an unknown node and says so in its notifications.
 */
export function describeGoneNode(label: string, status: string): string {
  return `${label}: ${status} in a notification: the server has no such node now; its values come bad until it has`;
}

/**
 * Why a configured node gives no values, after its status: the namespace index the server does not have (with the
 * array), or the namespace that has no such node; and where the same identifier is, the node id it likely meant, in
 * the form configured (`ns=` or `nsu=`).
 */
export function describeUnknownNode(u: UnknownNode): string {
  const { index, identifier } = splitNodeId(u.sent);
  const ns = u.namespaces;
  const head = `${u.status}: the server has no node ${u.sent}`;
  if (!ns || index === undefined) return head;
  const where =
    index >= ns.length
      ? `${head}: it has no namespace ${index} (its namespace array: ${namespaceList(ns)})`
      : `${head} (namespace ${index} is ${cut(ns[index])})`;
  // Where the identifier is in another namespace, and where its quoted form (a Siemens tag's) is in any.
  const foundAs = (id: string | undefined, indexes: readonly number[], why = ''): string => {
    const found = indexes.filter((k) => k < ns.length);
    if (id === undefined || found.length === 0) return '';
    const asConfigured = (k: number) => (u.configured.startsWith('nsu=') ? `nsu=${cut(ns[k])};${id}` : `ns=${k};${id}`);
    const named = found.map((k) => `namespace ${k}, ${cut(ns[k])}`).join('; ');
    return `; ${id} is in ${named}${why}: did you mean ${found.map(asConfigured).join(' or ')}?`;
  };
  return (
    where +
    foundAs(identifier, u.foundIn) +
    foundAs(quotedTagIdentifier(identifier), u.quotedIn ?? [], " (a Siemens PLC's tag: each name in double quotes)")
  );
}
