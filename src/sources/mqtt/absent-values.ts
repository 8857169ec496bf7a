/**
 * Tags whose value a topic's messages leave out, missing or null (pure): a historian bridge's missed sample, a typo in
 * a field path. Each (topic, field) is said once when its absence starts, and not again while it lasts, however many
 * messages come without it; an absence that starts again within `quietMs` of the last line for that (topic, field)
 * is only counted, and told with its next line (a field null in every other message is not a line per message).
 * While it lasts, it is an issue for /api/status. At most `maxFields` (topic, field) pairs are followed (a `#` filter
 * lets a publisher name topics without end); beyond them an absence is only counted (by the caller), except the first
 * of each tag: a tag of one topic is always followed (regression: a publisher naming 256 topics under another tag's
 * wildcard left every later absence unsaid and out of /api/status, for good).
 */
import { LogThrottle } from '../../core/log-throttle.js';

/** One (topic, field) pair's absence, and when it was last said. */
interface Followed {
  readonly topic: string;
  readonly field: string;
  /** The tag it is the value of (its place in the source's tags). */
  readonly tag: number;
  /** The absence lasting now: since when, how ("missing", "null"), and in how many messages; undefined: none. */
  lasting?: { readonly since: number; how: string; messages: number };
  /** When an absence's start is said; those in between counted. */
  readonly said: LogThrottle;
}

/** An absence to say now: how many started unsaid since the last line for its (topic, field). */
export interface AbsenceToSay {
  readonly unsaid: number;
}

export class AbsentValues {
  private readonly followed = new Map<string, Followed>();
  /** The tags with a (topic, field) pair followed. */
  private readonly tagsFollowed = new Set<number>();

  constructor(
    private readonly quietMs: number,
    private readonly maxFields = 256,
  ) {}

  /**
   * A message on `topic` at `now` has no value for tag `tag` in `field` (`how`: "missing", "null"): what to say, or
   * undefined where nothing is to be said now.
   */
  absent(topic: string, field: string, tag: number, how: string, now: number): AbsenceToSay | undefined {
    const key = `${topic}\u0000${field}`;
    let f = this.followed.get(key);
    if (f === undefined) {
      if (this.followed.size >= this.maxFields && this.tagsFollowed.has(tag)) return undefined;
      f = { topic, field, tag, said: new LogThrottle(this.quietMs) };
      this.followed.set(key, f);
      this.tagsFollowed.add(tag);
    }
    if (f.lasting) {
      f.lasting.messages++;
      f.lasting.how = how;
      return undefined;
    }
    f.lasting = { since: now, how, messages: 1 };
    const unsaid = f.said.take(now);
    return unsaid === undefined ? undefined : { unsaid };
  }

  /** A message on `topic` holds a value in `field` (good or bad): its absence there, if any, is over. */
  present(topic: string, field: string): void {
    const f = this.followed.get(`${topic}\u0000${field}`);
    if (f) f.lasting = undefined;
  }

  /** The absences lasting now, each with its tag, since when and in how many messages. */
  lasting(): { topic: string; field: string; tag: number; how: string; since: number; messages: number }[] {
    const out = [];
    for (const f of this.followed.values())
      if (f.lasting) out.push({ topic: f.topic, field: f.field, tag: f.tag, ...f.lasting });
    return out;
  }
}
