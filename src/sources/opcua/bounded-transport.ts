/** node-opcua's client transport, bounded by our receive limits whatever the server ACKs (message-bound.ts: why). */
import { ClientTCP_transport, type IClientTransportFactory } from 'node-opcua';
import { isOversize, keptLimits, type ReceiveLimits } from './message-bound.js';

/**
 * Hears of each message the transport refused as over the limits, with node-opcua's words ("max message size exceeded:
 * 65536 : total message size 131072"), and whether the server's ACK had come: before it, the far end answered the HEL
 * with something no OPC UA server sends (an HTTP server's "HTTP/1.1 400" reads as a chunk of 825,110,831 bytes).
 */
export type OnRefused = (detail: string, acked: boolean) => void;

/**
 * A client transport that receives by our limits where the server's ACK gives looser ones, and says when it closes the
 * connection on a message over them (node-opcua's own events say only "connection lost").
 */
class BoundedTransport extends ClientTCP_transport {
  /** Whether the server's ACK came (node-opcua sets the limits from it). */
  private acked = false;

  constructor(
    private readonly ours: ReceiveLimits,
    private readonly onRefused: OnRefused,
  ) {
    super(ours);
  }

  override setLimits(acked: ReceiveLimits): void {
    this.acked = true;
    super.setLimits(keptLimits(acked, this.ours));
  }

  override prematureTerminate(err: Error, statusCode: Parameters<ClientTCP_transport['prematureTerminate']>[1]): void {
    if (isOversize(err.message)) this.onRefused(err.message.trim(), this.acked);
    super.prematureTerminate(err, statusCode);
  }
}

/** The transport factory of a client bounded to `limits` (OPCUAClient's `transportFactory`). */
export function boundedTransportFactory(limits: ReceiveLimits, onRefused: OnRefused): IClientTransportFactory {
  return { create: () => new BoundedTransport(limits, onRefused) };
}
