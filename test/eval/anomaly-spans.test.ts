/**
 * The spans of `eval --anomaly` (anomaly-spans.ts) matched to a file's times as its time column reads them: both
 * ends included, dates with an offset against Unix times, dates without one against local-time files only.
 */
import { describe, expect, it } from 'vitest';
import { parseAnomalySpans, spanLabels, spansByFile, type SpanFile } from '../../src/eval/anomaly-spans.js';

const T0 = Date.parse('2026-12-06T08:00:00Z');
const seconds = (n: number, from = T0) => Float64Array.from({ length: n }, (_, i) => from + i * 1000);

describe('anomaly spans', () => {
  it('labels the rows from the start to the end, both included, in the units of each kind of time column', () => {
    const [span] = parseAnomalySpans(['2026-12-06T09:00:02+01:00/2026-12-06T08:00:04Z']);
    const zoned: SpanFile = { name: 'a.csv', times: seconds(8), kind: 'zoned' };
    expect([...spanLabels(zoned, [span])]).toEqual([0, 0, 1, 1, 1, 0, 0, 0]);
    // Unix s under a time's name, read as ms: the same instants.
    const unix: SpanFile = { name: 'b.csv', times: seconds(8), kind: 'number', unixToMs: 1000 };
    expect([...spanLabels(unix, [span])]).toEqual([0, 0, 1, 1, 1, 0, 0, 0]);
    const [plain] = parseAnomalySpans([`${(T0 + 5000) / 1000}/${(T0 + 6000) / 1000}`]);
    expect([...spanLabels(unix, [plain])]).toEqual([0, 0, 0, 0, 0, 1, 1, 0]);
    // A file of local times (no offset) takes a span without one, not one with it.
    const local: SpanFile = { name: 'c.csv', times: seconds(8), kind: 'local' };
    const [clock] = parseAnomalySpans(['2026-12-06 08:00:06/2026-12-06 08:00:09']);
    expect([...spanLabels(local, [clock])]).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    expect(() => spansByFile([span], [local])).toThrow(
      "--anomaly 2026-12-06T09:00:02+01:00/2026-12-06T08:00:04Z: no row of c.csv lies in it; its times are dates with their offset or Z, c.csv's are dates without an offset (local time): write them as the file's time column does",
    );
  });

  it('gives each file the spans with rows in it, and refuses a span between two rows', () => {
    const files: SpanFile[] = [
      { name: 'mon.csv', times: seconds(10), kind: 'zoned' },
      { name: 'tue.csv', times: seconds(10, T0 + 10_000), kind: 'zoned' },
    ];
    const spans = parseAnomalySpans([
      '2026-12-06T08:00:08Z/2026-12-06T08:00:11Z',
      '2026-12-06T08:00:15Z/2026-12-06T08:00:15Z',
    ]);
    const byFile = spansByFile(spans, files);
    expect(byFile.get('mon.csv')!.map((s) => s.text)).toEqual([spans[0].text]);
    expect(byFile.get('tue.csv')!.map((s) => s.text)).toEqual(spans.map((s) => s.text));
    const between = parseAnomalySpans(['2026-12-06T08:00:03.2Z/2026-12-06T08:00:03.8Z']);
    expect(() => spansByFile(between, files.slice(0, 1))).toThrow(
      '--anomaly 2026-12-06T08:00:03.2Z/2026-12-06T08:00:03.8Z: no row of mon.csv lies in it (mon.csv runs from 2026-12-06T08:00:00.000Z to 2026-12-06T08:00:09.000Z)',
    );
  });

  it('refuses spans that cannot be read or overlap, naming the span', () => {
    expect(() => parseAnomalySpans(['2026-12-06T08:00:00Z'])).toThrow(
      '--anomaly 2026-12-06T08:00:00Z: expected FROM/TO, a start and an end time separated by "/"',
    );
    const overlap = (a: string, b: string) =>
      `--anomaly ${a} and --anomaly ${b} overlap: a stretch of time lies in both (two faults at once, or one given twice); give one span from the first start to the last end, or spans that touch (one's end the next one's start)`;
    expect(() => parseAnomalySpans(['5/10', '9/12'])).toThrow(overlap('5/10', '9/12'));
    expect(() => parseAnomalySpans(['10/12', '4/6', '5/10'])).toThrow(overlap('4/6', '5/10'));
    expect(() => parseAnomalySpans(['5/10', '5/10'])).toThrow(overlap('5/10', '5/10'));
    expect(() => parseAnomalySpans(['6/8', '5/10'])).toThrow(overlap('5/10', '6/8'));
    // An instant at another span's end or start is inside it, no fault of its own.
    expect(() => parseAnomalySpans(['5/10', '10/10'])).toThrow(overlap('5/10', '10/10'));
    expect(() => parseAnomalySpans(['5/10', '5/5'])).toThrow(overlap('5/5', '5/10'));
    expect(() => parseAnomalySpans(['5/10', '2026-13-06T08:00:00Z/2026-12-06T08:00:01Z'])).toThrow(
      '--anomaly 2026-13-06T08:00:00Z/2026-12-06T08:00:01Z (#2 of 2): "2026-13-06T08:00:00Z" is not a time',
    );
    expect(() => parseAnomalySpans(['10/2026-12-06T08:00:01Z'])).toThrow(
      '--anomaly 10/2026-12-06T08:00:01Z: its start is written as plain numbers, its end as dates with their offset or Z',
    );
  });
});

describe('anomaly spans over local times that come twice', () => {
  // A local-time export across the autumn clock change: 02:00-02:59 comes twice, an hour apart in rows.
  const base = Date.parse('2026-10-25T01:50:00Z'); // local times read as written, in ms
  const times = Float64Array.from([
    ...Array.from({ length: 70 }, (_, i) => base + i * 60_000), // 01:50 .. 02:59
    ...Array.from({ length: 30 }, (_, i) => base + (10 + i) * 60_000), // 02:00 .. 02:29 again
  ]);
  const file: SpanFile = { name: 'local.csv', times, kind: 'local' };

  it('refuses a span whose rows are not one run, naming them, where it would label two hours', () => {
    const spans = parseAnomalySpans(['2026-10-25T02:10:00/2026-10-25T02:20:00']);
    expect(() => spansByFile(spans, [file])).toThrow(
      '--anomaly 2026-10-25T02:10:00/2026-10-25T02:20:00: the rows of local.csv in it are not one run (rows 21-31 and 81-91): its times come twice there (local times stepping back, as at a daylight-saving change), so the span cannot say which; label those rows with an anomaly column',
    );
  });

  it('takes a span outside the hour that comes twice', () => {
    const spans = parseAnomalySpans(['2026-10-25T02:40:00/2026-10-25T02:50:00']);
    const labels = spanLabels(file, spansByFile(spans, [file]).get('local.csv')!);
    expect(labels.reduce((a, b) => a + b, 0)).toBe(11);
    expect(labels[50]).toBe(1);
    expect(labels[60]).toBe(1);
  });

  // Regression: --anomaly A/B --anomaly B/C (a fault ending as the next begins) was refused as overlapping.
  it('takes spans that touch, the row at the shared time anomalous once, and a span of one instant on its own', () => {
    const spans = parseAnomalySpans([
      '2026-12-06T08:00:04Z/2026-12-06T08:00:06Z',
      '2026-12-06T08:00:02Z/2026-12-06T08:00:04Z',
      '2026-12-06T08:00:06Z/2026-12-06T08:00:06.5Z',
      '2026-12-06T08:00:08Z/2026-12-06T08:00:08Z',
    ]);
    const file: SpanFile = { name: 'log.csv', times: seconds(10), kind: 'zoned' };
    expect(spansByFile(spans, [file]).get('log.csv')).toHaveLength(4);
    // Rows at 08:00:04 and 08:00:06 lie in two spans each: 1, as every row in one.
    expect([...spanLabels(file, spans)]).toEqual([0, 0, 1, 1, 1, 1, 1, 0, 1, 0]);
    expect([...parseAnomalySpans(['0/3', '3/5', '5/9']).map((s) => [s.from, s.to])]).toEqual([
      [0, 3],
      [3, 5],
      [5, 9],
    ]);
  });
});
