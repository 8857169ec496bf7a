/**
 * The last release notice refused for each model, as `/api/status` shows it (`releaseRefusals`): when, the version
 * where the notice named one, why (the refusal's own text: the verifier's, the parser's, the bound's; never the
 * notice's payload), and where it came from. A refusal is anything that kept a notice from being applied: a bad
 * signature or hash, a download over its cap, a release not newer or rolled back before, a model no asset here runs,
 * a notice that does not parse, one over cloud.mqtt.max_incoming_bytes. A later release of that model applied clears
 * it. Bounded: notices come from the network, so at most MAX_REFUSALS models are kept, each text cut at
 * MAX_REFUSAL_TEXT characters; beyond that a notice passed over (a model no asset here runs: on a fleet's broker, the
 * other gateways' models) goes first, then the one refused longest ago, so a flood of other models' notices cannot push
 * out the refusal of a model this gateway runs.
 */
import { keepingPaths, redactCredentials } from '../core/redact.js';
import type { ModelUpdateEvent } from './update-outcome.js';

/** Models whose last refusal is kept: far more than a gateway runs; a flood of names pushes out the oldest. */
export const MAX_REFUSALS = 32;
/** Characters of a refusal's reason kept (a model name, version or origin: MAX_REFUSAL_TEXT / 4). */
export const MAX_REFUSAL_TEXT = 512;

export interface ReleaseRefusal {
  /** The model the notice was for: its `model`, or the last level of its topic where it did not parse (none for a
   * polled notice that did not parse: it is kept under `from`). */
  readonly model?: string;
  /** The version it named, where it named one. */
  readonly version?: string;
  /** When it was refused (ms since the epoch). */
  readonly at: number;
  /** Why, as the log says it. */
  readonly reason: string;
  /** Where it came from, for a notice refused before it was read as one: `mqtt <topic>` or the poll URL. */
  readonly from?: string;
  /** A notice for a model no asset here runs: nothing failed, but a release meant for this gateway under a wrong name
   * would land here. */
  readonly passedOver?: true;
}

/** `text` cut to `max` characters, the cut marked with an ellipsis. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The model a notice on `origin` is for, by its topic (`mqtt <prefix>/releases/<model>`); undefined for a poll. */
export function topicModel(origin: string): string | undefined {
  return origin.startsWith('mqtt ') ? origin.slice(origin.lastIndexOf('/') + 1) || undefined : undefined;
}

export class ReleaseRefusals {
  /** By model, the one refused longest ago first. */
  private readonly byModel = new Map<string, ReleaseRefusal>();

  /** Keeps `refusal` as its model's last (credentials out of its texts, each cut to its bound). */
  refused(refusal: ReleaseRefusal): void {
    const short = MAX_REFUSAL_TEXT / 4;
    const kept: ReleaseRefusal = {
      ...(refusal.model !== undefined ? { model: cut(refusal.model, short) } : {}),
      ...(refusal.version !== undefined ? { version: cut(refusal.version, short) } : {}),
      at: refusal.at,
      reason: cut(redactCredentials(refusal.reason), MAX_REFUSAL_TEXT),
      ...(refusal.from !== undefined ? { from: cut(redactCredentials(refusal.from), MAX_REFUSAL_TEXT) } : {}),
      ...(refusal.passedOver ? { passedOver: true as const } : {}),
    };
    const key = kept.model ?? `from ${kept.from ?? ''}`;
    this.byModel.delete(key);
    // The release URL's path stays, as in the log and the outcome: it tells which release was refused.
    this.byModel.set(key, keepingPaths(kept));
    if (this.byModel.size > MAX_REFUSALS) this.byModel.delete(this.oldestToDrop());
  }

  /** The entry to drop when over the bound: the oldest passed-over notice, else the oldest refusal. */
  private oldestToDrop(): string {
    for (const [key, refusal] of this.byModel) if (refusal.passedOver) return key;
    return this.byModel.keys().next().value!;
  }

  /** A model update's outcome: a refusal is kept, a release applied clears its model's. */
  outcome(event: ModelUpdateEvent): void {
    if (event.outcome === 'applied') this.accepted(event.model);
    else if (event.outcome === 'rejected')
      this.refused({ model: event.model, version: event.version, at: event.ts, reason: event.reason ?? 'rejected' });
  }

  /** A release of `model` was applied: its last refusal is over. */
  accepted(model: string): void {
    this.byModel.delete(cut(model, MAX_REFUSAL_TEXT / 4));
  }

  /** Each model's last refusal, the latest first. */
  list(): ReleaseRefusal[] {
    return [...this.byModel.values()].reverse();
  }
}
