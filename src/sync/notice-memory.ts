/**
 * The release notices the updater has handled, so one redelivered — a retained MQTT message at every reconnect, the
 * same document at every poll — is not downloaded again. A notice applied (or passed over for good: a version
 * rolled back here) stays settled. A notice whose release was refused for good (a bad signature, not newer...) is
 * looked at again when it comes again later, as the release behind its URL may have been signed again since (the same
 * URL, a higher --sequence): when published anew (an MQTT message not flagged retained: someone published it while the
 * gateway listened) REEXAMINE_PUBLISHED_MS after it was refused, when delivered again otherwise (a retained notice
 * at a reconnect, a poll) REEXAMINE_REDELIVERED_MS after; so a notice replayed in a loop costs at most one download
 * a minute. Until then each repetition is passed over, said once in the log per refusal.
 * Bounded: the MAX_REMEMBERED_NOTICES most recently delivered, each kept under the sha256 of the notice (a constant
 * size however long its URL), so a flood of distinct notices costs at most a few hundred kB; a notice pushed out is
 * only checked again (a download at worst) when it comes back. The refusals are kept across restarts
 * (refused-notices.ts: refused() and restore()), so a retained notice of a tampered release is not downloaded again at
 * every start: at a start it is a notice delivered again.
 */
import { createHash } from 'node:crypto';

/** Notices remembered at most: far more than the models and versions a gateway is offered at once. */
export const MAX_REMEMBERED_NOTICES = 1024;
/** A refused notice published anew is looked at again from this long after it was refused. */
export const REEXAMINE_PUBLISHED_MS = 60_000;
/** A refused notice delivered again (a retained one at a reconnect, a poll) is looked at again from this long after. */
export const REEXAMINE_REDELIVERED_MS = 15 * 60_000;

export interface NoticeIdentity {
  readonly model: string;
  readonly version: string;
  readonly url: string;
  /**
   * The topic it came on, only for a notice refused for coming there (wrong_topic): that verdict holds for that topic
   * alone, so the same notice on its own topic is another notice here (handled).
   */
  readonly topic?: string;
}

/** What handling a notice came to: settled, refused for good (its code), or to be handled again when it comes. */
export type NoticeVerdict = 'settled' | 'again' | { readonly rejected: string };

/** A notice refused for good: the refusal's code and when. */
export interface Rejection {
  readonly code: string;
  readonly at: number;
}

/** A refusal as kept across restarts: the notice's sha256 (base64), the refusal's code, and when. */
export interface KeptRefusal {
  readonly key: string;
  readonly code: string;
  readonly at: number;
}

/** What to do with a notice delivered now: handle it, pass over it silently, or pass over a refused one. */
export type Recall =
  { readonly handle: true } | { readonly handle: false; readonly rejection?: Rejection; readonly tell: boolean };

interface Entry {
  rejection?: Rejection;
  /** Whether a repetition of the refused notice was said in the log. */
  told?: boolean;
}

export class NoticeMemory {
  /** In delivery order, the oldest first. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = MAX_REMEMBERED_NOTICES) {}

  private static key(notice: NoticeIdentity): string {
    return createHash('sha256')
      .update(
        JSON.stringify([
          notice.model,
          notice.version,
          notice.url,
          ...(notice.topic !== undefined ? [notice.topic] : []),
        ]),
      )
      .digest('base64');
  }

  /** How many notices are remembered. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Whether to handle `notice`, delivered at `now` (`published`: published anew, not redelivered). It is remembered
   * from now on either way, as the most recent (the oldest is forgotten past the bound); one to be handled is
   * remembered as settled until settle() says otherwise.
   */
  recall(notice: NoticeIdentity, now: number, published: boolean): Recall {
    const key = NoticeMemory.key(notice);
    const known = this.entries.get(key);
    this.entries.delete(key);
    const entry = known ?? {};
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    if (!known) return { handle: true };
    const { rejection } = entry;
    if (!rejection) return { handle: false, tell: false };
    if (now - rejection.at >= NoticeMemory.wait(published)) {
      delete entry.rejection;
      return { handle: true };
    }
    const tell = !entry.told;
    entry.told = true;
    return { handle: false, rejection, tell };
  }

  /** How long after its refusal a notice is looked at again (`published`: published anew). */
  static wait(published: boolean): number {
    return published ? REEXAMINE_PUBLISHED_MS : REEXAMINE_REDELIVERED_MS;
  }

  /** The notices remembered as refused for good, oldest first (to keep across a restart). */
  refused(): KeptRefusal[] {
    const out: KeptRefusal[] = [];
    for (const [key, { rejection }] of this.entries) if (rejection) out.push({ key, ...rejection });
    return out;
  }

  /**
   * Remembers refusals kept before a restart (oldest first), before any notice is delivered; one dated after `now` (a
   * clock set back) counts from `now`.
   */
  restore(kept: readonly KeptRefusal[], now: number): void {
    for (const { key, code, at } of kept) {
      this.entries.delete(key);
      this.entries.set(key, { rejection: { code, at: Math.min(at, now) } });
      if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    }
  }

  /** Records what handling `notice` came to at `now`: 'again' forgets it (the next delivery is handled again). */
  settle(notice: NoticeIdentity, verdict: NoticeVerdict, now: number): void {
    const key = NoticeMemory.key(notice);
    if (verdict === 'again') this.entries.delete(key);
    else if (verdict !== 'settled' && this.entries.has(key))
      this.entries.set(key, { rejection: { code: verdict.rejected, at: now } });
  }
}

/** Two verdicts on one notice (two assets) as one: 'again' over a refusal, a refusal over 'settled'. */
export function combineVerdicts(a: NoticeVerdict, b: NoticeVerdict): NoticeVerdict {
  if (a === 'again' || b === 'again') return 'again';
  return a === 'settled' ? b : a;
}
