/**
 * The OPC UA transport limits the server grants a connection (pure). node-opcua grants what a client's Hello asks, up
 * to 128 MiB a message in 256 chunks of 512 KiB, and holds the chunks of a message in memory until its last one: a
 * client that has not even opened a secure channel could make the gateway hold 128 MiB per connection. The server
 * grants at most MAX_MESSAGE_BYTES a message, in chunks of at most MAX_BUFFER_BYTES, and refuses a longer message
 * (BadTcpMessageTooLarge) as its chunks come.
 */
export interface TransportLimits {
  receiveBufferSize: number;
  sendBufferSize: number;
  maxMessageSize: number;
  maxChunkCount: number;
}

/** The largest message either side may send: far above what the server's requests and responses need. */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
/** The largest chunk (node-opcua's default buffer size; OPC UA's floor is 8192). */
export const MAX_BUFFER_BYTES = 64 * 1024;
const MIN_BUFFER_BYTES = 8192;

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/** The limits granted for a client's Hello: its own where smaller (0 is no limit), the server's bounds otherwise. */
export function boundedTransportLimits(hello: TransportLimits): TransportLimits {
  const receiveBufferSize = clamp(hello.receiveBufferSize || MAX_BUFFER_BYTES, MIN_BUFFER_BYTES, MAX_BUFFER_BYTES);
  const sendBufferSize = clamp(hello.sendBufferSize || MAX_BUFFER_BYTES, MIN_BUFFER_BYTES, MAX_BUFFER_BYTES);
  const maxMessageSize = Math.min(hello.maxMessageSize || MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
  const chunksNeeded = Math.ceil(maxMessageSize / Math.min(receiveBufferSize, sendBufferSize));
  const maxChunkCount = Math.min(hello.maxChunkCount || chunksNeeded, chunksNeeded);
  return { receiveBufferSize, sendBufferSize, maxMessageSize, maxChunkCount };
}
