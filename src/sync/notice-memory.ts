/**
 * The release notices the updater has settled (applied, or refused for good), so one
 * redelivered — a retained MQTT message at every reconnect, the same document at every poll —
 * is not downloaded again. Bounded: the MAX_REMEMBERED_NOTICES most recently delivered, each
 * kept as the sha256 of the notice (a constant size however long its URL), so a flood of
 * distinct notices costs at most a few hundred kB; a notice pushed out is only checked again
 * (a download at worst) when it comes back.
 */
import { createHash } from 'node:crypto';

/** Notices remembered at most: far more than the models and versions a gateway is offered at once. */
export const MAX_REMEMBERED_NOTICES = 1024;

export interface NoticeIdentity {
  readonly model: string;
  readonly version: string;
  readonly url: string;
}

export class NoticeMemory {
  /** In delivery order, the oldest first. */
  private readonly keys = new Set<string>();

  constructor(private readonly max = MAX_REMEMBERED_NOTICES) {}

  private static key(notice: NoticeIdentity): string {
    return createHash('sha256')
      .update(JSON.stringify([notice.model, notice.version, notice.url]))
      .digest('base64');
  }

  /** How many notices are remembered. */
  get size(): number {
    return this.keys.size;
  }

  /**
   * Whether `notice` was remembered already; it is remembered from now on either way, as the
   * most recent (the oldest is forgotten past the bound).
   */
  seen(notice: NoticeIdentity): boolean {
    const key = NoticeMemory.key(notice);
    const known = this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value!);
    return known;
  }

  /** Forgets `notice`: the next delivery is handled again (after a failure that may pass). */
  forget(notice: NoticeIdentity): void {
    this.keys.delete(NoticeMemory.key(notice));
  }
}
