/**
 * The benchmark harness: each benchmark measures a candidate side by side with the baseline it
 * must beat, in one run, alternating rounds so machine drift hits both alike, and reports the
 * ratio. Printed as a table, or as one JSON object per benchmark with --json.
 */

export { median, sideBySide, throughput } from '../core/measure.js';

export interface BenchRow {
  readonly label: string;
  readonly baseline: number;
  readonly candidate: number;
}

export interface BenchResult {
  readonly name: string;
  readonly title: string;
  readonly unit: string;
  readonly baselineName: string;
  readonly candidateName: string;
  /** "higher" when a larger figure is better (throughput), "lower" otherwise (size, latency). */
  readonly better: 'higher' | 'lower';
  readonly rows: readonly BenchRow[];
  readonly notes?: readonly string[];
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(): Promise<BenchResult>;
}

export function ratio(row: BenchRow): number {
  return row.candidate / row.baseline;
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));

export function formatTable(r: BenchResult): string {
  const head = ['', `${r.baselineName} (${r.unit})`, `${r.candidateName} (${r.unit})`, `ratio (${r.better} is better)`];
  const body = r.rows.map((row) => [row.label, fmt(row.baseline), fmt(row.candidate), `${ratio(row).toFixed(2)}×`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  │ ');
  return [
    `${r.name}: ${r.title}`,
    line(head),
    widths.map((w) => '─'.repeat(w)).join('──┼─'),
    ...body.map(line),
    ...(r.notes ?? []).map((n) => `  note: ${n}`),
  ].join('\n');
}

export function toJson(r: BenchResult): string {
  return JSON.stringify({
    name: r.name,
    title: r.title,
    unit: r.unit,
    baseline: r.baselineName,
    candidate: r.candidateName,
    better: r.better,
    figures: Object.fromEntries(r.rows.map((row) => [row.label, { baseline: row.baseline, candidate: row.candidate }])),
    ratios: Object.fromEntries(r.rows.map((row) => [row.label, ratio(row)])),
    notes: r.notes ?? [],
  });
}
