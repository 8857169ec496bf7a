/**
 * What the cloud sync publishes (QoS 1, each message with a schema and a stable id so consumers drop duplicates), as
 * messages ready to queue; pure, the connection and the queue are mqtt-sync.ts's:
 *
 *   <prefix>/<gateway>/status          retained birth {state: online, versions, models}, once the models are chosen
 *                                      (announce); goodbye {state: offline, models}; last will {state: offline,
 *                                      startedAt} (no models, no ts: it was set when the sync started, and the models
 *                                      may have changed since; the broker publishes it whenever the connection
 *                                      drops). Each of models (status-models.ts): the model the asset runs, the version
 *                                      driving its alarms, a release on probation (in the goodbye, the model the next
 *                                      start runs where the stop ended a probation); published again at each update
 *                                      outcome but a refusal (applied, confirmed, rolled back)
 *   <prefix>/<gateway>/summary/<asset> per asset, minute and run (its id ends with the run): score
 *                                      min/mean/max/p95, alarm counts and transitions, parts and pass rate
 *   <prefix>/<gateway>/alarm/<asset>   every alarm transition
 *   <prefix>/<gateway>/part/<asset>    every part result
 *   <prefix>/<gateway>/health          the gateway's health points
 *   <prefix>/<gateway>/model/<asset>   model update outcomes (applied, rejected, rolled_back, confirmed)
 *   <prefix>/<gateway>/journal_gap/<asset>  each gap the alarm journal recorded (transitions it dropped unjournaled),
 *                                      whether or not alarms are published: the cloud has no other word of it
 */
import type { QueueInput } from '../buffer/queue.js';
import type { SinkRecords } from '../core/components.js';
import type { MqttSyncConfig } from './schema.js';
import type { StatusModel } from './status-models.js';
import type { MinuteSummary } from './summaries.js';

interface Envelope {
  readonly topic: string;
  readonly message: Record<string, unknown>;
}

/** Where a gateway's messages go and which of them it publishes. */
export interface MessageTarget {
  /** `<topic_prefix>/<gateway>` */
  readonly prefix: string;
  readonly gateway: string;
  readonly config: Pick<MqttSyncConfig, 'publish_alarms' | 'publish_parts' | 'publish_health'>;
}

/**
 * A queued message is stored as `<topic>\n<JSON payload>`, ready to publish: the payload is
 * serialised once, when it is queued. JSON.stringify never emits a raw newline, so the last one
 * separates the two.
 */
function queued(priority: QueueInput['priority'], e: Envelope): QueueInput {
  return { priority, payload: `${e.topic}\n${JSON.stringify(e.message)}` };
}

/** A queued message's topic and payload. */
export function unqueued(payload: string): { topic: string; body: string } {
  const cut = payload.lastIndexOf('\n');
  return { topic: payload.slice(0, cut), body: payload.slice(cut + 1) };
}

/**
 * The messages `records` make, to queue in this order: alarm transitions, parts, model update outcomes, journal gaps,
 * health.
 */
export function recordMessages(records: SinkRecords, { prefix, gateway: gw, config }: MessageTarget): QueueInput[] {
  const items: QueueInput[] = [];
  const add = (priority: QueueInput['priority'], e: Envelope) => items.push(queued(priority, e));
  if (config.publish_alarms)
    for (const a of records.alarms)
      add('alarm', {
        topic: `${prefix}/alarm/${a.asset}`,
        message: {
          schema: 'linewatch.alarm/1',
          id: `${gw}/${a.asset}/${a.alarm}/${a.ts}/${a.state}`,
          gateway: gw,
          ...a,
        },
      });
  if (config.publish_parts)
    for (const p of records.parts ?? [])
      add('part', {
        topic: `${prefix}/part/${p.asset}`,
        message: { schema: 'linewatch.part/1', id: `${gw}/${p.asset}/${p.partId}/${p.ts}`, gateway: gw, ...p },
      });
  for (const m of records.modelUpdates ?? [])
    add('alarm', {
      topic: `${prefix}/model/${String(m.asset)}`,
      message: {
        schema: 'linewatch.model_update/1',
        id: `${gw}/${String(m.asset)}/model/${String(m.ts)}/${String(m.outcome)}`,
        gateway: gw,
        ...m,
      },
    });
  for (const g of records.journalGaps ?? [])
    add('alarm', {
      topic: `${prefix}/journal_gap/${g.asset}`,
      message: {
        schema: 'linewatch.alarm_journal_gap/1',
        id: `${gw}/${g.asset}/${g.alarm}/journal_gap/${g.ts}`,
        gateway: gw,
        ...g,
      },
    });
  if (config.publish_health)
    for (const h of records.health ?? [])
      add('raw', {
        topic: `${prefix}/health`,
        message: { schema: 'linewatch.health/1', id: `${gw}/${h.source ?? 'gateway'}/${h.ts}`, gateway: gw, ...h },
      });
  return items;
}

/** The messages of minute summaries. */
export function summaryMessages(summaries: readonly MinuteSummary[], prefix: string): QueueInput[] {
  return summaries.map((s) => queued('score', { topic: `${prefix}/summary/${s.asset}`, message: { ...s } }));
}

type StatusIdentity = {
  readonly gateway: string;
  readonly site: string;
  readonly line: string;
  readonly version: string;
};

/** What every status message says of the gateway. */
function statusHead({ gateway, site, line, version }: StatusIdentity, state: 'online' | 'offline') {
  return { schema: 'linewatch.status/1', state, gateway, site, line, version };
}

/** The retained status's payload (birth and goodbye): `ts`, when it was published. */
export function statusPayload(
  identity: StatusIdentity,
  state: 'online' | 'offline',
  ts: number,
  models?: readonly StatusModel[],
): string {
  return JSON.stringify({
    ...statusHead(identity, state),
    ...(models ? { models } : {}),
    ts: new Date(ts).toISOString(),
  });
}

/**
 * The last will's payload: offline, with no `models` and no `ts` (it is set when the sync starts and the broker
 * publishes it whenever the connection drops, minutes or days later: a `ts` would give the start as the time it went
 * offline); `startedAt`, when this run's sync started, tells one run's will from another's.
 */
export function willPayload(identity: StatusIdentity, startedAt: number): string {
  return JSON.stringify({ ...statusHead(identity, 'offline'), startedAt: new Date(startedAt).toISOString() });
}
