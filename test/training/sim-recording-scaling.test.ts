/**
 * The simulator's recordings (train --from-sim, the shipped models' data) scale registers as the gateway's Modbus
 * source does (toEngineering, the one scaling): a vibration of 293 × 0.0001 is 0.0293 in both, not
 * 0.029300000000000003 in the recording, so a model trained on it sees exactly what the gateway will see.
 */
import { describe, expect, it } from 'vitest';
import { PUMP_UNIT_ID, SIM_REGISTERS } from '../../src/sim/register-map.js';
import { recordPumpFromSimulator } from '../../src/training/sim-recording.js';

/** The digits a decimal scale keeps (0.0001: 4), or undefined for a scale of 1. */
const decimals = (scale: number) => (scale === 1 ? undefined : Math.round(-Math.log10(scale)));

/** The values of a recording's scaled channels that do not read as written, by channel: a count, the first 3. */
function noisy(rec: { channels: readonly string[]; rows: Float64Array }, unit: number) {
  const found: Record<string, { count: number; first: number[] }> = {};
  const c = rec.channels.length;
  rec.channels.forEach((ch, k) => {
    const reg = SIM_REGISTERS.find((r) => r.unit === unit && r.name === ch);
    const d = reg && decimals(reg.scale);
    if (d === undefined) return;
    for (let i = k; i < rec.rows.length; i += c) {
      const v = rec.rows[i];
      if (Number(v.toFixed(d)) === v) continue;
      found[ch] ??= { count: 0, first: [] };
      found[ch].count++;
      if (found[ch].first.length < 3) found[ch].first.push(v);
    }
  });
  return found;
}

describe('the simulator recordings', () => {
  it("scale the pump's integer registers as the gateway reads them: every value as written", () => {
    const rec = recordPumpFromSimulator(7, 120, 200);
    // The pump's four decimal-scaled channels, each looked at.
    expect(rec.channels.filter((ch) => ['vibration_1', 'vibration_2', 'temperature', 'flow'].includes(ch))).toEqual([
      'vibration_1',
      'vibration_2',
      'temperature',
      'flow',
    ]);
    expect(noisy(rec, PUMP_UNIT_ID)).toEqual({});
  });
});
