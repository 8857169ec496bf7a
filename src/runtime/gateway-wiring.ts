/**
 * The gateway's event bus: its topics, and what the gateway subscribes to them at start. Sources
 * publish samples; asset pipelines publish scores, part verdicts and alarm transitions; the model
 * updater publishes model updates; the gateway's health timer publishes health points. A bus calls
 * its subscribers in the order they subscribed, and `wireGateway` subscribes in this order, so on
 * each topic what is logged is logged first, stored (journaled) next and acted on last:
 *
 *   samples  asset pipelines, sinks
 *   scores   debug log, sinks
 *   parts    log of the parts that did not pass, sinks, part actions
 *   alarm    log, sinks, alarm actions (once the journal has the transition on disk)
 *   model    sinks
 *   journalGap  sinks (InfluxDB, the cloud; the local store, which recorded it, takes no notice)
 *
 * A sink that journals alarms (the local store) commits the transitions of one turn of the event loop
 * together, after the publish: the alarm actions dispatch a transition once its commit is on disk,
 * or has failed (a full disk does not keep a stack light dark). Without such a sink they dispatch at
 * once.
 *
 * Health points are not stored through the bus: the gateway writes them to each sink that wants them
 * at that sink's own interval (health-schedule.ts), and publishes each collection on `health` for
 * whoever listens.
 *
 * Whoever subscribes through `gateway.events` once the gateway runs (the API's event streams, the
 * console of `linewatch demo`, the soak counts) comes after these.
 */
import type { AlarmAction } from '../actions/alarm-action.js';
import type { AlarmJournalGap, Sink } from '../core/components.js';
import type { Subscribable } from '../core/event-bus.js';
import {
  isRaise,
  type AlarmEvent,
  type HealthPoint,
  type PartResult,
  type Sample,
  type ScoreResult,
} from '../core/types.js';
import type { ModelUpdateEvent } from '../sync/update-outcome.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import type { AssetPipeline } from './asset-pipeline.js';
import { alarmJournal } from './journal-answer.js';

export interface GatewayTopics {
  /** One batch of samples from one source. */
  samples: readonly Sample[];
  /** One asset's scoring run: its windows' results, in order. */
  scores: readonly ScoreResult[];
  /** Verdicts of one asset's parts (pass, fail, or unknown with the reason). */
  parts: readonly PartResult[];
  /** One alarm transition, from the model's scores or an operator's command. */
  alarm: AlarmEvent;
  /** One model update's outcome (applied, rejected, rolled back, confirmed). */
  model: ModelUpdateEvent;
  /** One alarm's gap the journal recorded once it could write again (transitions it had dropped unjournaled). */
  journalGap: AlarmJournalGap;
  /** The gateway's periodic health points (each sink is written its own at its own interval, not from here). */
  health: readonly HealthPoint[];
}

/** What the gateway has built from its configuration, to be wired. */
export interface GatewayComponents {
  readonly pipelines: readonly AssetPipeline[];
  readonly sinks: readonly Sink[];
  readonly actions: readonly AlarmAction[];
  readonly partActions: readonly AlarmAction[];
  readonly logger: Logger;
  /** false: alarm transitions are not logged (the demo prints each one itself). */
  readonly logAlarms?: boolean;
  /** Hears of an error an alarm action's dispatch throws after the journal settled (the bus's own `onError`). */
  readonly onError: (topic: keyof GatewayTopics, error: unknown) => void;
}

/** Subscribes the gateway's components to the bus, in the order above; returns what unsubscribes them all. */
export function wireGateway(bus: Subscribable<GatewayTopics>, c: GatewayComponents): () => void {
  const { logger } = c;
  const journal = alarmJournal(c.sinks);
  const subscriptions = [
    ...c.pipelines.map((p) => bus.subscribe('samples', (batch) => p.push(batch))),
    bus.subscribe('scores', (scores) => logScores(logger, scores)),
    bus.subscribe('parts', (parts) => logParts(logger, parts)),
    ...(c.logAlarms === false ? [] : [bus.subscribe('alarm', (event) => logAlarm(logger, event))]),
    ...c.sinks.flatMap((sink) => storeIn(bus, sink)),
    ...c.actions.map((action) =>
      bus.subscribe('alarm', (event) => {
        if (event.asset !== action.asset) return;
        if (!journal) return action.dispatch(event);
        const dispatch = () => action.dispatch(event);
        journal.journaled!()
          .then(dispatch, dispatch)
          .catch((err: unknown) => c.onError('alarm', err));
      }),
    ),
    // Each action has its own queue: the order between actions does not matter, within one the parts keep theirs.
    ...c.partActions.map((action) =>
      bus.subscribe('parts', (parts) => {
        // A part the counter skipped left the station unseen: no device write for it (PartResult.missed).
        for (const p of parts)
          if (p.asset === action.asset && !(p.missed && action.writesToDevice)) action.dispatchPart(p);
      }),
    ),
  ];
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe();
  };
}

/**
 * The bus's `onError`: a subscriber's error is counted every time and logged with its topic, once
 * while it repeats (a subscriber that fails on every score would flood the log otherwise).
 */
export function subscriberErrorReporter(deps: {
  logger: Logger;
  metrics: GatewayMetrics;
}): (topic: keyof GatewayTopics, error: unknown) => void {
  const lastLogged = new Map<string, string>();
  return (topic, error) => {
    deps.metrics.eventSubscriberErrors.inc({ topic });
    const message = error instanceof Error ? error.message : String(error);
    if (lastLogged.get(topic) === message) return;
    lastLogged.set(topic, message);
    deps.logger.error(
      { component: 'events', topic, ...(error instanceof Error ? { stack: error.stack } : {}) },
      `a subscriber to ${topic} failed: ${message} (the other subscribers ran)`,
    );
  };
}

/** A sink's subscriptions: every topic it stores, one write per publish. */
function storeIn(bus: Subscribable<GatewayTopics>, sink: Sink): (() => void)[] {
  return [
    bus.subscribe('samples', (samples) => sink.write({ samples, scores: [], alarms: [] })),
    bus.subscribe('scores', (scores) => sink.write({ samples: [], scores, alarms: [] })),
    bus.subscribe('parts', (parts) => sink.write({ samples: [], scores: [], alarms: [], parts })),
    bus.subscribe('alarm', (event) => sink.write({ samples: [], scores: [], alarms: [event] })),
    bus.subscribe('model', (event) =>
      sink.write({ samples: [], scores: [], alarms: [], modelUpdates: [{ ...event }] }),
    ),
    bus.subscribe('journalGap', (gap) => sink.write({ samples: [], scores: [], alarms: [], journalGaps: [gap] })),
  ];
}

function logScores(logger: Logger, scores: readonly ScoreResult[]): void {
  const last = scores[scores.length - 1];
  logger.debug(
    { asset: last.asset, windows: scores.length, score: last.score, threshold: last.threshold },
    'windows scored',
  );
}

function logParts(logger: Logger, parts: readonly PartResult[]): void {
  for (const p of parts)
    if (p.verdict !== 'pass')
      logger.info(
        { asset: p.asset, part: p.partId, verdict: p.verdict, score: p.score, top: p.topChannels, reason: p.reason },
        `${p.asset}: part ${p.partId} ${p.verdict}${p.reason ? `: ${p.reason}` : ''}`,
      );
}

function logAlarm(logger: Logger, event: AlarmEvent): void {
  const log = isRaise(event) ? logger.warn : logger.info;
  log.call(
    logger,
    {
      asset: event.asset,
      alarm: event.alarm,
      priority: event.priority,
      state: event.state,
      previous: event.previous,
      cause: event.cause,
      by: event.by,
      score: event.score,
      top: event.topChannels,
    },
    event.message,
  );
}
