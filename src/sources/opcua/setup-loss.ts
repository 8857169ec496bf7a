/**
 * A connection lost while the source sets up its subscription on it (node ids resolved, subscription and monitored
 * items created), before it counts itself connected. node-opcua fails some requests at once when the channel closes,
 * but never answers others (the monitored items of a group, created on a closed channel, never say they are
 * initialized): the source waited for ever, or for stale_after_ms once it thought itself subscribed on a dead
 * connection. Each setup step is raced against the loss, and a loss heard after the last step resolved still fails
 * the setup; once the source is connected, losses go to its own handler.
 */

/** The loss of a connection, in the words of client-adapter.ts ("connection lost", a message refused at the bound). */
export class ConnectionLost extends Error {}

export class SetupLoss {
  private reason: string | undefined;
  private fail: ((err: ConnectionLost) => void) | undefined;
  private readonly lost = new Promise<never>((_, reject) => (this.fail = reject));
  private live: ((reason: string) => void) | undefined;

  constructor() {
    this.lost.catch(() => undefined); // raced by `until`; a loss with no step under way is not an unhandled rejection
  }

  /** The connection was lost (OpcuaConnection.onLost): the setup fails, or once connected, `live` hears of it. */
  heard(reason: string): void {
    if (this.live) return this.live(reason);
    this.reason ??= reason;
    this.fail?.(new ConnectionLost(reason));
  }

  /** `step`'s result, or a ConnectionLost if the connection is lost first. */
  until<T>(step: Promise<T>): Promise<T> {
    return Promise.race([step, this.lost]);
  }

  /** The setup is done: throws the loss heard meanwhile, if any; later losses go to `live`. */
  connected(live: (reason: string) => void): void {
    if (this.reason !== undefined) throw new ConnectionLost(this.reason);
    this.live = live;
  }
}
