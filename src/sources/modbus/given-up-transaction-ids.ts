/**
 * The Modbus TCP transaction ids of requests given up (no answer within timeout_ms) on one connection, kept out of use
 * for a while (pure). modbus-serial counts transaction ids round from 0 to 255 and matches an answer to a request by
 * its id alone (with its unit, function and length): a late answer to a request given up, arriving once its id was
 * taken again by a request of the same unit and size, was taken as that request's answer, its values delivered under
 * other registers (regression). An id given up is skipped until `holdMs` have passed; its late answer then meets the
 * given-up request's settled callback and is discarded.
 */

/** How many transaction ids modbus-serial's TCP port counts round (its MAX_TRANSACTIONS). */
export const TCP_TRANSACTION_IDS = 256;

/** How long an id given up is kept out of use: an answer later than this is taken for a new request's. */
export const GIVEN_UP_ID_HOLD_MS = 60_000;

export class GivenUpTransactionIds {
  /** Each id given up, with when. */
  private readonly givenUp = new Map<number, number>();

  constructor(private readonly holdMs = GIVEN_UP_ID_HOLD_MS) {}

  /** The request with transaction id `id` was given up at `at` (ms). */
  giveUp(id: number, at: number): void {
    this.givenUp.set(id, at);
  }

  /**
   * The id a request sent at `at` should take, `next` being the one the port would give it: the first from `next` on,
   * counting round, that was not given up within holdMs. Where every id was (256 requests given up in holdMs), `next`.
   */
  usable(next: number, at: number): number {
    for (const [id, givenUpAt] of this.givenUp) if (at - givenUpAt >= this.holdMs) this.givenUp.delete(id);
    for (let i = 0; i < TCP_TRANSACTION_IDS; i++) {
      const id = (next + i) % TCP_TRANSACTION_IDS;
      if (!this.givenUp.has(id)) return id;
    }
    return next;
  }

  /** A new connection: the old one's late answers cannot arrive on it. */
  clear(): void {
    this.givenUp.clear();
  }
}
