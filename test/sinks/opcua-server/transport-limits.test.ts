import { describe, expect, it } from 'vitest';
import {
  boundedTransportLimits,
  MAX_BUFFER_BYTES,
  MAX_MESSAGE_BYTES,
} from '../../../src/sinks/opcua-server/transport-limits.js';

describe('the transport limits the OPC UA server grants', () => {
  it('a Hello asking 128 MiB messages in 512 KiB chunks gets 2 MiB in 64 KiB chunks (32 of them)', () => {
    const asked = {
      receiveBufferSize: 512 * 1024,
      sendBufferSize: 512 * 1024,
      maxMessageSize: 128 * 2 ** 20,
      maxChunkCount: 9000,
    };
    expect(boundedTransportLimits(asked)).toEqual({
      receiveBufferSize: MAX_BUFFER_BYTES,
      sendBufferSize: MAX_BUFFER_BYTES,
      maxMessageSize: MAX_MESSAGE_BYTES,
      maxChunkCount: 32,
    });
  });

  it('no limit asked (0) gets the bounds; chunks of 8 KiB make more chunks of the same 2 MiB', () => {
    expect(
      boundedTransportLimits({ receiveBufferSize: 8192, sendBufferSize: 8192, maxMessageSize: 0, maxChunkCount: 0 }),
    ).toEqual({
      receiveBufferSize: 8192,
      sendBufferSize: 8192,
      maxMessageSize: MAX_MESSAGE_BYTES,
      maxChunkCount: 256,
    });
  });

  it("a client's smaller limits are kept", () => {
    expect(
      boundedTransportLimits({
        receiveBufferSize: 16384,
        sendBufferSize: 16384,
        maxMessageSize: 100_000,
        maxChunkCount: 5,
      }),
    ).toEqual({ receiveBufferSize: 16384, sendBufferSize: 16384, maxMessageSize: 100_000, maxChunkCount: 5 });
  });
});
