/**
 * InfluxDB line protocol for the gateway's records (pure). Tags are bounded in cardinality:
 * site, line, gateway, asset, channel, source, unit, model, alarm, state. Timestamps in ms precision.
 * docs/influxdb.md is the reference of what each measurement holds.
 *
 * Measurements:
 *   linewatch_sample   tags site,line,gateway,asset,channel,source,quality[,unit]  field value (text for string tags)
 * linewatch_score    tags site,line,gateway,asset,model                    fields
 * score,threshold,anomalous,top_channel,model_version, c_<channel> (share)
 * linewatch_part     tags site,line,gateway,asset,model,verdict           fields
 * part_id,pass,score,threshold,top_channel,cycle_ms,reason
 * linewatch_health   tags site,line,gateway[,source]                      fields counters (…_total), gauges
 * (queue_items, connected, …)
 * linewatch_alarm    tags site,line,gateway,asset,alarm,state,priority     fields
 * previous,cause,by,comment,condition_active,annunciated,score,threshold,top_channels,message[,shelved_until (ms)]
 * linewatch_alarm_journal_gap  tags site,line,gateway,asset,alarm       fields dropped,from_ts,to_ts,recorded_at
 * (ms),message; time: the first dropped transition's (from_ts), so a dashboard marks the span from_ts..to_ts
 */
import { isAnnunciated } from '../../alarms/alarm-event.js';
import type { AlarmJournalGap } from '../../core/components.js';
import type { AlarmEvent, HealthPoint, HeldRows, PartResult, Sample, ScoreResult } from '../../core/types.js';

export interface SeriesTags {
  readonly site: string;
  readonly line: string;
  readonly gateway: string;
}

const escapeKey = (s: string) => s.replace(/[,= \\]/g, (c) => `\\${c}`);
/** A tag value on one line: a line break (no escape exists for it) is written as a backslash and r or n. */
const escapeTagValue = (s: string) => escapeKey(s).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
const escapeMeasurement = (s: string) => s.replace(/[, \\]/g, (c) => `\\${c}`);
/** A quoted string field. A line break would end the point for every reader that splits a body into lines (our
 * own 413 split among them), and text from a PLC or an operator's comment could then write a point of its own:
 * CR and LF are written as a backslash and r or n. */
const escapeString = (s: string) =>
  `"${s
    .replace(/["\\]/g, (c) => `\\${c}`)
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')}"`;

function tagSet(tags: Record<string, string>): string {
  return Object.keys(tags)
    .sort()
    .filter((k) => tags[k] !== '')
    .map((k) => `${escapeKey(k)}=${escapeTagValue(tags[k])}`)
    .join(',');
}

function float(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

/** An integer field (counts, times in ms); none where it is not a finite number. */
function integer(v: number): string {
  return Number.isFinite(v) ? `${Math.round(v)}i` : '';
}

function line(
  measurement: string,
  tags: Record<string, string>,
  fields: Record<string, string>,
  ts: number,
): string | undefined {
  const f = Object.entries(fields)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${escapeKey(k)}=${v}`)
    .join(',');
  if (!f) return undefined;
  return `${escapeMeasurement(measurement)},${tagSet(tags)} ${f} ${Math.round(ts)}`;
}

export function sampleLine(s: Sample, t: SeriesTags): string | undefined {
  return line(
    'linewatch_sample',
    // The unit is the channel's (one per channel): a tag adds no series beyond the channel's own.
    { ...t, asset: s.asset, channel: s.channel, source: s.source, quality: s.quality, unit: s.unit ?? '' },
    s.text !== undefined ? { text: escapeString(s.text) } : { value: float(s.value) },
    s.ts,
  );
}

/**
 * Rows of a window (a score's, a part's) that held a channel's last good reading over a failed read: `held_rows` in
 * all and `h_<channel>` per channel held; none where no row held one.
 */
function addHeldFields(fields: Record<string, string>, held: HeldRows | undefined): void {
  if (held === undefined) return;
  fields.held_rows = integer(held.rows);
  for (const [channel, n] of Object.entries(held.channels)) fields[`h_${channel}`] = integer(n);
}

export function scoreLine(r: ScoreResult, t: SeriesTags): string | undefined {
  const fields: Record<string, string> = {
    score: float(r.score),
    threshold: float(r.threshold),
    anomalous: r.anomalous ? 'true' : 'false',
    top_channel: escapeString(r.contributions[0]?.channel ?? ''),
    model_version: escapeString(r.modelVersion),
  };
  for (const c of r.contributions) fields[`c_${c.channel}`] = float(c.share);
  if (r.partId !== undefined) fields.part_id = escapeString(r.partId);
  addHeldFields(fields, r.held);
  return line('linewatch_score', { ...t, asset: r.asset, model: r.model }, fields, r.ts);
}

export function alarmLine(a: AlarmEvent, t: SeriesTags): string | undefined {
  return line(
    'linewatch_alarm',
    { ...t, asset: a.asset, alarm: a.alarm, state: a.state, priority: a.priority },
    {
      previous: escapeString(a.previous),
      cause: escapeString(a.cause),
      by: escapeString(a.by ?? ''),
      comment: escapeString(a.comment ?? ''),
      condition_active: a.conditionActive ? 'true' : 'false',
      annunciated: isAnnunciated(a.state) ? '1i' : '0i',
      score: float(a.score),
      threshold: float(a.threshold),
      top_channels: escapeString(a.topChannels.join(',')),
      top_kinds: escapeString((a.topKinds ?? []).join(',')),
      message: escapeString(a.message),
      ...(a.shelvedUntil !== undefined ? { shelved_until: integer(a.shelvedUntil) } : {}),
    },
    a.ts,
  );
}

export function healthLine(h: HealthPoint, t: SeriesTags): string | undefined {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(h.fields)) fields[k] = float(v);
  return line('linewatch_health', h.source ? { ...t, source: h.source } : { ...t }, fields, h.ts);
}

export function partLine(p: PartResult, t: SeriesTags): string | undefined {
  const fields: Record<string, string> = {
    part_id: escapeString(p.partId),
    pass: p.verdict === 'pass' ? '1i' : p.verdict === 'fail' ? '0i' : '',
    score: p.score !== undefined ? float(p.score) : '',
    threshold: p.threshold !== undefined ? float(p.threshold) : '',
    top_channel: escapeString(p.topChannels[0] ?? ''),
    cycle_ms: p.cycleMs !== undefined ? float(p.cycleMs) : '',
    reason: escapeString(p.reason ?? ''),
  };
  addHeldFields(fields, p.held);
  return line('linewatch_part', { ...t, asset: p.asset, model: p.model, verdict: p.verdict }, fields, p.ts);
}

/**
 * A gap the alarm journal recorded: the transitions of one alarm it dropped unjournaled. The fields are from_ts and
 * to_ts (the journal table's names), not from and to, which InfluxQL reads as keywords unless quoted.
 */
export function journalGapLine(g: AlarmJournalGap, t: SeriesTags): string | undefined {
  return line(
    'linewatch_alarm_journal_gap',
    { ...t, asset: g.asset, alarm: g.alarm },
    {
      dropped: integer(g.dropped),
      from_ts: integer(g.from),
      to_ts: integer(g.to),
      recorded_at: integer(g.ts),
      message: escapeString(g.message),
    },
    g.from,
  );
}
