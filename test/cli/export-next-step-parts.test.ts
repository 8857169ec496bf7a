/**
 * Regression: export suggested `eval --anomaly` for a part model, which eval refuses.
 *
 * Found by: a gateway on the simulator's press (cycle asset, part_id_channel serial) failed parts during a
 * bad_press_fit; `linewatch export --config gw.yaml --asset press-1 --out press-fault.csv` ended with
 *   next: linewatch eval --model …/models/press-ae --data press-fault.csv --anomaly FROM/TO
 * and that command, run as printed, exits 2:
 *   linewatch: --anomaly: labels rows, and a part model is measured on parts: its labels are a quality system's
 *   table (--part-labels)
 * For a cycle asset the next step is eval with --part-labels (and, for a model whose manifest records no cut,
 * such as the shipped press-ae, the cut flags).
 */
import { describe, expect, it } from 'vitest';
import { exportNextStep } from '../../src/cli/export-next-step.js';

describe('export next step for a cycle asset whose gateway failed parts', () => {
  const text = exportNextStep({
    out: 'press-fault.csv',
    asset: 'press-1',
    written: ['force', 'position', 'cycle_active', 'serial'],
    configured: {
      modelDir: 'models/press-ae',
      cut: { triggerChannel: 'cycle_active', counter: false, partIdChannel: 'serial' },
    },
    judged: { alarmsRaised: 1, partsFailed: 57, first: Date.UTC(2026, 11, 6, 21, 38, 1) },
  } as Parameters<typeof exportNextStep>[0]);

  it('suggests eval with a results table, never --anomaly (which eval refuses for a part model)', () => {
    expect(text).not.toContain('--anomaly');
    expect(text).toContain('--part-labels');
    expect(text).toContain('--cycle-channel cycle_active --part-id-channel serial');
  });
});
