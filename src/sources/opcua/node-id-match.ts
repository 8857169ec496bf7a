/**
 * Whether two node ids as a configuration writes them name the same node, without a server (pure). A node id names
 * its namespace by index (`ns=2;`), by URI (`nsu=urn:plant;`) or not at all (namespace 0); the identifier is numeric
 * (`i=`), a string (`s=`), a GUID (`g=`) or opaque (`b=`). Plainly equal: `i=5`, `ns=0;i=5`, `ns=0;i=0005` and
 * `nsu=http://opcfoundation.org/UA/;i=5` (namespace 0's URI is the standard's on every server); a GUID in any case.
 * An index and a URI with the same identifier are the same node only where the server's namespace array has that URI
 * at that index: `unknown` without it. Two indexes, or two URIs, that differ are different namespaces.
 */

/** Namespace 0's URI, the same on every server (OPC UA Part 6). */
export const STANDARD_NAMESPACE_URI = 'http://opcfoundation.org/UA/';

/** A node id taken apart: its namespace by index or by URI, and its identifier in one spelling. */
export interface NodeIdParts {
  readonly index?: number;
  readonly uri?: string;
  /** The identifier type and value, spelled one way: "i=5", "s=Pump1.flow", "g=<lower-case GUID>". */
  readonly identifier: string;
}

const NODE_ID = /^(?:ns=(\d+);|nsu=([^;]+);)?([isgb])=(.+)$/s;

/** The parts of `text`; undefined where it is not a node id in the string form (it is then compared as written). */
export function nodeIdParts(text: string): NodeIdParts | undefined {
  const m = NODE_ID.exec(text.trim());
  if (!m) return undefined;
  const [, ns, uri, type, raw] = m;
  let value = raw;
  if (type === 'i') {
    if (!/^\d+$/.test(raw)) return undefined;
    value = String(Number(raw));
  } else if (type === 'g') value = raw.toLowerCase();
  const identifier = `${type}=${value}`;
  if (uri !== undefined && uri !== STANDARD_NAMESPACE_URI) return { uri, identifier };
  return { index: ns !== undefined ? Number(ns) : 0, identifier };
}

/** `same`, `different`, or `unknown`: an index and a URI, one identifier (the server's namespace array decides). */
export type NodeIdMatch = 'same' | 'different' | 'unknown';

export function matchNodeIds(a: string, b: string): NodeIdMatch {
  const [pa, pb] = [nodeIdParts(a), nodeIdParts(b)];
  if (!pa || !pb) return a.trim() === b.trim() ? 'same' : 'different';
  if (pa.identifier !== pb.identifier) return 'different';
  if (pa.uri !== undefined && pb.uri !== undefined) return pa.uri === pb.uri ? 'same' : 'different';
  if (pa.index !== undefined && pb.index !== undefined) return pa.index === pb.index ? 'same' : 'different';
  // One names its namespace by URI (not the standard one), the other by index: index 0 is the standard namespace,
  // which no other URI names.
  return (pa.index ?? pb.index) === 0 ? 'different' : 'unknown';
}
