/**
 * The configured nodes of an OPC UA source that give no values on its subscription, each with why in words: the
 * server has no such node (unknown-nodes.ts) or refused to monitor it, as the subscription's creation said, or its
 * node id could not be resolved for want of such a namespace or browse path; and a node a notification says does not
 * exist (BadNodeIdUnknown, BadNodeIdInvalid): deleted since, or on a server that creates the item and says so in its
 * first notification (OPC UA Part 4 allows both), until a value of it comes that is not bad. Listed in the source's
 * issues; /readyz answers 503 while there are any. Pure.
 */
import { isUnknownNodeStatus } from './unknown-nodes.js';

export class MissingNodes {
  /** What the subscription's creation said, by configured node index. */
  private made = new Map<number, string>();
  /** What notifications said since, by configured node index. */
  private readonly notified = new Map<number, string>();

  /** A new subscription: the nodes its creation said give no values; what notifications said before is forgotten. */
  subscribed(missing: ReadonlyMap<number, string>): void {
    this.made = new Map(missing);
    this.notified.clear();
  }

  /**
   * A notification of node `index` with `status` (undefined: Good) and `bad` its quality: the words (`why`, asked only
   * then) where it newly says the node does not exist; a value not bad ends what an earlier one said.
   */
  heard(index: number, status: string | undefined, bad: boolean, why: () => string): string | undefined {
    if (isUnknownNodeStatus(status)) {
      if (this.notified.has(index)) return undefined;
      const words = why();
      this.notified.set(index, words);
      return words;
    }
    if (!bad && this.notified.size > 0) this.notified.delete(index);
    return undefined;
  }

  /** Each node that gives no values and why, by configured node index, in index order. */
  entries(): [number, string][] {
    const all = new Map([...this.made, ...this.notified]);
    return [...all.entries()].sort(([a], [b]) => a - b);
  }
}
