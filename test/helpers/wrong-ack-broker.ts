/**
 * A broker that answers a client's first QoS 1 publish with an acknowledgement of the wrong type (a fault injection: a
 * SUBACK for the publish's packet id, which mqtt.js reports as an 'error' and keeps the connection), acknowledges the
 * rest (PUBACK), and drops its connections when told. A small raw MQTT 5 server (the cloud sync's default) on
 * 127.0.0.1, built on mqtt-packet.
 */
import { EventEmitter, once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

export interface WrongAckBroker {
  readonly url: string;
  /** Resolves once the wrong acknowledgement was written. */
  readonly wrongAcked: Promise<void>;
  /** Resolves once `n` CONNECTs were accepted (CONNACK 0). */
  connects(n: number): Promise<void>;
  /** Closes every connection now from the broker's side, plainly (FIN, no error at the client), as a broker that shuts
   * down does. */
  drop(): void;
  close(): Promise<void>;
}

export async function startWrongAckBroker(): Promise<WrongAckBroker> {
  const sockets = new Set<Socket>();
  const events = new EventEmitter();
  let accepted = 0;
  let wrongAckSent = false;
  let wrongAcked: () => void = () => undefined;
  const wrongAckedPromise = new Promise<void>((resolve) => (wrongAcked = resolve));

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    const send = (packet: mqttPacket.Packet) => socket.write(mqttPacket.generate(packet, { protocolVersion: 5 }));
    parser.on('packet', (p) => {
      if (p.cmd === 'connect') {
        send({ cmd: 'connack', returnCode: 0, reasonCode: 0, sessionPresent: false });
        accepted++;
        events.emit('connect');
      } else if (p.cmd === 'publish' && p.qos === 1) {
        if (wrongAckSent) return void send({ cmd: 'puback', messageId: p.messageId });
        wrongAckSent = true;
        send({ cmd: 'suback', messageId: p.messageId!, granted: [0] });
        wrongAcked();
      } else if (p.cmd === 'disconnect') socket.end();
    });
    socket.on('data', (data) => parser.parse(data));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`,
    wrongAcked: wrongAckedPromise,
    async connects(n) {
      while (accepted < n) await once(events, 'connect');
    },
    drop() {
      for (const s of sockets) s.end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
