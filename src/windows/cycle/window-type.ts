/** cycle: one window per produced part, cut by a cycle flag or a part counter; each part gets a verdict. */
import { z } from 'zod';
import { nameSchema as name } from '../../core/config-primitives.js';
import type { WindowType } from '../window-type.js';

const fields = {
  trigger_channel: name
    .optional()
    .describe('cycle: the channel that marks the cycle (a cycle-active flag or a part counter).'),
  trigger: z
    .enum(['flag', 'counter'])
    .default('flag')
    .describe('cycle: flag = the part runs while the trigger is non-zero; counter = each change starts the next part.'),
  part_id_channel: name
    .optional()
    .describe('cycle: a channel holding the part id (e.g. the part counter); default: parts numbered from 1.'),
  min_samples: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('cycle: a part with fewer rows is judged unknown (too short).'),
  max_samples: z
    .number()
    .int()
    .min(2)
    .default(10_000)
    .describe('cycle: a part longer than this is cut and judged unknown.'),
};

export const cycleWindowType: WindowType<'cycle', typeof fields> = {
  type: 'cycle',
  fields,
  sample: `# A press: one window per stroke while cycle_active is 1, parts named by the serial tag.
type: cycle
trigger_channel: cycle_active
trigger: flag
part_id_channel: serial
min_samples: 10
max_samples: 2000
`,
  check(window, where, ctx) {
    const issues: string[] = [];
    if (!window.trigger_channel) issues.push(`${where}.trigger_channel: required when type is "cycle"`);
    for (const key of ['trigger_channel', 'part_id_channel'] as const) {
      const ch = window[key];
      if (ch && !ctx.provided.has(ch))
        issues.push(`${where}.${key}: no source provides channel "${ch}" of asset ${ctx.asset}`);
    }
    // Text tags (Modbus `string`) can name a part, not cut cycles.
    if (window.trigger_channel && ctx.text.has(window.trigger_channel))
      issues.push(
        `${where}.trigger_channel: "${window.trigger_channel}" is a string tag; a trigger must be a number (a flag or a part counter)`,
      );
    if (window.hop_ms !== undefined) issues.push(`${where}.hop_ms: only for sliding windows`);
    return issues;
  },
};
