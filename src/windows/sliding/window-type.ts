/** sliding: continuous monitoring, the newest window_length rows scored every hop. */
import { z } from 'zod';
import type { WindowType } from '../window-type.js';

const fields = {
  hop_samples: z.number().int().min(1).default(1).describe('sliding: score every N samples.'),
  hop_ms: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("sliding: score every this many ms instead (a multiple of the model's sample period)."),
};

export const slidingWindowType: WindowType<'sliding', typeof fields> = {
  type: 'sliding',
  fields,
  sample: `# Continuous monitoring: a window every 5 samples, rows on the model's time grid.
type: sliding
hop_samples: 5
align: hold
max_sample_age_ms: 2000
`,
  check(window, where, ctx) {
    const issues: string[] = [];
    if (window.trigger_channel || window.part_id_channel)
      issues.push(`${where}: trigger_channel and part_id_channel only apply to type "cycle"`);
    if (window.hop_ms !== undefined && window.hop_ms % ctx.samplePeriodMs !== 0)
      issues.push(
        `${where}.hop_ms: ${window.hop_ms} ms is not a multiple of model ${ctx.modelName}'s sample period (${ctx.samplePeriodMs} ms)`,
      );
    return issues;
  },
};
