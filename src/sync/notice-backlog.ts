/**
 * The release notices waiting to be handled (updates run one at a time), bounded: a notice comes from whoever may
 * publish on the releases topic, and behind a release server that does not answer (each file waits up to a minute)
 * every notice published meanwhile would wait in memory. Past the bound a notice is passed over and not remembered,
 * so one delivered again later (a retained notice at a reconnect, the next poll) is handled; said once at the first of
 * an episode and once with the count when none waits any more.
 */
import type { Logger } from '../telemetry/logger.js';
import type { ReleaseNotice } from './release-notice.js';

/** Notices waiting at most, the one being handled included: far more than the models a gateway is offered at once. */
export const MAX_WAITING_NOTICES = 64;

const LOG = { component: 'model-updates' } as const;

export class NoticeBacklog {
  private waiting = 0;
  /** Notices passed over since the bound was reached (0: none since the queue last emptied). */
  private passedOver = 0;

  constructor(
    private readonly logger: Logger,
    private readonly max = MAX_WAITING_NOTICES,
  ) {}

  /** Whether `notice` may wait; if it may, it counts until done() is called for it. */
  take(notice: ReleaseNotice, origin: string): boolean {
    if (this.waiting < this.max) {
      this.waiting++;
      return true;
    }
    if (this.passedOver++ === 0)
      this.logger.warn(
        LOG,
        `release notices: ${this.waiting} are waiting to be handled (a release server slow to answer, or a flood of ` +
          `notices): the notice for ${notice.model} ${notice.version} from ${origin} is passed over, and so is each ` +
          'one more until fewer wait; one delivered again later is handled',
      );
    return false;
  }

  /** A notice taken has been handled. */
  done(): void {
    this.waiting--;
    if (this.waiting > 0 || this.passedOver === 0) return;
    this.logger.info(LOG, `release notices: ${this.passedOver} passed over while ${this.max} waited; none waits now`);
    this.passedOver = 0;
  }
}
