/**
 * Replays a CSV in the SKAB format (`;`-separated, `datetime` first, one row per reading) as the
 * pump's signals, looping at the end: the columns of SKAB_COLUMNS, each to its pump channel, every other column
 * dropped (docs/simulator.md has the table, a test keeps it to SKAB_COLUMNS). Time follows the file's own
 * timestamps, so the simulator's `speed` replays it at real or accelerated pace.
 */
import { readCsvText } from '../core/csv-file.js';
import { heldAsText, parseSkabCsv, plainNumberTimes, unitlessTimes } from '../core/csv-table.js';
import { PUMP_CHANNELS, type PumpSignals, type PumpSignalSource } from './plant.js';

/** SKAB column → pump channel. Thermocouple has no pump register and is ignored. */
export const SKAB_COLUMNS: Record<string, keyof PumpSignals> = {
  Accelerometer1RMS: 'vibration_1',
  Accelerometer2RMS: 'vibration_2',
  Current: 'motor_current',
  Voltage: 'voltage',
  Pressure: 'pressure',
  Temperature: 'temperature',
  'Volume Flow RateRMS': 'flow',
};

export function csvReplaySource(file: string): PumpSignalSource {
  const table = parseSkabCsv(readCsvText(file), file);
  const missing = Object.keys(SKAB_COLUMNS).filter((c) => !table.columns.has(c));
  if (missing.length > 0)
    throw new Error(`${file}: missing column(s) ${missing.join(', ')}${heldAsText(missing, table.textColumns)}`);
  // The simulator plays what the file holds: a reading it does not hold is refused, not made up.
  const gap = table.missing?.find((m) => m.column in SKAB_COLUMNS);
  if (gap)
    throw new Error(
      `${file}:${gap.firstLine}: column ${gap.column}: no reading (${gap.cells} missing in the file); replay plays every reading as the file holds it`,
    );
  // A sample counter or seconds since the start have no unit the file says; replay follows the file's own times.
  if (unitlessTimes(table))
    throw new Error(
      `${plainNumberTimes(file, table.times, table.countedRows)}; replay follows the file's own times, so ${table.countedRows ? 'add a time column of dates' : 'write them as dates'} (2024-01-23 00:03:00)`,
    );
  const t0 = table.times[0];
  const span = (table.times[table.times.length - 1] - t0) / 1000 + 1;
  let index = 0;
  return (t_s: number) => {
    const t = t0 + (t_s % span) * 1000;
    if (t < table.times[index]) index = 0;
    while (index + 1 < table.times.length && table.times[index + 1] <= t) index++;
    const out = {} as PumpSignals;
    for (const [col, ch] of Object.entries(SKAB_COLUMNS)) out[ch] = table.columns.get(col)![index];
    for (const ch of PUMP_CHANNELS) if (out[ch] === undefined) out[ch] = 0;
    return out;
  };
}
