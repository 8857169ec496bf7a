/**
 * The largest message an OPC UA server may send the source (`max_message_bytes`), kept by the client whatever the
 * server says. In the HEL/ACK handshake the client announces its receive limits (its largest message, chunk count and
 * chunk size) and a compliant server keeps to them: a node-opcua server answers a response over them with a fault
 * instead. But node-opcua's client then receives by the limits the server's ACK gives back, not its own: a server
 * that ACKs 0 (no limit) or 4 GiB could send a message of up to 64 MiB in 1,000 chunks (node-opcua's message builder
 * defaults), or a chunk of any size, all buffered. The transport made here takes, of the server's limits and ours,
 * the smaller: the chunk's header is checked before its body is read (node-opcua's packet assembler), and each chunk's
 * count and running total before the next is read (its message builder), so at most the bound and one chunk are
 * held before the connection is closed with "max message size exceeded". Pure: the transport is bounded-transport.ts
 * (node-opcua is loaded only where an OPC UA source connects).
 */

/** The smallest chunk a server may send (OPC UA Part 6: a buffer of 8,192 bytes at least). */
const MIN_CHUNK_BYTES = 8192;
/** node-opcua's receive buffer (its largest chunk), kept where the bound allows it. */
const CHUNK_BYTES = 64 * 1024 * 10;

export interface ReceiveLimits {
  readonly maxMessageSize: number;
  readonly maxChunkCount: number;
  readonly receiveBufferSize: number;
  readonly sendBufferSize: number;
}

/** What the client announces for a bound of `maxMessageBytes`: chunks up to 640 KiB, as many as the smallest fill. */
export function receiveLimits(maxMessageBytes: number): ReceiveLimits {
  const chunk = Math.min(CHUNK_BYTES, maxMessageBytes);
  return {
    maxMessageSize: maxMessageBytes,
    maxChunkCount: Math.ceil(maxMessageBytes / MIN_CHUNK_BYTES),
    receiveBufferSize: chunk,
    sendBufferSize: chunk,
  };
}

/** The smaller of a server's limit and ours; a server's 0 means none. */
const tighter = (theirs: number, ours: number) => (theirs > 0 ? Math.min(theirs, ours) : ours);

/** The limits the transport receives by: those the server ACKed, none looser than ours. */
export function keptLimits(acked: ReceiveLimits, ours: ReceiveLimits): ReceiveLimits {
  return {
    maxMessageSize: tighter(acked.maxMessageSize, ours.maxMessageSize),
    maxChunkCount: tighter(acked.maxChunkCount, ours.maxChunkCount),
    receiveBufferSize: tighter(acked.receiveBufferSize, ours.receiveBufferSize),
    sendBufferSize: acked.sendBufferSize,
  };
}

/** A refused message in words, naming the setting and its value; `detail` is node-opcua's. */
export function describeRefusal(maxMessageBytes: number, detail: string): string {
  return `a message from the server over max_message_bytes (${maxMessageBytes} bytes) was refused (${detail}); raise max_message_bytes if the server's responses are that large`;
}

/**
 * A node whose value alone is over the bound, in words: the bound and the setting's configuration path
 * (`sources[0].max_message_bytes`); `detail` is node-opcua's.
 */
export function describeNodeOverBound(maxMessageBytes: number, setting: string, detail: string): string {
  return `its value is over max_message_bytes (${maxMessageBytes} bytes, ${setting}): a response with it alone was refused (${detail}); raise ${setting} if the value is meant to be that large`;
}

/** A browse path whose translation alone is over the bound (it carries the node ids), in words, as a node's. */
export function describePathOverBound(maxMessageBytes: number, setting: string, detail: string): string {
  return `its translation to a node id is over max_message_bytes (${maxMessageBytes} bytes, ${setting}): a response with it alone was refused (${detail}); raise ${setting} if the server's node ids are that long`;
}

/**
 * The server's namespace array over the bound, in words, for a node that needs it (a node id or browse_namespace naming
 * its namespace by URI); `detail` is node-opcua's.
 */
export function describeNamespacesOverBound(maxMessageBytes: number, setting: string, detail: string): string {
  return `the server's namespace array, which its namespace URI is looked up in, is over max_message_bytes (${maxMessageBytes} bytes, ${setting}): a response with it alone was refused (${detail}); raise ${setting}, or name the namespace by index (ns=)`;
}

/** What a source that reached something other than an OPC UA server says (notOpcuaServer). */
const NOT_OPCUA = 'does not answer as an OPC UA server';

/**
 * A far end whose first answer to the HEL was refused as over the limits, before any ACK, in words: no OPC UA server
 * answers so (its ACK is a few dozen bytes), another service listens at the port. Not said as over max_message_bytes,
 * which raising would not help; `detail` is node-opcua's, of which only the size is kept ("maximum chunk size
 * exceeded" would read as a refusal at the bound, isOversize).
 */
export function notOpcuaServer(detail: string): string {
  const size = /current chunk size = (\d+)/.exec(detail)?.[1] ?? /total message size (\d+)/.exec(detail)?.[1];
  const header =
    size !== undefined ? ` (its answer to the client's hello is no OPC UA acknowledge: a chunk of ${size} bytes)` : '';
  return `${NOT_OPCUA}${header}: check the port: another service (HTTP, ...) may listen there`;
}

/** Whether a message says the far end is not an OPC UA server (notOpcuaServer). */
export function isNotOpcuaServer(message: string): boolean {
  return message.includes(NOT_OPCUA);
}

/** Whether an error is node-opcua's refusal of a message over the bound (chunk count, message or chunk size). */
export function isOversize(message: string): boolean {
  return /max message size exceeded|max chunk count exceeded|maximum chunk size exceeded|BadTcpMessageTooLarge|BadResponseTooLarge/.test(
    message,
  );
}
