import { describe, expect, it } from 'vitest';
import { alarmLine, journalGapLine, sampleLine, scoreLine } from '../../../src/sinks/influx/line-protocol.js';
import { anomalyEvent } from '../../../src/testing/alarm-events.js';

const tags = { site: 'plant 1', line: 'l,1', gateway: 'gw=1' };

describe('InfluxDB line protocol', () => {
  it('escapes tag values and writes ms timestamps', () => {
    const line = sampleLine(
      { source: 's', asset: 'pump-1', channel: 'flow', ts: 1700000000123, value: 31.5, quality: 'good' },
      tags,
    );
    expect(line).toBe(
      'linewatch_sample,asset=pump-1,channel=flow,gateway=gw\\=1,line=l\\,1,quality=good,site=plant\\ 1,source=s value=31.5 1700000000123',
    );
  });

  // Regression: the channel's configured unit was not written, so a Grafana panel could not show it.
  it("tags a sample with its channel's unit, escaped, and writes no unit tag where none is configured", () => {
    const at = { source: 's', asset: 'a', channel: 'c', ts: 1, value: 2, quality: 'good' as const };
    expect(sampleLine({ ...at, unit: 'm3 h,=' }, tags)).toBe(
      'linewatch_sample,asset=a,channel=c,gateway=gw\\=1,line=l\\,1,quality=good,site=plant\\ 1,source=s,unit=m3\\ h\\,\\= value=2 1',
    );
    expect(sampleLine({ ...at, unit: '' }, tags)).not.toContain('unit=');
  });

  // A tag value cannot hold a line break: a unit with one (a YAML block scalar keeps its last) ended the point there,
  // and InfluxDB refused every batch with that channel's samples (400, the batch dropped).
  it('writes a line break in a tag value as backslash r or n, so a point stays one line', () => {
    const at = { source: 's', asset: 'a', channel: 'c', ts: 1, value: 2, quality: 'good' as const };
    expect(sampleLine({ ...at, unit: 'm3/h\r\n' }, tags)).toBe(
      'linewatch_sample,asset=a,channel=c,gateway=gw\\=1,line=l\\,1,quality=good,site=plant\\ 1,source=s,unit=m3/h\\r\\n value=2 1',
    );
  });

  it('skips a sample with no finite value instead of writing an invalid line', () => {
    expect(
      sampleLine({ source: 's', asset: 'a', channel: 'c', ts: 1, value: Number.NaN, quality: 'bad' }, tags),
    ).toBeUndefined();
  });

  it('writes scores with per-channel contributions as fields', () => {
    const line = scoreLine(
      {
        asset: 'pump-1',
        model: 'pump-ae',
        modelVersion: '1.0',
        ts: 5,
        score: 2.5,
        threshold: 1,
        anomalous: true,
        contributions: [
          { channel: 'flow', share: 0.75 },
          { channel: 'voltage', share: 0.25 },
        ],
      },
      tags,
    )!;
    expect(line).toContain(
      ' score=2.5,threshold=1,anomalous=true,top_channel="flow",model_version="1.0",c_flow=0.75,c_voltage=0.25 5',
    );
  });

  it("writes each top contributor's kind of term beside its name, in the same order", () => {
    const kinds = { topChannels: ['vibration_2', 'flow'], topKinds: ['residual', 'level'] as const, message: 'm' };
    const line = alarmLine(anomalyEvent('unack_active', { ts: 9, ...kinds }), tags)!;
    expect(line).toContain('top_channels="vibration_2,flow",top_kinds="residual,level",message="m"');
  });

  it('quotes and escapes alarm messages', () => {
    const line = alarmLine(
      {
        asset: 'a',
        alarm: 'anomaly',
        priority: 'high',
        state: 'ack_active',
        previous: 'unack_active',
        cause: 'operator',
        command: 'ack',
        by: 'j. doe',
        ts: 9,
        conditionActive: true,
        score: 3,
        threshold: 1,
        topChannels: ['x'],
        message: 'say "hi" \\ there',
      },
      tags,
    )!;
    expect(line).toContain('message="say \\"hi\\" \\\\ there"');
    expect(line).toContain(',priority=high,site=plant\\ 1,state=ack_active ');
    expect(line).toContain(
      'previous="unack_active",cause="operator",by="j. doe",comment="",condition_active=true,annunciated=1i',
    );
    expect(line).toContain('top_channels="x",top_kinds="",message=');
  });

  it('keeps a text value on its line: a line break in it cannot start a point of its own', () => {
    const hostile = 'ok"\nlinewatch_score,asset=a score=99 1\r\nx';
    const line = sampleLine(
      { source: 's', asset: 'a', channel: 'label', ts: 5, value: Number.NaN, text: hostile, quality: 'good' },
      tags,
    )!;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('text="ok\\"\\nlinewatch_score,asset=a score=99 1\\r\\nx" 5');
  });

  it("writes a shelve's end as an integer field, and nothing for other states", () => {
    const shelved = alarmLine(anomalyEvent('shelved', { ts: 5, shelvedUntil: 3_600_005 }), tags)!;
    expect(shelved).toContain(',shelved_until=3600005i ');
    expect(alarmLine(anomalyEvent('unack_active', { ts: 5 }), tags)).not.toContain('shelved_until');
  });

  it("writes a journal gap as its own measurement, at its first dropped transition's time, escaped as alarms are", () => {
    const gap = {
      asset: 'press 1',
      alarm: 'a,b=c',
      dropped: 4,
      from: 1_700_000_000_100,
      to: 1_700_000_000_900,
      ts: 1_700_000_005_000,
      message: '4 transition(s) "dropped"\nlinewatch_alarm,asset=x state="normal" 1',
    };
    const line = journalGapLine(gap, tags)!;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe(
      'linewatch_alarm_journal_gap,alarm=a\\,b\\=c,asset=press\\ 1,gateway=gw\\=1,line=l\\,1,site=plant\\ 1 ' +
        'dropped=4i,from_ts=1700000000100i,to_ts=1700000000900i,recorded_at=1700000005000i,' +
        'message="4 transition(s) \\"dropped\\"\\nlinewatch_alarm,asset=x state=\\"normal\\" 1" 1700000000100',
    );
  });
});
