/**
 * `assets[].running_when`: when the asset's machine runs (the schema and what it cannot check). Rows where the
 * condition does not hold are neither windowed nor scored (windows/running-gate.ts); the condition itself, and how a
 * reading is judged, is core/running-condition.ts, shared with `train`/`eval --running-when`.
 */
import { z } from 'zod';
import { nearestName } from '../core/nearest-name.js';
import { runningConditionText, type RunningCondition } from '../core/running-condition.js';

const COMPARISONS = ['equals', 'not_equals', 'above', 'below'] as const;

const word = z.union([z.number(), z.string().min(1), z.boolean()]);

export const runningWhenSchema = z
  .strictObject({
    channel: z
      .string()
      .min(1)
      .describe(
        "The channel that says whether the machine runs (a RUN coil, a mode word, a speed): read from the asset's sources, a model input or not.",
      ),
    equals: word
      .optional()
      .describe('Runs while the channel reads this value (a number, true/false, or a word such as RUN).'),
    not_equals: word.optional().describe('Runs while the channel reads any other value than this one.'),
    above: z.number().optional().describe('Runs while the channel reads more than this number.'),
    below: z.number().optional().describe('Runs while the channel reads less than this number.'),
    settle_ms: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        "After a restart (the condition true again after a stop), rows in this many ms are the ramp back to normal operation: neither windowed nor scored, as a stop's (status stopped.state settling). Set it to the model's training.running_when.settle_ms (train estimates it from the training rows' restarts). Unset or 0: none; a gateway that starts while the machine runs scores at once.",
      ),
  })
  .superRefine((c, ctx) => {
    const given = COMPARISONS.filter((k) => c[k] !== undefined);
    if (given.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      message:
        given.length === 0
          ? 'give one comparison: equals, not_equals, above or below'
          : `give exactly one comparison, not ${given.join(' and ')}`,
    });
  });

export type RunningWhen = z.infer<typeof runningWhenSchema> & RunningCondition;

/**
 * What the schema cannot check of asset `i`'s running_when: that a source of the asset reads its channel (`read`: the
 * channels its sources read), and that its windows are sliding ones (a part's window is cut by its trigger).
 */
export function runningWhenIssues(
  i: number,
  asset: {
    readonly name: string;
    readonly running_when?: RunningCondition;
    readonly window: { readonly type: string };
  },
  read: ReadonlySet<string>,
): string[] {
  const c = asset.running_when;
  if (c === undefined) return [];
  const where = `assets[${i}].running_when`;
  const issues: string[] = [];
  if (asset.window.type === 'cycle')
    issues.push(
      `${where}: applies to sliding windows; asset ${asset.name}'s cycle windows are cut by their trigger (leave running_when out)`,
    );
  if (!read.has(c.channel)) {
    const meant = nearestName(c.channel, [...read]);
    issues.push(
      `${where}.channel: "${c.channel}" is read by no source of asset ${asset.name} (read: ${[...read].join(', ') || 'none'})${meant ? `; did you mean "${meant}"?` : ''}`,
    );
  }
  return issues;
}

/** The condition a model learnt under (`training.running_when`, written by `train --running-when`), if a valid one. */
function learntUnder(training: Readonly<Record<string, unknown>>): RunningWhen | undefined {
  const parsed = runningWhenSchema.safeParse(training.running_when);
  return parsed.success ? (parsed.data as RunningWhen) : undefined;
}

/**
 * The rows model `what` learnt from (`training.running_when`: its condition and settle time), for a command that must
 * read a CSV as `train` read it (`quantize`); undefined where it learnt every row. A manifest's record that is not a
 * condition this version reads is an error naming it: read otherwise, the rows would not be the ones learnt.
 */
export function learntRunningWhen(training: Readonly<Record<string, unknown>>, what: string): RunningWhen | undefined {
  if (training.running_when === undefined) return undefined;
  const found = learntUnder(training);
  if (found) return found;
  throw new Error(
    `${what}: training.running_when ${JSON.stringify(training.running_when).slice(0, 200)} is not a condition this version reads (channel and one of equals, not_equals, above, below; settle_ms)`,
  );
}

/**
 * How the rows a condition scores (`given`; undefined: every row) differ from those a model learnt (`learnt`, its
 * `training.running_when`): every row scored where it learnt only a running machine's, another condition, or another
 * settle time after a restart (each 0 where unset); undefined where they are the same. Worded by the gateway's
 * validate (runningWhenNotes) and by the Node-RED window node (node-red/running-settings.ts).
 */
export type LearntRowsDifference =
  | { readonly kind: 'every row'; readonly learnt: string }
  | { readonly kind: 'condition'; readonly given: string; readonly learnt: string }
  | { readonly kind: 'settle'; readonly settleMs: number; readonly learntSettleMs: number };

export function learntRowsDifference(
  given: RunningCondition | undefined,
  learnt: RunningCondition,
): LearntRowsDifference | undefined {
  const said = runningConditionText(learnt);
  if (given === undefined) return { kind: 'every row', learnt: said };
  const text = runningConditionText(given);
  if (text !== said) return { kind: 'condition', given: text, learnt: said };
  const settleMs = given.settle_ms ?? 0;
  const learntSettleMs = learnt.settle_ms ?? 0;
  return settleMs === learntSettleMs ? undefined : { kind: 'settle', settleMs, learntSettleMs };
}

/** Of a settle time other than the model's: which rows that makes wrong. */
export function settleDifferenceText(d: { readonly settleMs: number; readonly learntSettleMs: number }): string {
  return d.settleMs < d.learntSettleMs ? 'the ramp it never learnt is scored' : 'rows it learnt are not scored';
}

/**
 * Where an asset scores other rows than its model learnt: the model learnt only a running machine's rows
 * (`train --running-when`) and the asset scores every row, its stops too, or under another condition. Warnings
 * (validate, a start): a deliberate difference is possible (the RUN bit comes from another tag on the gateway).
 */
export function runningWhenNotes(
  assets: readonly { readonly name: string; readonly running_when?: RunningCondition }[],
  models: ReadonlyMap<
    string,
    { readonly manifest: { readonly name: string; readonly training: Record<string, unknown> } }
  >,
): string[] {
  return assets.flatMap((asset, i) => {
    const manifest = models.get(asset.name)?.manifest;
    const learnt = manifest && learntUnder(manifest.training);
    if (!manifest || !learnt) return [];
    const d = learntRowsDifference(asset.running_when, learnt);
    const where = `assets[${i}]`;
    if (d === undefined) return [];
    if (d.kind === 'every row')
      return [
        `${where}: model ${manifest.name} learnt only the rows where ${d.learnt} (training.running_when); asset ${asset.name} scores every row, its stops too: set ${where}.running_when to the same condition on the channel that says it here`,
      ];
    if (d.kind === 'condition')
      return [
        `${where}.running_when: ${d.given}, but model ${manifest.name} learnt the rows where ${d.learnt} (training.running_when): the rows scored are not those learnt, unless the two say the same thing under other names`,
      ];
    return [
      `${where}.running_when.settle_ms: ${d.settleMs}, but model ${manifest.name} left out the ${d.learntSettleMs} ms after each restart (training.running_when.settle_ms): ${settleDifferenceText(d)}; set settle_ms: ${d.learntSettleMs}`,
    ];
  });
}
