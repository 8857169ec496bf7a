/**
 * (Benchmark child process.) A minimal Modbus TCP server for the ingestion benchmark: function 3
 * (read holding registers) for units 1..N with R registers each, answered from prebuilt frames,
 * so the server is not what limits the clients it serves (modbus-serial's own server builds every
 * answer register by register and saturates a core first). Counts the registers it serves, so
 * every client is measured by the same count. argv: port units registers.
 * IPC: sends {ready}; {count: true} → {registers}.
 */
import { createServer } from 'node:net';

const [port, units, registers] = process.argv.slice(2).map(Number);
let served = 0;
const images = new Map<number, Buffer>();
for (let u = 1; u <= units; u++) {
  const image = Buffer.alloc(registers * 2);
  for (let i = 0; i < registers; i++) image.writeUInt16BE((u * 1000 + i) & 0xffff, i * 2);
  images.set(u, image);
}

/** An exception answer (function | 0x80, code) for a request header. */
function exception(header: Buffer, code: number): Buffer {
  const out = Buffer.alloc(9);
  header.copy(out, 0, 0, 4);
  out.writeUInt16BE(3, 4);
  out[6] = header[6];
  out[7] = header[7] | 0x80;
  out[8] = code;
  return out;
}

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const answers: Buffer[] = [];
    // MBAP: transaction(2) protocol(2) length(2) unit(1), then the PDU; length counts unit + PDU.
    while (pending.length >= 7) {
      const frameLength = 6 + pending.readUInt16BE(4);
      if (pending.length < frameLength) break;
      const frame = pending.subarray(0, frameLength);
      pending = pending.subarray(frameLength);
      const unit = frame[6];
      const fn = frame[7];
      const image = images.get(unit);
      if (fn !== 3) {
        answers.push(exception(frame, 1));
        continue;
      }
      const address = frame.readUInt16BE(8);
      const count = frame.readUInt16BE(10);
      if (!image || count < 1 || count > 125 || (address + count) * 2 > image.length) {
        answers.push(exception(frame, image ? 2 : 11));
        continue;
      }
      const out = Buffer.allocUnsafe(9 + count * 2);
      frame.copy(out, 0, 0, 4);
      out.writeUInt16BE(3 + count * 2, 4);
      out[6] = unit;
      out[7] = 3;
      out[8] = count * 2;
      image.copy(out, 9, address * 2, (address + count) * 2);
      answers.push(out);
      served += count;
    }
    if (answers.length > 0) socket.write(answers.length === 1 ? answers[0] : Buffer.concat(answers));
  });
  socket.on('error', () => socket.destroy());
});
server.listen(port, '127.0.0.1', () => process.send?.({ ready: true }));
process.on('message', (m: { count?: boolean }) => {
  if (m.count) process.send?.({ registers: served });
});
process.on('disconnect', () => process.exit(0));
