/**
 * A remote configuration on probation: once it starts, the sources it shares (by name) with the configuration before
 * it, and that gave a good sample under that one, must each give a good sample within the probation
 * (cloud.remote_config.probation_s, or probationSeconds' default); where one does not, the configuration is rolled
 * back. Every such source, not one of them: a configuration that moves one machine's address wrongly leaves that
 * machine unwatched while the others answer. A source the configuration before never reached (a machine off, a new
 * source) is not judged: its silence says nothing of the new configuration. Sources are matched by name; where some
 * gave good samples before and the new configuration no longer names them (renamed, and perhaps moved; or removed),
 * its other sources stand in for them (`anyOf`): as many of those as it no longer names must give a good sample, or it
 * is rolled back. A rename that kept one good source's name was judged on that one alone, and one that renamed every
 * source on one good sample of any.
 */
import type { Config } from '../config/schema.js';
import type { Subscribable } from '../core/event-bus.js';
import type { GatewayTopics } from '../runtime/gateway.js';

/** The probation's bounds, in seconds, and the time a source gets to connect on top of its intervals. */
export const MIN_PROBATION_S = 30;
export const MAX_PROBATION_S = 600;
const CONNECT_ROOM_S = 30;
/** How many of its slowest interval a source gets to give a sample. */
const INTERVALS = 3;

/** The slowest interval, in ms, at which a source of `config` gives samples (poll, publishing or publish interval). */
function slowestIntervalMs(config: Config): number {
  let slowest = 0;
  for (const source of config.sources as readonly Record<string, unknown>[]) {
    const devices = Array.isArray(source.devices) ? (source.devices as Record<string, unknown>[]) : [];
    for (const where of [source, ...devices])
      for (const key of ['poll_interval_ms', 'publishing_interval_ms', 'publish_interval_ms'])
        if (typeof where[key] === 'number') slowest = Math.max(slowest, where[key]);
  }
  return slowest;
}

/**
 * The default probation of `config`, in seconds: 30 s for its sources to connect plus three of its slowest source
 * interval, within 30 to 600 s.
 */
export function probationSeconds(config: Config): number {
  const seconds = CONNECT_ROOM_S + (INTERVALS * slowestIntervalMs(config)) / 1000;
  return Math.min(MAX_PROBATION_S, Math.max(MIN_PROBATION_S, Math.ceil(seconds)));
}

/** The names of the sources that gave a good sample on `events` since it was made (a gateway's, from its start). */
export class GoodSources {
  readonly names = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(events: Subscribable<GatewayTopics>) {
    this.unsubscribe = events.subscribe('samples', (batch) => {
      for (const sample of batch) if (sample.quality === 'good') this.names.add(sample.source);
    });
  }

  stop(): void {
    this.unsubscribe();
  }
}

/** The sources a new configuration is judged on: those of `next` that gave a good sample under the one before. */
export function judgedSources(next: Config, goodBefore: ReadonlySet<string>): string[] {
  return next.sources.map((s) => s.name).filter((name) => goodBefore.has(name));
}

/**
 * What a new configuration is judged on (see the top): `judged`, its sources that gave a good sample under the one
 * before, each; and where it no longer names some that did (`replaces`: renamed, moved or removed), its other sources
 * (`anyOf`), as many of them as it replaces at least (all of them where it has fewer; one where a mark written before
 * `replaces` came has none).
 */
export interface ProbationRule {
  readonly judged: string[];
  readonly anyOf?: string[];
  readonly replaces?: string[];
}

/** Pure: the rule `next` is judged by, where the sources in `goodBefore` gave good samples under the one before. */
export function probationRule(next: Config, goodBefore: ReadonlySet<string>): ProbationRule {
  const judged = judgedSources(next, goodBefore);
  const own = next.sources.map((s) => s.name);
  const replaces = [...goodBefore].filter((name) => !own.includes(name));
  const anyOf = own.filter((name) => !judged.includes(name));
  return replaces.length > 0 && anyOf.length > 0 ? { judged, anyOf, replaces } : { judged };
}

/** How many of `rule.anyOf` must give a good sample. */
function needed(rule: ProbationRule): number {
  return rule.anyOf ? Math.min(rule.replaces?.length ?? 1, rule.anyOf.length) : 0;
}

/** What a probation is waiting for: the judged sources without a good sample yet. */
export function waitingFor(judged: readonly string[], good: ReadonlySet<string>): string[] {
  return judged.filter((name) => !good.has(name));
}

/** The sources of `rule.anyOf` that gave a good sample. */
export function goodOfAnyOf(rule: ProbationRule, good: ReadonlySet<string>): string[] {
  return (rule.anyOf ?? []).filter((name) => good.has(name));
}

/** Pure: whether a probation under `rule` has what it waits for, `good` the sources that gave a good sample. */
export function probationPassed(rule: ProbationRule, good: ReadonlySet<string>): boolean {
  return waitingFor(rule.judged, good).length === 0 && goodOfAnyOf(rule, good).length >= needed(rule);
}

/** The sources `rule.anyOf` stands in for, in words. */
function inPlaceOf(rule: ProbationRule): string {
  return `in place of ${rule.replaces ? rule.replaces.join(', ') : 'sources'} it does not name, which gave good samples under the configuration before (renamed, moved or removed: sources are judged by name)`;
}

/** What a probation under `rule` is judged on, in words (logs and outcomes). */
export function judgedOn(rule: ProbationRule): string {
  const each = rule.judged.length ? rule.judged.join(', ') : 'no source';
  if (!rule.anyOf) return each;
  const some = `${needed(rule).toString()} of ${rule.anyOf.join(', ')} at least, ${inPlaceOf(rule)}`;
  return rule.judged.length ? `${each}, each, and ${some}` : some;
}

/**
 * Why a probation failed: each judged source without a good sample, and where too few of `anyOf` gave one, each of
 * those that did not; each with the last error its status gives (or that it gave no sample, where it connected).
 */
export function probationFailure(
  rule: ProbationRule,
  good: ReadonlySet<string>,
  sources: readonly { readonly name: string; readonly connected: boolean; readonly lastError?: string }[],
  seconds: number,
): string {
  const each = (names: readonly string[]) =>
    names
      .map((name) => {
        const status = sources.find((s) => s.name === name);
        const why = status?.lastError ?? (status?.connected ? 'connected, no good sample' : 'not connected');
        return `${name} (${why})`;
      })
      .join(', ');
  const within = `within its ${seconds.toString()} s probation`;
  const parts: string[] = [];
  const waiting = waitingFor(rule.judged, good);
  if (waiting.length > 0)
    parts.push(
      `no good sample ${within} from ${each(waiting)}, which gave good samples under the configuration before`,
    );
  const got = goodOfAnyOf(rule, good);
  if (rule.anyOf && got.length < needed(rule))
    parts.push(
      `${parts.length ? '' : `${within}, `}${got.length.toString()} of ${rule.anyOf.join(', ')} gave good samples where ${needed(rule).toString()} must, ${inPlaceOf(rule)}: no good sample from ${each(rule.anyOf.filter((name) => !good.has(name)))}`,
    );
  return parts.join('; ');
}
