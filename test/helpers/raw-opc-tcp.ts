/**
 * An OPC UA TCP client at the byte level, for what a node-opcua client never sends: a Hello asking for any limits, and
 * the chunks of an OpenSecureChannel request that never ends (each an intermediate chunk, 'C'), over a real socket.
 */
import { connect, type Socket } from 'node:net';

export interface HelloLimits {
  readonly receiveBufferSize: number;
  readonly sendBufferSize: number;
  readonly maxMessageSize: number;
  readonly maxChunkCount: number;
}

export interface RawOpcTcp {
  /** The server's Acknowledge to a Hello asking `limits`. */
  hello(limits: HelloLimits): Promise<HelloLimits>;
  /** Sends OPN chunks of `chunkBytes` until the server closes; resolves with the chunks sent and the ERR's status. */
  openWithoutEnd(chunkBytes: number, atMost: number): Promise<{ chunks: number; errorStatus: number | undefined }>;
  close(): void;
}

const NONE = Buffer.from('http://opcfoundation.org/UA/SecurityPolicy#None');

function helloMessage(endpointUrl: string, l: HelloLimits): Buffer {
  const url = Buffer.from(endpointUrl);
  const b = Buffer.alloc(32 + url.length);
  b.write('HELF', 0, 'latin1');
  b.writeUInt32LE(b.length, 4);
  [0, l.receiveBufferSize, l.sendBufferSize, l.maxMessageSize, l.maxChunkCount].forEach((v, i) =>
    b.writeUInt32LE(v, 8 + 4 * i),
  );
  b.writeInt32LE(url.length, 28);
  url.copy(b, 32);
  return b;
}

/** An intermediate OPN chunk: header, asymmetric security header (None), sequence header, then filler. */
function openChunk(bytes: number, sequenceNumber: number): Buffer {
  const b = Buffer.alloc(bytes, 0x41);
  b.write('OPNC', 0, 'latin1');
  b.writeUInt32LE(bytes, 4);
  b.writeUInt32LE(0, 8); // secure channel id
  b.writeInt32LE(NONE.length, 12);
  NONE.copy(b, 16);
  let at = 16 + NONE.length;
  b.writeInt32LE(-1, at); // sender certificate: null
  b.writeInt32LE(-1, at + 4); // receiver thumbprint: null
  at += 8;
  b.writeUInt32LE(sequenceNumber, at);
  b.writeUInt32LE(1, at + 4); // request id
  return b;
}

export async function rawOpcTcp(port: number, endpointUrl: string): Promise<RawOpcTcp> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  socket.on('error', () => {});
  let received = Buffer.alloc(0);
  let closed = false;
  const changed = new EventTarget();
  socket.on('data', (d: Buffer) => {
    received = Buffer.concat([received, d]);
    changed.dispatchEvent(new Event('change'));
  });
  socket.on('close', () => {
    closed = true;
    changed.dispatchEvent(new Event('change'));
  });
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      if (done()) return resolve();
      const check = () => {
        if (!done()) return;
        changed.removeEventListener('change', check);
        resolve();
      };
      changed.addEventListener('change', check);
    });
  return {
    async hello(limits) {
      socket.write(helloMessage(endpointUrl, limits));
      await until(() => received.length >= 28 || closed);
      if (received.subarray(0, 3).toString('latin1') !== 'ACK') throw new Error('no ACK to the Hello');
      const ack = received.subarray(0, 28);
      received = received.subarray(28);
      return {
        receiveBufferSize: ack.readUInt32LE(12),
        sendBufferSize: ack.readUInt32LE(16),
        maxMessageSize: ack.readUInt32LE(20),
        maxChunkCount: ack.readUInt32LE(24),
      };
    },
    async openWithoutEnd(chunkBytes, atMost) {
      let chunks = 0;
      while (!closed && chunks < atMost) {
        chunks++;
        if (!socket.write(openChunk(chunkBytes, chunks)))
          await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), until(() => closed)]);
      }
      await until(() => closed);
      const isError = received.subarray(0, 3).toString('latin1') === 'ERR' && received.length >= 12;
      return { chunks, errorStatus: isError ? received.readUInt32LE(8) : undefined };
    },
    close: () => socket.destroy(),
  };
}
