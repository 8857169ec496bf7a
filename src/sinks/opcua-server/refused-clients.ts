/**
 * What the OPC UA server said of the client certificates it refused, bounded: a SCADA client retries every few seconds
 * with the same certificate, so each certificate (its SHA-256 fingerprint, and why it was refused) is said once; the
 * last MAX_REMEMBERED are remembered (one forgotten is said again at its next refusal). A client presenting a new
 * certificate at each connection gets at most LINES_PER_MINUTE lines a minute; those not said are counted and the
 * count told with the next line. /api/status shows the last MAX_SHOWN said.
 */
import type { SinkRefusedClients } from '../../core/components.js';
import type { RefusedClient } from './refused-client.js';

/** Certificates remembered as said. */
export const MAX_REMEMBERED = 1000;
/** Refusals shown in /api/status, the newest last. */
export const MAX_SHOWN = 10;
/** Lines said a minute at most (new certificates past it are counted). */
export const LINES_PER_MINUTE = 10;

export class RefusedClients {
  /** Certificates (and causes) whose line was written. */
  private readonly said = new Map<string, true>();
  /** Certificates (and causes) counted, said or not: one past a minute's lines is said at a later refusal. */
  private readonly counted = new Map<string, true>();
  private readonly recent: RefusedClient[] = [];
  private certificates = 0;
  private minuteFrom = Number.NEGATIVE_INFINITY;
  private linesThisMinute = 0;
  private unsaid = 0;

  /**
   * Whether to say this refusal: undefined where its certificate was said already for the same cause, or past this
   * minute's lines (then said at a later refusal: a client that floods new certificates does not keep another's out of
   * the log); else how many new certificates went unsaid since the last line.
   */
  take(refused: RefusedClient): number | undefined {
    const key = `${refused.cause} ${refused.sha256}`;
    if (this.said.has(key)) return undefined;
    const isNew = !this.counted.has(key);
    if (isNew) {
      remember(this.counted, key);
      this.certificates++;
    }
    if (refused.at - this.minuteFrom >= 60_000) {
      this.minuteFrom = refused.at;
      this.linesThisMinute = 0;
    }
    if (this.linesThisMinute >= LINES_PER_MINUTE) {
      if (isNew) this.unsaid++;
      return undefined;
    }
    remember(this.said, key);
    this.linesThisMinute++;
    this.recent.push(refused);
    if (this.recent.length > MAX_SHOWN) this.recent.shift();
    const unsaid = this.unsaid;
    this.unsaid = 0;
    return unsaid;
  }

  /** For /api/status; undefined while none was refused. */
  status(): SinkRefusedClients | undefined {
    return this.certificates === 0 ? undefined : { certificates: this.certificates, recent: [...this.recent] };
  }
}

/** Adds `key`, forgetting the oldest past MAX_REMEMBERED. */
function remember(keys: Map<string, true>, key: string): void {
  keys.set(key, true);
  if (keys.size > MAX_REMEMBERED) keys.delete(keys.keys().next().value!);
}
