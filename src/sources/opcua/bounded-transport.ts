/** node-opcua's client transport, bounded by our receive limits whatever the server ACKs (message-bound.ts: why). */
import { ClientTCP_transport, type IClientTransportFactory } from 'node-opcua';
import { isOversize, keptLimits, type ReceiveLimits } from './message-bound.js';

/**
 * A client transport that receives by our limits where the server's ACK gives looser ones, and says when it closes the
 * connection on a message over them (node-opcua's own events say only "connection lost").
 */
class BoundedTransport extends ClientTCP_transport {
  constructor(
    private readonly ours: ReceiveLimits,
    private readonly onRefused: (detail: string) => void,
  ) {
    super(ours);
  }

  override setLimits(acked: ReceiveLimits): void {
    super.setLimits(keptLimits(acked, this.ours));
  }

  override prematureTerminate(err: Error, statusCode: Parameters<ClientTCP_transport['prematureTerminate']>[1]): void {
    if (isOversize(err.message)) this.onRefused(err.message.trim());
    super.prematureTerminate(err, statusCode);
  }
}

/**
 * The transport factory of a client bounded to `limits` (OPCUAClient's `transportFactory`); `onRefused` hears of each
 * message refused, with node-opcua's words ("max message size exceeded: 65536 : total message size 131072").
 */
export function boundedTransportFactory(
  limits: ReceiveLimits,
  onRefused: (detail: string) => void,
): IClientTransportFactory {
  return { create: () => new BoundedTransport(limits, onRefused) };
}
